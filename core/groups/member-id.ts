// Member ids as Kafka makes them: `${clientId}-${uuid}` for a dynamic member and
// `${groupInstanceId}-${uuid}` for a static one, the UUID (version 4 layout) drawn from the Rng.

import { assert } from "../assert.ts";
import type { Rng } from "../rng.ts";

export function generateMemberId(
  rng: Rng,
  clientId: string,
  groupInstanceId: string | null,
): string {
  const prefix = groupInstanceId ?? clientId;
  return `${prefix}-${uuidLike(rng)}`;
}

/** 32 hex digits as 8-4-4-4-12 with the version (4) and variant (10xx) bits of a random UUID. */
export function uuidLike(rng: Rng): string {
  const words: number[] = [];
  for (let i = 0; i < 4; i++) words.push(rng.int("group-member-id", 2 ** 32));
  const hex = words.map((w) => w.toString(16).padStart(8, "0")).join("");
  const versioned = `${hex.slice(0, 12)}4${hex.slice(13, 16)}${variant(hex[16] ?? "0")}${hex.slice(17)}`;
  assert(versioned.length === 32, "a UUID has 32 hex digits");
  const parts = [versioned.slice(0, 8), versioned.slice(8, 12), versioned.slice(12, 16)];
  return [...parts, versioned.slice(16, 20), versioned.slice(20)].join("-");
}

function variant(digit: string): string {
  return ((Number.parseInt(digit, 16) & 0x3) | 0x8).toString(16);
}
