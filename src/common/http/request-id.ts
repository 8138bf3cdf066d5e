import { randomUUID } from 'node:crypto';
import type { NextFunction, Request, Response } from 'express';

const VALID_REQUEST_ID = /^[A-Za-z0-9._:-]{1,128}$/;

/** An incoming id is honoured when it is 1-128 characters of [A-Za-z0-9._:-]; otherwise we make one. */
export function resolveRequestId(incoming: unknown): string {
  return typeof incoming === 'string' && VALID_REQUEST_ID.test(incoming) ? incoming : randomUUID();
}

export type RequestWithId = Request & { id: string };

/** Runs before body parsing so that even a malformed-JSON error carries the request id. */
export function requestIdMiddleware(req: Request, res: Response, next: NextFunction): void {
  const id = resolveRequestId(req.headers['x-request-id']);
  (req as RequestWithId).id = id;
  res.setHeader('X-Request-Id', id);
  next();
}
