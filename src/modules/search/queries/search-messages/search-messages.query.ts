import { applyDecorators } from '@nestjs/common';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsBoolean, IsIn, IsInt, IsOptional, IsString, IsUUID, Length, Max, Min } from 'class-validator';
import { Actor, AppQuery } from '../../../../common/cqrs/app-command';
import { IsoTime } from '../../../../common/cqrs/iso-time';
import { ToInt, Trim, LowercaseId } from '../../../../common/cqrs/transforms';
import { PageCursor } from '../../../../common/pagination/cursor';
import type { SearchSort } from '../../../messaging';
import { SearchPage } from '../../domain/views';

export const SEARCH_DEFAULT_LIMIT = 20;
export const SEARCH_MAX_LIMIT = 50;
export const SEARCH_MAX_QUERY_LENGTH = 200;

/** An ISO-8601 date or date-time, UTC unless it names an offset, years 0001–9999. */
const TimeFilter = (name: string, description: string): PropertyDecorator =>
  applyDecorators(
    ApiPropertyOptional({ format: 'date-time', description, example: '2026-01-31T00:00:00Z' }),
    IsOptional(),
    IsoTime(`${name} must be an ISO-8601 date or date-time (years 0001–9999)`, true),
  );

/** Query strings give "true"/"false", socket payloads booleans. */
const ToBoolean = (): PropertyDecorator =>
  Transform(({ value }: { value: unknown }) => (value === 'true' ? true : value === 'false' ? false : value));

/**
 * GET /v1/search/messages and the `messages.search` socket event. Validated where it is
 * built, so both transports accept and refuse exactly the same input.
 */
export class SearchMessagesQuery extends AppQuery<SearchPage, { actor: Actor }> {
  @ApiProperty({
    description: `Search string, 1–${SEARCH_MAX_QUERY_LENGTH} characters after trimming. Words must all match; "exact phrase", OR, -excluded`,
    example: 'deploy "release notes" -staging',
    minLength: 1,
    maxLength: SEARCH_MAX_QUERY_LENGTH,
  })
  @Trim()
  @IsString({ message: 'q must be a string' })
  @Length(1, SEARCH_MAX_QUERY_LENGTH, { message: `q must be 1 to ${SEARCH_MAX_QUERY_LENGTH} characters after trimming` })
  q: string;

  @ApiPropertyOptional({ format: 'uuid', description: 'Only this conversation (404 unless the caller is a member)' })
  @IsOptional()
  @LowercaseId()
  @IsUUID('all', { message: 'conversationId must be a UUID' })
  conversationId?: string;

  @ApiPropertyOptional({ format: 'uuid', description: 'Only messages sent by this user' })
  @IsOptional()
  @LowercaseId()
  @IsUUID('all', { message: 'senderId must be a UUID' })
  senderId?: string;

  @TimeFilter('after', 'Only messages sent after this time (exclusive)')
  after?: Date;

  @TimeFilter('before', 'Only messages sent before this time (exclusive)')
  before?: Date;

  @ApiPropertyOptional({ type: Boolean, description: 'true: only messages with attachments; false: only those without' })
  @IsOptional()
  @ToBoolean()
  @IsBoolean({ message: 'hasAttachment must be true or false' })
  hasAttachment?: boolean;

  @ApiPropertyOptional({ enum: ['relevance', 'recent'], default: 'relevance' })
  @IsOptional()
  @IsIn(['relevance', 'recent'], { message: 'sort must be relevance or recent' })
  sort?: SearchSort;

  @ApiPropertyOptional({ minimum: 1, maximum: SEARCH_MAX_LIMIT, default: SEARCH_DEFAULT_LIMIT })
  @IsOptional()
  @ToInt()
  @IsInt({ message: 'limit must be an integer' })
  @Min(1, { message: `limit must be between 1 and ${SEARCH_MAX_LIMIT}` })
  @Max(SEARCH_MAX_LIMIT, { message: `limit must be between 1 and ${SEARCH_MAX_LIMIT}` })
  limit?: number;

  @PageCursor()
  cursor?: string;

  actor: Actor;
}
