import type { NextFunction, Request, Response } from 'express';
import typeis from 'type-is';
import { AppError } from '../errors/app-error';

/**
 * A request that carries a body must say it is JSON (multipart is left to upload routes).
 * Without this, a text/plain body would be silently ignored instead of refused.
 */
export function jsonOnlyMiddleware(req: Request, _res: Response, next: NextFunction): void {
  const length = Number(req.headers['content-length'] ?? 0);
  const hasBody = req.headers['transfer-encoding'] !== undefined || length > 0;
  if (hasBody && !typeis(req, ['application/json', 'application/*+json', 'multipart/form-data'])) {
    next(AppError.validation('Content-Type must be application/json', [{ field: 'body', message: 'expected application/json' }]));
    return;
  }
  next();
}
