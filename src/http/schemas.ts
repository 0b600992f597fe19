import { Type, type TLiteral, type TSchema, type TSchemaOptions, type TUnion } from 'typebox';
import { FREE_JSON_LIMITS, JSON_LIMITS_KEYWORD } from './input-guard.js';

/** `{ error: { code, message, issues? } }`: the body of every error answer. */
export const ErrorBody = Type.Object(
  {
    error: Type.Object(
      {
        code: Type.String(),
        message: Type.String(),
        issues: Type.Optional(Type.Array(Type.Object({ path: Type.String(), in: Type.Optional(Type.String()), message: Type.String() }))),
      },
      { additionalProperties: true },
    ),
  },
  { $id: 'Error' },
);

/** Error answers every authenticated route can give. */
export const errorResponses = {
  400: ErrorBody,
  401: ErrorBody,
  403: ErrorBody,
  404: ErrorBody,
  409: ErrorBody,
} as const;

type LiteralsOf<T extends readonly string[]> = { -readonly [K in keyof T]: TLiteral<T[K]> };

/**
 * One of the values of an enumeration declared once, beside its table (e.g. `CHANNELS` in
 * src/service/tables.ts), so that the row type, the route schema, the web app and the SQL
 * CHECK constraint (checked by src/db/enumerations.test.ts) cannot drift apart.
 */
export function OneOf<const T extends readonly string[]>(values: T, options?: TSchemaOptions): TUnion<LiteralsOf<T>> {
  return Type.Union(
    values.map((value) => Type.Literal(value)),
    options,
  ) as unknown as TUnion<LiteralsOf<T>>;
}

export const Nullable = <T extends TSchema>(schema: T) => Type.Union([schema, Type.Null()]);

export const DateTime = Type.String({ format: 'date-time' });

/**
 * A calendar date, YYYY-MM-DD: the API's one date-only format (metric periods, usage periods),
 * described where it is used by what the date means.
 */
export const DateOnly = (description = 'A calendar date, YYYY-MM-DD') => Type.String({ format: 'date', description });

export const IdParams = Type.Object({ id: Type.String({ minLength: 3, maxLength: 64, pattern: '^[a-z]+_[0-9a-z]+$' }) });

export const Money = Type.Object({
  amountMinor: Type.Integer({ description: 'Integer minor units (pence, cents)' }),
  currency: Type.String({ pattern: '^[A-Z]{3}$' }),
});

export const Limit = (max = 100, def = 20) => Type.Integer({ minimum: 1, maximum: max, default: def });

/**
 * Paging, the same on every list that grows: ask with `limit`, get `{ data, nextCursor }`, and
 * pass `nextCursor` back as `before` for the next page; `nextCursor` is null on the last page.
 */
export const PageBefore = Type.Optional(Type.String({ maxLength: 200, description: 'nextCursor of the previous page' }));

/** One page of a list: see `PageBefore`. */
export const PageOf = <T extends TSchema>(item: T) => Type.Object({ data: Type.Array(item), nextCursor: Nullable(Type.String()) });

/**
 * A free-form JSON object a tenant supplies (traits, evidence, message data, rule configs,
 * event properties): any keys and values, within the depth and size limits of FREE_JSON_LIMITS.
 */
export const FreeJson = (options: { description?: string } = {}) =>
  Type.Record(Type.String(), Type.Unknown(), {
    ...options,
    [JSON_LIMITS_KEYWORD]: FREE_JSON_LIMITS,
    description: `${options.description ? `${options.description}. ` : ''}Free-form JSON, at most ${FREE_JSON_LIMITS.depth} levels deep and ${FREE_JSON_LIMITS.bytes / 1024} KB`,
  });
