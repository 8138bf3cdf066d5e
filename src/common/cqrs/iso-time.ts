import { applyDecorators } from '@nestjs/common';
import { Transform } from 'class-transformer';
import { IsDate } from 'class-validator';

// A 4-digit year, a real month, day and time of day, and an optional offset (UTC without one).
const ISO_TIME = /^(\d{4})-(\d{2})-(\d{2})(?:[Tt](\d{2}):(\d{2})(?::(\d{2})(?:\.\d{1,9})?)?([Zz]|[+-]\d{2}:?\d{2})?)?$/;

/**
 * An ISO-8601 time as a Date, or null. Only what PostgreSQL and JavaScript both hold exactly:
 * years 0001–9999, a calendar date that exists (2024-02-30 does not, though Date would roll
 * it over), hours 00–23. A date alone is midnight UTC when `allowDateOnly`.
 */
export function parseIsoTime(value: unknown, allowDateOnly = false): Date | null {
  if (typeof value !== 'string' || value.length > 40) return null;
  const m = ISO_TIME.exec(value.trim());
  if (!m) return null;
  const [year, month, day] = [Number(m[1]), Number(m[2]), Number(m[3])];
  if (m[4] === undefined && !allowDateOnly) return null;
  if (year < 1 || Number(m[4] ?? 0) > 23 || Number(m[5] ?? 0) > 59 || Number(m[6] ?? 0) > 59) return null;
  const date = new Date(Date.UTC(2000, month - 1, day));
  date.setUTCFullYear(year);
  if (date.getUTCFullYear() !== year || date.getUTCMonth() !== month - 1 || date.getUTCDate() !== day) return null;
  if (m[7] && !/^[Zz]$/.test(m[7]) && (Number(m[7].slice(1, 3)) > 23 || Number(m[7].slice(-2)) > 59)) return null;
  const text = m[4] === undefined ? `${m[1]}-${m[2]}-${m[3]}T00:00:00Z` : m[7] ? value.trim() : `${value.trim()}Z`;
  const parsed = Date.parse(text);
  if (Number.isNaN(parsed)) return null;
  // The offset may carry a time written in 9999 or 0001 across the edge: bound the instant too.
  const utcYear = new Date(parsed).getUTCFullYear();
  return utcYear >= 1 && utcYear <= 9999 ? new Date(parsed) : null;
}

/** A time field: parsed as above, refused with `message` otherwise. */
export const IsoTime = (message: string, allowDateOnly = false): PropertyDecorator =>
  applyDecorators(
    Transform(({ value }: { value: unknown }) => parseIsoTime(value, allowDateOnly) ?? value),
    IsDate({ message }),
  );
