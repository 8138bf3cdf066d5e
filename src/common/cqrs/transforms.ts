import { Transform } from 'class-transformer';
import { ValidateIf } from 'class-validator';

/** Trims strings; leaves other types for the validators to refuse. */
export const Trim = (): PropertyDecorator =>
  Transform(({ value }: { value: unknown }) => (typeof value === 'string' ? value.trim() : value));

export const TrimLowercase = (): PropertyDecorator =>
  Transform(({ value }: { value: unknown }) => (typeof value === 'string' ? value.trim().toLowerCase() : value));

/** Query-string numbers arrive as strings; socket payloads as numbers. Accept both, refuse the rest. */
export const ToInt = (): PropertyDecorator =>
  Transform(({ value }: { value: unknown }) => {
    if (typeof value === 'string' && /^-?\d+$/.test(value.trim())) return Number(value);
    return value;
  });

/**
 * Like @IsOptional() but only for an absent field: an explicit null is still validated
 * (and refused), so `{ "displayName": null }` cannot slip past into a NOT NULL column.
 */
export const IsOptionalDefined = (): PropertyDecorator =>
  ValidateIf((object: object, value: unknown) => value !== undefined);

/**
 * Ids are compared in lower case everywhere (`ABC…` and `abc…` are one user): applied to
 * every UUID field, and to each element of a UUID array, before validation.
 */
export const LowercaseId = (): PropertyDecorator =>
  Transform(({ value }: { value: unknown }) => {
    if (typeof value === 'string') return value.toLowerCase();
    if (Array.isArray(value)) return value.map((v: unknown) => (typeof v === 'string' ? v.toLowerCase() : v));
    return value;
  });
