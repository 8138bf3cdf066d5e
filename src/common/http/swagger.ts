import { applyDecorators, createParamDecorator, ExecutionContext } from '@nestjs/common';
import { ApiProperty, ApiPropertyOptional, ApiResponse } from '@nestjs/swagger';
import type { Request } from 'express';
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

/** Documents the error envelope for each code a route can answer. */
export const ApiErrors = (...codes: ErrorCode[]): MethodDecorator & ClassDecorator =>
  applyDecorators(
    ...codes.map((code) =>
      ApiResponse({ status: HTTP_STATUS_BY_CODE[code], description: `${code}: ${DESCRIPTIONS[code]}`, type: ErrorEnvelopeDto }),
    ),
  );

/** Client IP (per TRUST_PROXY) and user agent, recorded on sessions. */
export const ReqMeta = createParamDecorator((_data: unknown, ctx: ExecutionContext): RequestMeta => {
  const req = ctx.switchToHttp().getRequest<Request>();
  const ua = req.headers['user-agent'];
  return { ip: req.ip, userAgent: typeof ua === 'string' ? ua : undefined };
});
