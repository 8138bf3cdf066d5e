import { randomBytes } from 'node:crypto';
import request from 'supertest';

export interface RegisteredUser {
  id: string;
  username: string;
  email: string;
  password: string;
  accessToken: string;
  refreshToken: string;
}

let counter = 0;

/** A username no other test (or parallel worker) will pick. */
export function freshUsername(prefix = 'u'): string {
  counter += 1;
  return `${prefix}${randomBytes(4).toString('hex')}${counter}`.slice(0, 32);
}

export async function registerUser(url: string, overrides: Partial<{ username: string; email: string; password: string; displayName: string }> = {}): Promise<RegisteredUser> {
  const username = overrides.username ?? freshUsername();
  const body = {
    username,
    email: overrides.email ?? `${username}@example.test`,
    password: overrides.password ?? 'correct horse battery',
    ...(overrides.displayName ? { displayName: overrides.displayName } : {}),
  };
  const res = await request(url).post('/v1/auth/register').send(body);
  if (res.status !== 201) throw new Error(`register failed: ${res.status} ${JSON.stringify(res.body)}`);
  return {
    id: res.body.user.id,
    username: res.body.user.username,
    email: body.email,
    password: body.password,
    accessToken: res.body.accessToken,
    refreshToken: res.body.refreshToken,
  };
}

export const bearer = (token: string): [string, string] => ['Authorization', `Bearer ${token}`];

/** Checks the contract's error envelope and that its requestId matches the header. */
export function expectError(res: request.Response, status: number, code: string): void {
  expect({ status: res.status, code: res.body?.error?.code }).toEqual({ status, code });
  expect(typeof res.body.error.message).toBe('string');
  expect(res.body.error.requestId).toBe(res.headers['x-request-id']);
  expect(Object.keys(res.body)).toEqual(['error']);
}

/** A 400 VALIDATION_FAILED whose details name `field`. */
export function expectInvalid(res: request.Response, field: string): void {
  expectError(res, 400, 'VALIDATION_FAILED');
  expect(Array.isArray(res.body.error.details)).toBe(true);
  expect(res.body.error.details.map((d: { field: string }) => d.field)).toContain(field);
}

/** A 400 for a non-UUID path id: details name the id (as `id` or as the command's field). */
export function expectInvalidPathId(res: request.Response, ...fields: string[]): void {
  expectError(res, 400, 'VALIDATION_FAILED');
  expect(fields).toContain(res.body.error.details[0].field);
}

/** Hidden from a non-member exactly as something that does not exist. */
export function expectHiddenLikeMissing(hidden: request.Response, missing: request.Response): void {
  expectError(hidden, 404, 'NOT_FOUND');
  expectError(missing, 404, 'NOT_FOUND');
  expect(hidden.body.error.message).toBe(missing.body.error.message);
  expect(hidden.body.error.details).toEqual(missing.body.error.details);
}
