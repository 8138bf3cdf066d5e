import { Command, Query } from '@nestjs/cqrs';
import { ClassConstructor } from 'class-transformer';
import { validateInput } from './validate-input';

/**
 * Who is acting. Set by the transport from the authenticated token, never from input. It
 * carries no role: a handler that needs one reads it from the database, so a demoted admin
 * loses their rights at once.
 */
export interface Actor {
  userId: string;
}

export interface RequestMeta {
  ip?: string;
  userAgent?: string;
}

/**
 * Base of every command: `X.create(input, context)` validates the client's input with
 * the class-validator rules declared on X, then attaches server-side context (actor,
 * request metadata). A command can only be built valid, whichever transport built it.
 */
export abstract class AppCommand<TResult> extends Command<TResult> {
  static create<T extends AppCommand<unknown>, C extends object>(
    this: ClassConstructor<T>,
    input: unknown,
    context?: C,
  ): T & C {
    return Object.assign(validateInput(this, input), context ?? {}) as T & C;
  }
}

/** Same contract as AppCommand, for reads dispatched on the QueryBus. */
export abstract class AppQuery<TResult> extends Query<TResult> {
  static create<T extends AppQuery<unknown>, C extends object>(
    this: ClassConstructor<T>,
    input: unknown,
    context?: C,
  ): T & C {
    return Object.assign(validateInput(this, input), context ?? {}) as T & C;
  }
}
