// Kafka's version-range strings ("0+", "3-5", "4", "none") as closed integer ranges. Every
// schema's `versions`, `nullableVersions`, `taggedVersions` and message ranges go through here.

import { assert } from "../../core/assert.ts";

export interface VersionRange {
  readonly min: number;
  /** Infinity for "N+". An empty range has max < min. */
  readonly max: number;
}

export const NO_VERSIONS: VersionRange = { min: 0, max: -1 };

export function parseVersions(text: string): VersionRange {
  if (text === "none") return NO_VERSIONS;
  const plus = /^(\d+)\+$/.exec(text);
  if (plus) return { min: Number(plus[1]), max: Number.POSITIVE_INFINITY };
  const span = /^(\d+)-(\d+)$/.exec(text);
  if (span) {
    const range = { min: Number(span[1]), max: Number(span[2]) };
    assert(range.min <= range.max, `version range ${text} is empty`);
    return range;
  }
  const single = /^(\d+)$/.exec(text);
  assert(single !== null, `bad version range "${text}"`);
  return { min: Number(single[1]), max: Number(single[1]) };
}

export function inRange(range: VersionRange, version: number): boolean {
  return version >= range.min && version <= range.max;
}

/** True when the two ranges share at least one version. */
export function overlaps(a: VersionRange, b: VersionRange): boolean {
  return Math.max(a.min, b.min) <= Math.min(a.max, b.max);
}

export function formatVersions(range: VersionRange): string {
  if (range.max < range.min) return "none";
  if (range.max === Number.POSITIVE_INFINITY) return `${range.min}+`;
  return range.min === range.max ? `${range.min}` : `${range.min}-${range.max}`;
}
