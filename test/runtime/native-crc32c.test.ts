// The native CRC-32C injected by the runtime must agree with core's TypeScript one bit for bit,
// or a batch written by the runtime would fail validation in the simulator (and the reverse).

import { fc, test } from "@fast-check/vitest";
import { describe, expect, it } from "vitest";
import { crc32c, crc32cUpdate } from "../../core/log/crc32c.ts";
import { encodeBatch, validateBatch } from "../../core/log/record-batch.ts";
import { nativeCrc32c, nativeCrc32cUpdate } from "../../runtime/native-crc32c.ts";

describe("nativeCrc32c", () => {
  it.each([
    ["empty", new Uint8Array(0), 0],
    ["'123456789'", new TextEncoder().encode("123456789"), 0xe3069283],
    ["32 zero bytes", new Uint8Array(32), 0x8a9136aa],
  ])("matches the check value: %s", (_name, bytes, expected) => {
    expect(nativeCrc32c(bytes)).toBe(expected);
  });

  test.prop([fc.uint8Array({ maxLength: 4096 }), fc.nat(64), fc.nat(64)])(
    "agrees with the TypeScript CRC on random, empty and unaligned subarrays",
    (bytes, skipStart, skipEnd) => {
      const start = Math.min(skipStart, bytes.length);
      const end = Math.max(start, bytes.length - skipEnd);
      const view = bytes.subarray(start, end);
      expect(nativeCrc32c(view)).toBe(crc32c(view));
    },
  );

  test.prop([fc.uint8Array({ maxLength: 512 }), fc.uint8Array({ maxLength: 512 })])(
    "chains like crc32cUpdate",
    (a, b) => {
      const first = crc32c(a);
      expect(nativeCrc32cUpdate(first, b)).toBe(crc32cUpdate(first, b, 0, b.length));
    },
  );

  it("validates batches encoded with the TypeScript CRC and the reverse", () => {
    const input = { records: [{ key: null, value: new Uint8Array([1, 2, 3]) }] };
    expect(validateBatch(encodeBatch(input), 0, nativeCrc32c).ok).toBe(true);
    expect(validateBatch(encodeBatch(input, nativeCrc32c), 0, crc32c).ok).toBe(true);
  });
});
