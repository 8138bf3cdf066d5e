import { BadRequestException, HttpException, NotFoundException, PayloadTooLargeException } from '@nestjs/common';
import { AppError, ErrorCode } from './app-error';
import { normalizeError } from './error-envelope';

describe('normalizeError', () => {
  it('keeps an AppError’s code, message and details, with the status from the contract table', () => {
    const n = normalizeError(AppError.validation('name is bad', [{ field: 'name', message: 'is bad' }]));
    expect(n).toEqual({
      status: 400,
      body: { code: ErrorCode.VALIDATION_FAILED, message: 'name is bad', details: [{ field: 'name', message: 'is bad' }] },
      unexpected: false,
    });
    expect(normalizeError(AppError.rateLimited(1500)).body).toMatchObject({ code: 'RATE_LIMITED', retryAfterMs: 1500 });
    expect(normalizeError(AppError.notFound('Conversation')).status).toBe(404);
  });

  it('maps body-parser failures wrapped by the Express adapter', () => {
    const parse = Object.assign(new SyntaxError('Unexpected token } in JSON at position 7'), { type: 'entity.parse.failed', status: 400 });
    const n = normalizeError(new BadRequestException(parse.message, { cause: parse }));
    expect(n.status).toBe(400);
    expect(n.body.details).toEqual([{ field: 'body', message: 'malformed JSON' }]);
    expect(n.body.message).not.toContain('position');

    const big = Object.assign(new Error('request entity too large'), { type: 'entity.too.large', status: 413 });
    expect(normalizeError(new PayloadTooLargeException(big.message, { cause: big })).body.code).toBe('PAYLOAD_TOO_LARGE');
  });

  it('maps framework HTTP exceptions by status with safe messages', () => {
    expect(normalizeError(new NotFoundException('Cannot GET /secret/internal/path')).body).toEqual({ code: 'NOT_FOUND', message: 'Not found' });
    expect(normalizeError(new HttpException('Too Many Requests', 429)).body.code).toBe('RATE_LIMITED');
    expect(normalizeError(new HttpException('boom', 502))).toMatchObject({ status: 500, body: { code: 'INTERNAL' }, unexpected: true });
  });

  it('turns anything unexpected into INTERNAL without leaking its message', () => {
    const n = normalizeError(new Error('duplicate key value violates unique constraint "users_pkey" SELECT * FROM users'));
    expect(n).toEqual({ status: 500, body: { code: 'INTERNAL', message: 'Internal server error' }, unexpected: true });
    expect(normalizeError('a string').body.code).toBe('INTERNAL');
    expect(normalizeError(undefined).body.code).toBe('INTERNAL');
  });
});
