// Parsing and formatting of config values as Kafka writes them (int, long, boolean, double, lists,
// listeners). Shared by the broker property parser and topic configs. Bad text is an error value.

import { err, ok, type Result } from "../result.ts";
import { LONG_MAX_TEXT } from "./config.ts";

/** Kafka's ConfigDef types, as DescribeConfigs v3 reports them. */
export const ConfigType = {
  boolean: 1,
  string: 2,
  int: 3,
  short: 4,
  long: 5,
  double: 6,
  list: 7,
  class: 8,
  password: 9,
} as const;
export type ConfigType = (typeof ConfigType)[keyof typeof ConfigType];

export type Parse<T> = (text: string) => Result<T, string>;

const INT32_MAX = 2 ** 31 - 1;
const INT32_MIN = -(2 ** 31);

function integerText(text: string): boolean {
  return /^[+-]?\d+$/.test(text.trim());
}

export function parseInt32(min: number, max = INT32_MAX): Parse<number> {
  return (text) => {
    if (!integerText(text)) return err(`"${text}" is not an integer`);
    const value = Number(text.trim());
    if (value < INT32_MIN || value > INT32_MAX) return err(`${text} does not fit in an int`);
    if (value < min || value > max) return err(`${text} is outside [${min}, ${max}]`);
    return ok(value);
  };
}

/**
 * A long in [min, Long.MAX_VALUE]. Values past 2^53 (Kafka's "never" is Long.MAX_VALUE) become
 * Infinity when `neverAllowed`, since core keeps offsets and times as safe integers.
 */
export function parseLong(min: number, neverAllowed = false): Parse<number> {
  return (text) => {
    if (!integerText(text)) return err(`"${text}" is not an integer`);
    const trimmed = text.trim().replace(/^\+/, "");
    if (BigInt(trimmed) > BigInt(LONG_MAX_TEXT)) return err(`${text} does not fit in a long`);
    const value = Number(trimmed);
    if (!Number.isSafeInteger(value)) {
      if (neverAllowed && value > 0) return ok(Number.POSITIVE_INFINITY);
      return err(`${text} is beyond the integers Runnel keeps exactly (2^53)`);
    }
    if (value < min) return err(`${text} is below the minimum ${min}`);
    return ok(value);
  };
}

export const parseBoolean: Parse<boolean> = (text) => {
  const lower = text.trim().toLowerCase();
  if (lower === "true") return ok(true);
  if (lower === "false") return ok(false);
  return err(`"${text}" is not a boolean (true or false)`);
};

export function parseDouble(min: number, max: number): Parse<number> {
  return (text) => {
    const trimmed = text.trim();
    const value = Number(trimmed);
    if (trimmed === "" || !Number.isFinite(value)) return err(`"${text}" is not a number`);
    if (value < min || value > max) return err(`${text} is outside [${min}, ${max}]`);
    return ok(value);
  };
}

export function parseOneOf<T extends string>(values: readonly T[]): Parse<T> {
  return (text) => {
    const found = values.find((v) => v === text.trim());
    return found === undefined ? err(`"${text}" is not one of ${values.join(", ")}`) : ok(found);
  };
}

/** A comma-separated list of distinct allowed values, at least one. */
export function parseListOf<T extends string>(values: readonly T[]): Parse<readonly T[]> {
  const one = parseOneOf(values);
  return (text) => {
    const parts = text.split(",").map((p) => p.trim());
    const out: T[] = [];
    for (const part of parts) {
      const value = one(part);
      if (!value.ok) return value;
      if (!out.includes(value.value)) out.push(value.value);
    }
    return out.length === 0 ? err("the list is empty") : ok(out);
  };
}

export function parseNonEmptyString(text: string): Result<string, string> {
  const trimmed = text.trim();
  return trimmed.length === 0 ? err("the value is empty") : ok(trimmed);
}

/** Formats a long as Kafka prints it: Infinity is Long.MAX_VALUE. */
export function formatLong(value: number): string {
  return value === Number.POSITIVE_INFINITY ? LONG_MAX_TEXT : String(value);
}

/** Formats a double the way Java prints it for round values ("0.5", "1.0"). */
export function formatDouble(value: number): string {
  return Number.isInteger(value) ? `${value}.0` : String(value);
}

/** Parses "host:port" where host may be empty (bind every interface) or a bracketed IPv6 address. */
export function parseHostPort(text: string): Result<{ host: string; port: number }, string> {
  const match = /^(\[[^\]]*\]|[^:[\]]*):(\d+)$/.exec(text.trim());
  if (match === null) return err(`"${text}" is not host:port`);
  const port = Number(match[2]);
  if (port > 65_535) return err(`port ${port} is above 65535`);
  return ok({ host: (match[1] ?? "").replace(/^\[|\]$/g, ""), port });
}
