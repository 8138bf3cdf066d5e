import { applyDecorators } from '@nestjs/common';
import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsInt, IsOptional, IsString, Max, MaxLength, Min } from 'class-validator';
import { AppError } from '../errors/app-error';
import { ToInt } from '../cqrs/transforms';

export const DEFAULT_PAGE_LIMIT = 50;
export const MAX_PAGE_LIMIT = 100;

export interface Page<T> {
  items: T[];
  nextCursor: string | null;
}

/** Opaque keyset cursor: base64url JSON of the last row's sort key. */
export function encodeCursor(key: Record<string, string | number>): string {
  return Buffer.from(JSON.stringify(key), 'utf8').toString('base64url');
}

export const CURSOR_UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
/** A time as whole microseconds since the epoch: exact, and any such number is a valid time. */
export const CURSOR_MICROS = /^\d{1,16}$/;

/** SQL for a timestamptz column as a cursor key, and for turning the key back into a time. */
export const microsKey = (column: string): string => `(extract(epoch FROM ${column}) * 1000000)::bigint::text`;
export const microsParam = (param: string): string => `(timestamptz 'epoch' + ${param}::bigint * interval '1 microsecond')`;

/** Decodes a cursor and checks every expected field against its pattern; anything else is a 400. */
export function decodeCursor<K extends string>(cursor: string, fields: Record<K, RegExp>): Record<K, string> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    parsed = undefined;
  }
  const ok =
    typeof parsed === 'object' &&
    parsed !== null &&
    !Array.isArray(parsed) &&
    (Object.entries(fields) as [K, RegExp][]).every(([f, pattern]) => {
      const v = (parsed as Record<string, unknown>)[f];
      return typeof v === 'string' && v.length <= 200 && pattern.test(v);
    });
  if (!ok) throw AppError.validation('cursor is not valid', [{ field: 'cursor', message: 'cursor is not valid' }]);
  return parsed as Record<K, string>;
}

/** `?limit=` (1-100, default 50) as every list takes it. Apply to a `limit` field. */
export const PageLimit = (): PropertyDecorator =>
  applyDecorators(
    ApiPropertyOptional({ minimum: 1, maximum: MAX_PAGE_LIMIT, default: DEFAULT_PAGE_LIMIT }),
    IsOptional(),
    ToInt(),
    IsInt({ message: 'limit must be an integer' }),
    Min(1),
    Max(MAX_PAGE_LIMIT),
  );

/** `?cursor=`: an opaque string from a previous page's nextCursor. */
export const PageCursor = (): PropertyDecorator =>
  applyDecorators(
    ApiPropertyOptional({ description: "Opaque cursor from a previous page's nextCursor" }),
    IsOptional(),
    IsString(),
    MaxLength(512),
  );

/** Keeps `limit` rows and turns the extra one (fetched to look ahead) into a cursor. */
export function toPage<R, T>(rows: R[], limit: number, map: (row: R) => T, key: (row: R) => Record<string, string>): Page<T> {
  const hasMore = rows.length > limit;
  const kept = hasMore ? rows.slice(0, limit) : rows;
  const last = kept[kept.length - 1];
  return { items: kept.map(map), nextCursor: hasMore && last !== undefined ? encodeCursor(key(last)) : null };
}
