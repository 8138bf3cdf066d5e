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

/** The server-side context a command or query declares (its second type parameter). */
export type ContextOf<T> = T extends { readonly __context?: infer C } ? (C extends object ? C : never) : never;
/** `create`'s context argument: required when the declared context has a required field. */
type ContextArgs<T> = object extends ContextOf<T> ? [context?: ContextOf<T>] : [context: ContextOf<T>];

/**
 * Base of every command: `X.create(input, context)` validates the client's input with the
 * class-validator rules declared on X, then attaches server-side context (actor, request
 * metadata). A command can only be built valid, whichever transport built it, and only with
 * the context it declares: `SendMessageCommand.create(input)` without `{ actor }` does not
 * compile.
 */
export abstract class AppCommand<TResult, TContext extends object = object> extends Command<TResult> {
  /** Only a type, never a value: the context `create` requires. */
  declare readonly __context?: TContext;

  static create<T extends AppCommand<unknown, object>>(this: ClassConstructor<T>, input: unknown, ...context: ContextArgs<T>): T & ContextOf<T> {
    return Object.assign(validateInput(this, input), context[0] ?? {}) as T & ContextOf<T>;
  }
}

/** Same contract as AppCommand, for reads dispatched on the QueryBus. */
export abstract class AppQuery<TResult, TContext extends object = object> extends Query<TResult> {
  declare readonly __context?: TContext;

  static create<T extends AppQuery<unknown, object>>(this: ClassConstructor<T>, input: unknown, ...context: ContextArgs<T>): T & ContextOf<T> {
    return Object.assign(validateInput(this, input), context[0] ?? {}) as T & ContextOf<T>;
  }
}
