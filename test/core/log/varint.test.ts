// Zigzag varints of Kafka records against known encodings and a naive BigInt model: every byte
// string decodes to the model's value or failure, and every encodable value round-trips.

import { fc, test } from "@fast-check/vitest";
import { describe, expect, it } from "vitest";
import {
  readVarint,
  readVarlong,
  sizeOfVarint,
  sizeOfVarlong,
  writeVarint,
  writeVarlong,
} from "../../../core/log/varint.ts";

type Outcome = number | "short" | "overflow" | "unsafe";

/** LEB128 of zigzag(value), the obvious way, with BigInt. */
function naiveEncode(value: bigint): number[] {
  let raw = value >= 0n ? value * 2n : -value * 2n - 1n;
  const out: number[] = [];
  do {
    const group = Number(raw & 0x7fn);
    raw >>= 7n;
    out.push(raw > 0n ? group | 0x80 : group);
  } while (raw > 0n);
  return out;
}

/** The reference decoder: `maxBytes` groups, the last one limited to the bits that remain. */
function naiveDecode(bytes: Uint8Array, maxBytes: number, bits: number): Outcome {
  let raw = 0n;
  for (let i = 0; i < maxBytes; i++) {
    const b = bytes[i];
    if (b === undefined) return "short";
    if (i === maxBytes - 1 && b >= 1 << (bits - 7 * i)) return "overflow";
    raw |= BigInt(b & 0x7f) << BigInt(7 * i);
    if ((b & 0x80) === 0) {
      const value = raw & 1n ? -(raw >> 1n) - 1n : raw >> 1n;
      return value > BigInt(Number.MAX_SAFE_INTEGER) || value < BigInt(Number.MIN_SAFE_INTEGER)
        ? "unsafe"
        : Number(value);
    }
  }
  return "overflow";
}

function outcome(read: ReturnType<typeof readVarint>): Outcome {
  return read.ok ? read.value : read.failure;
}

const hex = (text: string) => Uint8Array.from(text.split(" ").map((h) => Number.parseInt(h, 16)));

describe("varint (int32)", () => {
  it.each([
    [0, "00"],
    [-1, "01"],
    [1, "02"],
    [-2, "03"],
    [63, "7e"],
    [-64, "7f"],
    [64, "80 01"],
    [300, "d8 04"],
    [2147483647, "fe ff ff ff 0f"],
    [-2147483648, "ff ff ff ff 0f"],
  ])("%d encodes as %s", (value, encoded) => {
    const out = new Uint8Array(5);
    const end = writeVarint(out, 0, value);
    expect(out.subarray(0, end)).toEqual(hex(encoded));
    expect(sizeOfVarint(value)).toBe(end);
    expect(outcome(readVarint(hex(encoded), { pos: 0, end: end }))).toBe(value);
  });

  it.each([
    ["empty", "", "short"],
    ["continuation at the end", "80", "short"],
    ["fifth byte past 32 bits", "ff ff ff ff 1f", "overflow"],
    ["six bytes", "80 80 80 80 80 00", "overflow"],
  ])("%s is a failure value", (_name, encoded, failure) => {
    const bytes = encoded === "" ? new Uint8Array(0) : hex(encoded);
    expect(outcome(readVarint(bytes, { pos: 0, end: bytes.length }))).toBe(failure);
  });

  it("never reads past cursor.end", () => {
    const bytes = hex("80 01");
    expect(outcome(readVarint(bytes, { pos: 0, end: 1 }))).toBe("short");
  });

  test.prop([fc.integer({ min: -(2 ** 31), max: 2 ** 31 - 1 })])(
    "round-trips and matches the model",
    (value) => {
      const out = new Uint8Array(5);
      const end = writeVarint(out, 0, value);
      expect([...out.subarray(0, end)]).toEqual(naiveEncode(BigInt(value)));
      const cursor = { pos: 0, end };
      expect(outcome(readVarint(out, cursor))).toBe(value);
      expect(cursor.pos).toBe(end);
    },
  );

  test.prop([fc.uint8Array({ maxLength: 7 })])("decodes any bytes as the model does", (bytes) => {
    expect(outcome(readVarint(bytes, { pos: 0, end: bytes.length }))).toBe(
      naiveDecode(bytes, 5, 32),
    );
  });
});

describe("varlong (int64 as safe integers)", () => {
  it.each([
    [0, "00"],
    [-1, "01"],
    [1_700_000_000_000, "80 a0 ab fe f9 62"],
    [Number.MAX_SAFE_INTEGER, "fe ff ff ff ff ff ff 1f"],
    [Number.MIN_SAFE_INTEGER, "fd ff ff ff ff ff ff 1f"],
  ])("%d encodes as %s", (value, encoded) => {
    const out = new Uint8Array(10);
    const end = writeVarlong(out, 0, value);
    expect(out.subarray(0, end)).toEqual(hex(encoded));
    expect(sizeOfVarlong(value)).toBe(end);
    expect(outcome(readVarlong(out, { pos: 0, end }))).toBe(value);
  });

  it.each([
    ["2^53 (not safe)", "80 80 80 80 80 80 80 20", "unsafe"],
    ["-(2^53)", "ff ff ff ff ff ff ff 1f", "unsafe"],
    ["int64 max", "fe ff ff ff ff ff ff ff ff 01", "unsafe"],
    ["tenth byte past 64 bits", "ff ff ff ff ff ff ff ff ff 02", "overflow"],
    ["eleven bytes", "80 80 80 80 80 80 80 80 80 80 00", "overflow"],
    ["continuation at the end", "ff ff", "short"],
  ])("%s is a failure value", (_name, encoded, failure) => {
    const bytes = hex(encoded);
    expect(outcome(readVarlong(bytes, { pos: 0, end: bytes.length }))).toBe(failure);
  });

  test.prop([fc.maxSafeInteger()])("round-trips and matches the model", (value) => {
    const out = new Uint8Array(10);
    const end = writeVarlong(out, 0, value);
    expect([...out.subarray(0, end)]).toEqual(naiveEncode(BigInt(value)));
    expect(sizeOfVarlong(value)).toBe(end);
    expect(outcome(readVarlong(out, { pos: 0, end }))).toBe(value);
  });

  test.prop([fc.uint8Array({ maxLength: 12 })])("decodes any bytes as the model does", (bytes) => {
    expect(outcome(readVarlong(bytes, { pos: 0, end: bytes.length }))).toBe(
      naiveDecode(bytes, 10, 64),
    );
  });

  test.prop([fc.bigInt({ min: -(2n ** 63n), max: 2n ** 63n - 1n })])(
    "any int64 decodes to itself when safe and to 'unsafe' otherwise",
    (value) => {
      const bytes = Uint8Array.from(naiveEncode(value));
      const safe =
        value >= BigInt(Number.MIN_SAFE_INTEGER) && value <= BigInt(Number.MAX_SAFE_INTEGER);
      expect(outcome(readVarlong(bytes, { pos: 0, end: bytes.length }))).toBe(
        safe ? Number(value) : "unsafe",
      );
    },
  );
});
