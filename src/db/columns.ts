import type { ColumnType } from 'kysely';

// Column types shared by every capability's row types.

export type JsonValue = string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };

export type JsonObject = { [key: string]: JsonValue };

/** A timestamptz column: read as Date, written as Date or ISO text. */
export type Timestamp = ColumnType<Date, Date | string, Date | string>;

/** A timestamptz column with a database default. */
export type CreatedAt = ColumnType<Date, Date | string | undefined, Date | string>;

/** A jsonb column. */
export type Json<T extends JsonValue = JsonObject> = ColumnType<T, string | T, string | T>;

export type JsonWithDefault<T extends JsonValue = JsonObject> = ColumnType<T, string | T | undefined, string | T>;
