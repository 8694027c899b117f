// The trace hash is fed values: equal values feed equal words, and values of different kinds,
// different bytes anywhere in an array, or different record boundaries give different hashes.

import { describe, expect, it } from "vitest";
import { hashValue, TraceHash } from "../../sim/trace-hash.ts";

function hashOf(feed: (hash: TraceHash) => void): string {
  const hash = new TraceHash();
  feed(hash);
  return hash.hex();
}

const valueHash = (value: unknown) => hashOf((h) => hashValue(h, value, 0));

describe("TraceHash", () => {
  it("tells values, kinds and boundaries apart", () => {
    const variants = [
      hashOf((h) => [h.string("ab"), h.string("c")]),
      hashOf((h) => [h.string("a"), h.string("bc")]),
      hashOf((h) => [h.string("abc")]),
      hashOf((h) => [h.number(1)]),
      hashOf((h) => [h.number(1.5)]),
      hashOf((h) => [h.number(-0)]),
      hashOf((h) => [h.number(0)]),
      hashOf((h) => [h.number(2 ** 40)]),
      hashOf((h) => [h.string("x"), h.end()]),
      hashOf((h) => [h.string("x")]),
      hashOf((h) => h.bytes(Uint8Array.of(1, 2, 3))),
      hashOf((h) => h.bytes(Uint8Array.of(1, 2, 3, 0))),
    ];
    expect(new Set(variants).size).toBe(variants.length);
    expect(hashOf((h) => h.string("abc"))).toMatch(/^[0-9a-f]{16}$/);
  });

  // Nothing stores hashes, but a change of values should be deliberate, not a side effect.
  it("gives a value of every kind the hash it always had", () => {
    const value = {
      type: "net-send",
      n: [1, -2.5, 2 ** 40, "x", null, true, false, 7n],
      bytes: Uint8Array.of(1, 2, 3, 4, 5, 6, 7),
      map: new Map<unknown, unknown>([
        ["k", { a: [] }],
        [2, new Set([1, "2"])],
      ]),
      nested: Object.assign(Object.create(null), { z: undefined, y: "é😀" }),
    };
    expect(hashOf((h) => [hashValue(h, value, 0), h.end()])).toBe("d94a2fc337d498a4");
  });

  it.each([
    ["string and number", "1", 1],
    ["number and array", 1, [1]],
    ["array and object", [1], { 0: 1 }],
    ["field values", { a: 1 }, { a: "1" }],
    ["field names", { a: 1 }, { b: 1 }],
    ["nesting", { a: { b: 1 } }, { a: 1, b: 1 }],
    ["null and undefined in arrays are alike, but not false", [null], [false]],
    ["map and object", new Map([["a", 1]]), { a: 1 }],
    ["set and array", new Set([1]), [1]],
    ["bigint and string", 5n, "5"],
  ])("tells apart %s", (_what, a, b) => {
    expect(valueHash(a)).not.toBe(valueHash(b));
  });

  it("counts every byte of a byte array, not just the head the line shows", () => {
    const bytes = Uint8Array.from({ length: 100 }, (_, i) => i);
    const changed = bytes.slice();
    changed[99] = 0;
    expect(valueHash({ bytes })).not.toBe(valueHash({ bytes: changed }));
    expect(valueHash({ bytes })).toBe(valueHash({ bytes: bytes.slice() }));
  });

  it("leaves undefined fields out, as the encoding does", () => {
    expect(valueHash({ a: 1, b: undefined })).toBe(valueHash({ a: 1 }));
    expect(valueHash([undefined])).toBe(valueHash([null]));
  });
});
