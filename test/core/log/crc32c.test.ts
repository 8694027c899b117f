// CRC-32C against published check values and a bit-at-a-time model: the record batch CRC must
// match what Kafka and every client compute.

import { fc, test } from "@fast-check/vitest";
import { describe, expect, it } from "vitest";
import { crc32c, crc32cUpdate } from "../../../core/log/crc32c.ts";

const ascii = (text: string) => new TextEncoder().encode(text);

/** The definition, one bit at a time: slow and obviously right. */
function naiveCrc32c(bytes: Uint8Array): number {
  let crc = 0xffffffff;
  for (const byte of bytes) {
    crc ^= byte;
    for (let k = 0; k < 8; k++) crc = crc & 1 ? (crc >>> 1) ^ 0x82f63b78 : crc >>> 1;
  }
  return (crc ^ 0xffffffff) >>> 0;
}

describe("crc32c check values", () => {
  // RFC 3720 (iSCSI) B.4 test vectors and the common "123456789" check value.
  const ascending = Uint8Array.from({ length: 32 }, (_, i) => i);
  const descending = Uint8Array.from({ length: 32 }, (_, i) => 31 - i);
  it.each([
    ["empty", new Uint8Array(0), 0x00000000],
    ["'a'", ascii("a"), 0xc1d04330],
    ["'123456789'", ascii("123456789"), 0xe3069283],
    ["32 zero bytes", new Uint8Array(32), 0x8a9136aa],
    ["32 0xff bytes", new Uint8Array(32).fill(0xff), 0x62a8ab43],
    ["32 ascending bytes", ascending, 0x46dd794e],
    ["32 descending bytes", descending, 0x113fdb5c],
    ["the quick brown fox", ascii("The quick brown fox jumps over the lazy dog"), 0x22620404],
  ])("%s", (_name, bytes, expected) => {
    expect(crc32c(bytes)).toBe(expected);
    expect(naiveCrc32c(bytes)).toBe(expected);
  });

  it("returns an unsigned 32-bit integer", () => {
    const value = crc32c(ascii("123456789"));
    expect(value).toBeGreaterThan(0x7fffffff);
    expect(Number.isInteger(value)).toBe(true);
  });
});

describe("crc32cUpdate", () => {
  it("chains: update(crc(a), b) equals crc(a + b)", () => {
    const whole = ascii("123456789");
    expect(crc32cUpdate(crc32c(whole.subarray(0, 4)), whole, 4, 9)).toBe(0xe3069283);
    expect(crc32cUpdate(0, whole, 0, 9)).toBe(0xe3069283);
    expect(crc32cUpdate(0xe3069283, whole, 9, 9)).toBe(0xe3069283);
  });

  it.each([
    ["negative start", -1, 3],
    ["end before start", 3, 2],
    ["end past the buffer", 0, 10],
  ])("asserts on a bad range: %s", (_name, start, end) => {
    expect(() => crc32cUpdate(0, ascii("123456789"), start, end)).toThrow(/range/);
  });

  test.prop([fc.uint8Array({ maxLength: 300 }), fc.nat(300), fc.nat(300)])(
    "any split point chains to the whole CRC",
    (bytes, a, b) => {
      const [i, j] = [Math.min(a, b, bytes.length), Math.min(Math.max(a, b), bytes.length)];
      const first = crc32cUpdate(0, bytes, 0, i);
      const second = crc32cUpdate(first, bytes, i, j);
      expect(crc32cUpdate(second, bytes, j, bytes.length)).toBe(crc32c(bytes));
    },
  );
});

describe("slicing-by-8 against the bit-at-a-time model", () => {
  test.prop([fc.uint8Array({ maxLength: 600 }), fc.nat(16)])(
    "agrees on every length and alignment (unaligned subarrays included)",
    (bytes, skip) => {
      const view = bytes.subarray(Math.min(skip, bytes.length));
      expect(crc32c(view)).toBe(naiveCrc32c(view));
    },
  );
});
