// Zigzag varints of Kafka records (protobuf sint32/sint64), not the unsigned varints of the
// flexible protocol. Readers never throw and never read past `end`: a malformed varint is a value.
// Varlongs become JS numbers only when they are safe integers; anything else is "bad-int64".

import { assert } from "../assert.ts";

/** Where a reader is in a buffer; `pos` advances past each value read successfully. */
export interface Cursor {
  pos: number;
  readonly end: number;
}

export type VarintFailure = "short" | "overflow" | "unsafe";

/** The outcome of one read: a number, or why it failed (the cursor is left unspecified). */
export type VarintRead = { ok: true; value: number } | { ok: false; failure: VarintFailure };

const SHORT: VarintRead = { ok: false, failure: "short" };
const OVERFLOW: VarintRead = { ok: false, failure: "overflow" };
const UNSAFE: VarintRead = { ok: false, failure: "unsafe" };

/** Reads a zigzag varint (at most 5 bytes, 32 bits; a 5th byte above 0x0f overflows int32). */
export function readVarint(bytes: Uint8Array, cursor: Cursor): VarintRead {
  let raw = 0;
  let pos = cursor.pos;
  for (let i = 0; i < 5; i++) {
    if (pos >= cursor.end) return SHORT;
    const b = bytes[pos++]!;
    if (i === 4 && b > 0x0f) return OVERFLOW;
    raw |= (b & 0x7f) << (7 * i);
    if ((b & 0x80) === 0) {
      cursor.pos = pos;
      return { ok: true, value: (raw >>> 1) ^ -(raw & 1) };
    }
  }
  return OVERFLOW;
}

/**
 * Reads a zigzag varlong (at most 10 bytes, 64 bits). The low 28 bits and the high bits are kept
 * apart so that no intermediate rounds; the result is checked to be a safe integer.
 */
export function readVarlong(bytes: Uint8Array, cursor: Cursor): VarintRead {
  let lo = 0;
  let hi = 0;
  let pos = cursor.pos;
  for (let i = 0; i < 10; i++) {
    if (pos >= cursor.end) return SHORT;
    const b = bytes[pos++]!;
    if (i === 9 && b > 0x01) return OVERFLOW;
    if (i < 4) lo |= (b & 0x7f) << (7 * i);
    else hi += (b & 0x7f) * 2 ** (7 * (i - 4));
    if ((b & 0x80) === 0) {
      const magnitude = hi * 2 ** 27 + (lo >>> 1);
      const value = (lo & 1) === 0 ? magnitude : -magnitude - 1;
      if (!Number.isSafeInteger(value)) return UNSAFE;
      cursor.pos = pos;
      return { ok: true, value };
    }
  }
  return OVERFLOW;
}

/** Bytes a zigzag varint of `value` (an int32) takes: 1 to 5. */
export function sizeOfVarint(value: number): number {
  if (value !== (value | 0)) assert(false, `varint ${value} is not an int32`);
  let raw = ((value << 1) ^ (value >> 31)) >>> 0;
  let size = 1;
  while (raw >= 0x80) {
    raw >>>= 7;
    size++;
  }
  return size;
}

/** Bytes a zigzag varlong of `value` (a safe integer) takes: 1 to 8 (2^54 fits in 8 groups). */
export function sizeOfVarlong(value: number): number {
  if (!Number.isSafeInteger(value)) assert(false, `varlong ${value} is not a safe integer`);
  // raw = 2 * magnitude + sign; its first group holds 6 bits of the magnitude, later ones 7.
  let rest = Math.floor((value >= 0 ? value : -value - 1) / 64);
  let size = 1;
  while (rest > 0) {
    rest = Math.floor(rest / 128);
    size++;
  }
  return size;
}

/** Writes a zigzag varint at `pos`; returns the position after it. */
export function writeVarint(bytes: Uint8Array, pos: number, value: number): number {
  if (value !== (value | 0)) assert(false, `varint ${value} is not an int32`);
  let raw = ((value << 1) ^ (value >> 31)) >>> 0;
  while (raw >= 0x80) {
    bytes[pos++] = (raw & 0x7f) | 0x80;
    raw >>>= 7;
  }
  bytes[pos++] = raw;
  return pos;
}

/** Writes a zigzag varlong at `pos` without ever forming 2 * value (which may not be exact). */
export function writeVarlong(bytes: Uint8Array, pos: number, value: number): number {
  if (!Number.isSafeInteger(value)) assert(false, `varlong ${value} is not a safe integer`);
  const sign = value < 0 ? 1 : 0;
  const magnitude = value >= 0 ? value : -value - 1;
  let rest = Math.floor(magnitude / 64);
  let group = (magnitude % 64) * 2 + sign;
  while (rest > 0) {
    bytes[pos++] = group | 0x80;
    group = rest % 128;
    rest = Math.floor(rest / 128);
  }
  bytes[pos++] = group;
  return pos;
}
