import { AppError } from '../errors/app-error';

/**
 * Merges path parameters into a request body for a command. A body that tries to set a
 * path parameter itself is refused like any unknown field.
 */
export function withPath(body: unknown, params: Record<string, string>): unknown {
  if (body === undefined || body === null) return { ...params };
  if (typeof body !== 'object' || Array.isArray(body)) return body;
  for (const key of Object.keys(params)) {
    if (Object.prototype.hasOwnProperty.call(body, key)) {
      throw AppError.validation(`property ${key} should not exist`, [{ field: key, message: `property ${key} should not exist` }]);
    }
  }
  return { ...(body as Record<string, unknown>), ...params };
}
