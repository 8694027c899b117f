// Cutting a byte stream into frames: any chunking gives the same frames (property against the
// naive model "concatenate, then cut"), a frame inside one chunk is a view of it (no copy), and a
// bad size is refused from its 4 bytes alone.

import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { limits } from "../../../core/limits.ts";
import { FrameSplitter, readFrameLength } from "../../../runtime/protocol/frame-splitter.ts";
import { hexBytes } from "./support/hex.ts";

function framed(body: Uint8Array): Uint8Array {
  const out = new Uint8Array(body.length + 4);
  new DataView(out.buffer).setInt32(0, body.length);
  out.set(body, 4);
  return out;
}

describe("readFrameLength", () => {
  it.each<[string, string, number, unknown]>([
    ["a small frame", "0000000a", 100, { ok: true, value: 10 }],
    ["an empty frame", "00000000", 100, { ok: true, value: 0 }],
    ["exactly the limit", "00000064", 100, { ok: true, value: 100 }],
    [
      "one past the limit",
      "00000065",
      100,
      { ok: false, error: { type: "bad-frame-size", size: 101, max: 100 } },
    ],
    [
      "a negative size",
      "ffffffff",
      100,
      { ok: false, error: { type: "bad-frame-size", size: -1, max: 100 } },
    ],
    [
      "2 GiB against the default limit",
      "7fffffff",
      limits.requestBytesMax,
      {
        ok: false,
        error: { type: "bad-frame-size", size: 2147483647, max: limits.requestBytesMax },
      },
    ],
  ])("%s", (_name, prefix, max, expected) => {
    expect(readFrameLength(hexBytes(prefix), max)).toEqual(expected);
  });

  it("reads at an offset", () => {
    expect(readFrameLength(hexBytes("ff 00000003"), 10, 1)).toEqual({ ok: true, value: 3 });
  });
});

describe("FrameSplitter", () => {
  it("refuses an oversized frame as soon as its size arrives, before its bytes", () => {
    const splitter = new FrameSplitter(1000);
    expect(splitter.push(hexBytes("0000"))).toEqual({ ok: true, value: [] });
    expect(splitter.push(hexBytes("2000"))).toEqual({
      ok: false,
      error: { type: "bad-frame-size", size: 0x2000, max: 1000 },
    });
  });

  it("holds a partial frame until it is whole", () => {
    const splitter = new FrameSplitter(1000);
    expect(splitter.push(hexBytes("00000003 0102"))).toEqual({ ok: true, value: [] });
    expect(splitter.bufferedBytes).toBe(6);
    expect(splitter.push(hexBytes("03 00000000"))).toEqual({
      ok: true,
      value: [hexBytes("010203"), new Uint8Array(0)],
    });
    expect(splitter.bufferedBytes).toBe(0);
  });

  it("hands out a view of the chunk a frame lies in, and copies only one that spans chunks", () => {
    const allocated: number[] = [];
    const splitter = new FrameSplitter(1000, (n) => {
      allocated.push(n);
      return new Uint8Array(n);
    });
    const chunk = hexBytes("00000002 0a0b 00000003 0c0d");
    const first = splitter.push(chunk);
    if (!first.ok) throw new Error("push failed");
    expect(first.value).toEqual([hexBytes("0a0b")]);
    expect(first.value[0]!.buffer).toBe(chunk.buffer);
    const second = splitter.push(hexBytes("0e"));
    expect(second).toEqual({ ok: true, value: [hexBytes("0c0d0e")] });
    expect(allocated).toEqual([3]);
  });

  it("gives the same frames whatever the chunking (against concatenate-then-cut)", () => {
    fc.assert(
      fc.property(
        fc.array(fc.uint8Array({ maxLength: 40 }), { maxLength: 8 }),
        fc.array(fc.integer({ min: 1, max: 17 }), { minLength: 1, maxLength: 10 }),
        (bodies, cuts) => {
          const stream = Uint8Array.from(bodies.flatMap((b) => [...framed(b)]));
          // A dirty allocator: a frame copied across chunks must overwrite every byte of it.
          const splitter = new FrameSplitter(40, (n) => new Uint8Array(n).fill(0xee));
          const frames: Uint8Array[] = [];
          let at = 0;
          for (let i = 0; at < stream.length; i++) {
            const next = Math.min(stream.length, at + cuts[i % cuts.length]!);
            const result = splitter.push(stream.subarray(at, next));
            expect(result.ok).toBe(true);
            if (result.ok) frames.push(...result.value);
            at = next;
          }
          expect(frames).toEqual(bodies);
          expect(splitter.bufferedBytes).toBe(0);
        },
      ),
      { numRuns: 200 },
    );
  });
});
