import { ClassConstructor, plainToInstance } from 'class-transformer';
import { validateSync, ValidationError } from 'class-validator';
import { AppError, ErrorDetail } from '../errors/app-error';
import { inspectInput } from './inspect-input';

function flatten(errors: ValidationError[], parent = ''): ErrorDetail[] {
  return errors.flatMap((e) => {
    const field = parent ? `${parent}.${e.property}` : e.property;
    const own = Object.values(e.constraints ?? {}).map((message) => ({ field, message }));
    return [...own, ...flatten(e.children ?? [], field)];
  });
}

/**
 * The one place where client input becomes a typed, validated object. Both transports
 * (REST and Socket.IO) go through it via AppCommand.create / AppQuery.create, so the
 * rules cannot disagree. Unknown fields are refused; properties without a validation
 * decorator (actor, server-set context) can never come from the client.
 */
export function validateInput<T extends object>(cls: ClassConstructor<T>, input: unknown): T {
  const raw: unknown = input ?? {};
  if (typeof raw !== 'object' || Array.isArray(raw)) {
    throw AppError.validation('Input must be a JSON object', [{ field: 'body', message: 'must be an object' }]);
  }
  const problem = inspectInput(raw);
  if (problem) throw AppError.validation(problem.message.startsWith('property ') ? problem.message : `${problem.field} ${problem.message}`, [problem]);
  const instance = plainToInstance(cls, raw as Record<string, unknown>);
  const errors = validateSync(instance, {
    whitelist: true,
    forbidNonWhitelisted: true,
    // One message per field is what a form can show.
    stopAtFirstError: true,
    // Object-ness is checked above; classes without fields must still accept {}.
    forbidUnknownValues: false,
    validationError: { target: false, value: false },
  });
  if (errors.length > 0) {
    const details = flatten(errors);
    throw AppError.validation(details[0]?.message ?? 'Validation failed', details);
  }
  return instance;
}
