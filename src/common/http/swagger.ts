import { applyDecorators, createParamDecorator, ExecutionContext } from '@nestjs/common';
import { ApiExtraModels, ApiProperty, ApiPropertyOptional, ApiResponse, getSchemaPath } from '@nestjs/swagger';
import type { Request } from 'express';
import { isIP } from 'node:net';
import { RequestMeta } from '../cqrs/app-command';
import { ErrorCode, HTTP_STATUS_BY_CODE } from '../errors/app-error';

export class ErrorDetailDto {
  @ApiProperty({ example: 'content' })
  field: string;
  @ApiProperty({ example: 'content must be at most 10000 characters' })
  message: string;
}

export class ErrorBodyDto {
  @ApiProperty({ enum: ErrorCode, example: ErrorCode.VALIDATION_FAILED })
  code: ErrorCode;
  @ApiProperty({ example: 'content must be at most 10000 characters' })
  message: string;
  @ApiPropertyOptional({ type: [ErrorDetailDto], description: 'Present for body or query validation failures' })
  details?: ErrorDetailDto[];
  @ApiProperty({ example: '0f3c1a9e-4b4e-4c55-9a57-8a1f0d3b2c11', description: 'Equals the X-Request-Id header' })
  requestId: string;
  @ApiPropertyOptional({ example: 1500, description: 'RATE_LIMITED only: milliseconds until a retry can succeed' })
  retryAfterMs?: number;
}

export class ErrorEnvelopeDto {
  @ApiProperty({ type: ErrorBodyDto })
  error: ErrorBodyDto;
}

const DESCRIPTIONS: Record<ErrorCode, string> = {
  VALIDATION_FAILED: 'Invalid input (body, query or path); `details` names the fields',
  UNAUTHENTICATED: 'Missing, invalid or expired credentials',
  FORBIDDEN: 'Not allowed',
  NOT_FOUND: 'Does not exist or is not visible to the caller',
  CONFLICT: 'Conflicts with the current state',
  PAYLOAD_TOO_LARGE: 'Body too large',
  UNSUPPORTED_MEDIA_TYPE: 'File type refused',
  RATE_LIMITED: 'Too many requests; see the Retry-After header',
  INTERNAL: 'Unexpected error; quote the requestId',
  UNAVAILABLE: 'A dependency is down',
};

const EXAMPLE_MESSAGES: Record<ErrorCode, string> = {
  VALIDATION_FAILED: 'name must be 1 to 100 characters after trimming',
  UNAUTHENTICATED: 'The access token is invalid or expired',
  FORBIDDEN: 'You are not allowed to do this',
  NOT_FOUND: 'Conversation not found',
  CONFLICT: 'username is already taken',
  PAYLOAD_TOO_LARGE: 'Request body is too large',
  UNSUPPORTED_MEDIA_TYPE: 'This file type is not accepted',
  RATE_LIMITED: 'Too many requests, try again later',
  INTERNAL: 'Internal server error',
  UNAVAILABLE: 'Service unavailable',
};

/** Documents the error envelope, with an example of the right code, for each code a route can answer. */
export const ApiErrors = (...codes: ErrorCode[]): MethodDecorator & ClassDecorator =>
  applyDecorators(
    ApiExtraModels(ErrorEnvelopeDto),
    ...codes.map((code) =>
      ApiResponse({
        status: HTTP_STATUS_BY_CODE[code],
        description: `${code}: ${DESCRIPTIONS[code]}`,
        ...(code === ErrorCode.RATE_LIMITED
          ? { headers: { 'Retry-After': { description: 'Seconds to wait before retrying', schema: { type: 'integer', example: 42 } } } }
          : {}),
        content: {
          'application/json': {
            schema: { $ref: getSchemaPath(ErrorEnvelopeDto) },
            example: {
              error: {
                code,
                message: EXAMPLE_MESSAGES[code],
                ...(code === ErrorCode.VALIDATION_FAILED ? { details: [{ field: 'name', message: EXAMPLE_MESSAGES[code] }] } : {}),
                ...(code === ErrorCode.RATE_LIMITED ? { retryAfterMs: 42000 } : {}),
                requestId: '0f3c1a9e-4b4e-4c55-9a57-8a1f0d3b2c11',
              },
            },
          },
        },
      }),
    ),
  );

/** Client IP (per TRUST_PROXY) and user agent, recorded on sessions. */
export const ReqMeta = createParamDecorator((_data: unknown, ctx: ExecutionContext): RequestMeta => {
  const req = ctx.switchToHttp().getRequest<Request>();
  const ua = req.headers['user-agent'];
  // With TRUST_PROXY on, req.ip comes from X-Forwarded-For: keep it only if it is an address.
  return { ip: req.ip && isIP(req.ip) ? req.ip : undefined, userAgent: typeof ua === 'string' ? ua : undefined };
});
