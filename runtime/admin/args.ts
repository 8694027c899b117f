// Command-line flags for the admin commands, in the style of Kafka's tools: `--name value` or
// `--name=value`, repeatable flags collected in order, switches without a value. Anything else is
// a usage error that names the offending flag.

import { AdminError } from "./admin-error.ts";

export type FlagKind = "value" | "list" | "switch";

export type FlagSpec = Readonly<Record<string, FlagKind>>;

export interface ParsedFlags {
  readonly values: ReadonlyMap<string, string>;
  readonly lists: ReadonlyMap<string, readonly string[]>;
  readonly switches: ReadonlySet<string>;
}

/** Parses `args` against `spec` (flag names with their leading dashes). */
export function parseFlags(args: readonly string[], spec: FlagSpec): ParsedFlags {
  const values = new Map<string, string>();
  const lists = new Map<string, string[]>();
  const switches = new Set<string>();
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    if (!arg.startsWith("--")) throw new AdminError("usage", `unexpected argument '${arg}'`);
    const eq = arg.indexOf("=");
    const name = eq === -1 ? arg : arg.slice(0, eq);
    const kind = spec[name];
    if (kind === undefined) throw new AdminError("usage", `unknown option ${name}`);
    if (kind === "switch") {
      if (eq !== -1) throw new AdminError("usage", `${name} takes no value`);
      switches.add(name);
      continue;
    }
    const value = eq === -1 ? args[++i] : arg.slice(eq + 1);
    if (value === undefined || (eq === -1 && value.startsWith("--"))) {
      throw new AdminError("usage", `${name} needs a value`);
    }
    if (kind === "list") lists.set(name, [...(lists.get(name) ?? []), value]);
    else if (values.has(name)) throw new AdminError("usage", `${name} given twice`);
    else values.set(name, value);
  }
  return { values, lists, switches };
}

/** Exactly one of `actions` must be present; returns it. */
export function oneAction(flags: ParsedFlags, actions: readonly string[]): string {
  const given = actions.filter((a) => flags.switches.has(a));
  if (given.length !== 1) {
    throw new AdminError("usage", `give exactly one of ${actions.join(", ")}`);
  }
  return given[0]!;
}

export function required(flags: ParsedFlags, name: string, why: string): string {
  const value = flags.values.get(name);
  if (value === undefined) throw new AdminError("usage", `${name} is required ${why}`);
  return value;
}

/** An integer flag within [min, max], or `fallback` when absent. */
export function integerFlag(
  flags: ParsedFlags,
  name: string,
  fallback: number,
  min = Number.MIN_SAFE_INTEGER,
  max = Number.MAX_SAFE_INTEGER,
): number {
  const text = flags.values.get(name);
  if (text === undefined) return fallback;
  const value = Number(text);
  if (!/^-?\d+$/.test(text.trim()) || !Number.isSafeInteger(value) || value < min || value > max) {
    throw new AdminError("usage", `${name} must be an integer in [${min}, ${max}], got '${text}'`);
  }
  return value;
}

/** `key=value` pairs of a repeatable flag (also accepts Kafka's comma-separated form). */
export function keyValues(flags: ParsedFlags, name: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const entry of flags.lists.get(name) ?? []) {
    for (const pair of entry.split(",")) {
      const at = pair.indexOf("=");
      if (at <= 0) throw new AdminError("usage", `${name} needs key=value, got '${pair}'`);
      out[pair.slice(0, at).trim()] = pair.slice(at + 1).trim();
    }
  }
  return out;
}

/** Flags in `names` that make no sense with `action`. */
export function rejectFlags(flags: ParsedFlags, names: readonly string[], action: string): void {
  for (const name of names) {
    if (flags.values.has(name) || flags.lists.has(name) || flags.switches.has(name)) {
      throw new AdminError("usage", `${name} cannot be used with ${action}`);
    }
  }
}
