import type { NextFunction, Request, Response } from 'express';
import typeis from 'type-is';
import { AppError } from '../errors/app-error';
import { inspectInput } from '../cqrs/inspect-input';

/** Routes that read a multipart or raw upload body themselves (none take one yet). */
export const UPLOAD_ROUTES: readonly RegExp[] = [];

/**
 * A request that carries a body must say it is JSON, except on upload routes. Without this,
 * a text/plain or multipart body would be silently ignored (an update answering 200 and
 * changing nothing) instead of refused.
 */
export function jsonOnlyMiddleware(req: Request, _res: Response, next: NextFunction): void {
  const length = Number(req.headers['content-length'] ?? 0);
  const hasBody = req.headers['transfer-encoding'] !== undefined || length > 0;
  if (hasBody && !typeis(req, ['application/json', 'application/*+json']) && !UPLOAD_ROUTES.some((r) => r.test(req.path))) {
    next(AppError.validation('Content-Type must be application/json', [{ field: 'body', message: 'expected application/json' }]));
    return;
  }
  next();
}

/**
 * Runs right after JSON parsing, on every route: a body nested too deep, too large in values,
 * or holding a prototype key, a NUL or a lone surrogate is refused before anything walks it.
 */
export function inspectBodyMiddleware(req: Request, _res: Response, next: NextFunction): void {
  const body: unknown = req.body;
  const problem = body === undefined || body === null || typeof body !== 'object' ? null : inspectInput(body);
  if (problem) {
    next(AppError.validation(problem.message.startsWith('property ') ? problem.message : `${problem.field} ${problem.message}`, [problem]));
    return;
  }
  next();
}
