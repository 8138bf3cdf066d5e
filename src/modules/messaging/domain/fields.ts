import { applyDecorators } from '@nestjs/common';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsInt, IsOptional, IsString, IsUUID, Length, Matches, Max, Min, ValidateBy } from 'class-validator';
import { LowercaseId, ToInt, Trim } from '../../../common/cqrs/transforms';

export const MAX_CONTENT_LENGTH = 10_000;

export const ConversationIdField = (): PropertyDecorator =>
  applyDecorators(ApiProperty({ format: 'uuid' }), LowercaseId(), IsUUID('all', { message: 'conversationId must be a UUID' }));

export const MessageIdField = (): PropertyDecorator =>
  applyDecorators(ApiProperty({ format: 'uuid' }), LowercaseId(), IsUUID('all', { message: 'messageId must be a UUID' }));

/** Trimmed message text, 1–10000 characters. */
export const ContentField = (): PropertyDecorator =>
  applyDecorators(
    ApiProperty({ example: 'See you at 10?', minLength: 1, maxLength: MAX_CONTENT_LENGTH }),
    Trim(),
    IsString(),
    Length(1, MAX_CONTENT_LENGTH, { message: `content must be 1 to ${MAX_CONTENT_LENGTH} characters after trimming` }),
  );

/** A sequence number as sent by a client (query strings give strings). */
export const SeqField = (name: string, optional = false): PropertyDecorator =>
  applyDecorators(
    optional ? ApiPropertyOptional({ minimum: 0, example: 42 }) : ApiProperty({ minimum: 0, example: 42 }),
    ...(optional ? [IsOptional()] : []),
    ToInt(),
    IsInt({ message: `${name} must be an integer` }),
    Min(0),
    Max(Number.MAX_SAFE_INTEGER),
  );

export const ClientMessageIdField = (): PropertyDecorator =>
  applyDecorators(
    ApiProperty({ example: '0b7f6c1e-3d2a-4f8e-9c51-7a2e1d0c9b88', description: '1–64 of [A-Za-z0-9_-]; a UUID is recommended' }),
    IsString(),
    Matches(/^[A-Za-z0-9_-]{1,64}$/, { message: 'clientMessageId must be 1-64 characters of A-Z, a-z, 0-9, "_" and "-"' }),
  );

// Starts as an emoji is drawn: an emoji-presentation character, a text-default pictograph
// forced to emoji by U+FE0F, a flag (two regional indicators) or a keycap.
const EMOJI = /^(?:(?!\p{Regional_Indicator})\p{Emoji_Presentation}|\p{Extended_Pictographic}\uFE0F|\p{Regional_Indicator}{2}|[0-9#*]\uFE0F?\u20E3)/u;
const segmenter = new Intl.Segmenter('en', { granularity: 'grapheme' });

/** A single emoji grapheme, at most 32 UTF-16 units. */
export function isSingleEmoji(value: unknown): boolean {
  if (typeof value !== 'string' || value.length === 0 || value.length > 32) return false;
  const graphemes = [...segmenter.segment(value)];
  return graphemes.length === 1 && EMOJI.test(value);
}

export const EmojiField = (): PropertyDecorator =>
  applyDecorators(
    ApiProperty({ example: '👍', description: 'One emoji (a single grapheme, ≤ 32 UTF-16 units)' }),
    ValidateBy({ name: 'isSingleEmoji', validator: { validate: isSingleEmoji, defaultMessage: () => 'emoji must be a single emoji' } }),
  );

export { IsOptional, IsUUID, Trim };
