// Reading frames where the receiver says: any sizes of reads give the same frames as the naive
// model "concatenate, then cut", a large frame's remainder is read straight into the array handed
// out, the staging area is never handed out, and a bad size is refused from its 4 bytes alone.

import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  AFTER_LARGE_READ_BYTES,
  DIRECT_FRAME_MIN_BYTES,
  FrameReceiver,
  STAGING_BYTES,
} from "../../../runtime/protocol/frame-receiver.ts";
import { hexBytes } from "./support/hex.ts";

/** Byte-wise equal frames (vitest's deep equality on 64 KiB arrays is slow). */
function same(actual: readonly Uint8Array[], expected: readonly Uint8Array[]): boolean {
  return (
    actual.length === expected.length &&
    actual.every((a, i) => Buffer.from(a.buffer, a.byteOffset, a.length).equals(expected[i]!))
  );
}

function concat(parts: readonly Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const part of parts) {
    out.set(part, at);
    at += part.length;
  }
  return out;
}

function framed(body: Uint8Array): Uint8Array {
  const out = new Uint8Array(body.length + 4);
  new DataView(out.buffer).setInt32(0, body.length);
  out.set(body, 4);
  return out;
}

/** Feeds `bytes` through reads of at most `cap` bytes each; returns the frames (throws on error). */
function feed(receiver: FrameReceiver, bytes: Uint8Array, cap = Number.MAX_SAFE_INTEGER) {
  const frames: Uint8Array[] = [];
  let at = 0;
  while (at < bytes.length) {
    const target = receiver.target();
    const n = Math.min(target.length, cap, bytes.length - at);
    target.set(bytes.subarray(at, at + n));
    at += n;
    const result = receiver.received(n);
    if (!result.ok) throw new Error(result.error.type);
    frames.push(...result.value);
  }
  return frames;
}

describe("FrameReceiver", () => {
  it("refuses an oversized frame as soon as its size arrives, before its bytes", () => {
    const receiver = new FrameReceiver(1000);
    receiver.target().set(hexBytes("0000"));
    expect(receiver.received(2)).toEqual({ ok: true, value: [] });
    receiver.target().set(hexBytes("2000"));
    expect(receiver.received(2)).toEqual({
      ok: false,
      error: { type: "bad-frame-size", size: 0x2000, max: 1000 },
    });
    // A socket may still read once before its close: somewhere harmless.
    expect(receiver.target().length).toBeGreaterThan(0);
  });

  it("holds a small partial frame staged until it is whole, then hands out a copy", () => {
    const receiver = new FrameReceiver(1000);
    const first = receiver.target();
    expect(first.length).toBe(STAGING_BYTES);
    first.set(hexBytes("00000003 0102"));
    expect(receiver.received(6)).toEqual({ ok: true, value: [] });
    expect(receiver.bufferedBytes).toBe(6);
    receiver.target().set(hexBytes("03 00000000"));
    const out = receiver.received(5);
    expect(out).toEqual({ ok: true, value: [hexBytes("010203"), new Uint8Array(0)] });
    if (out.ok) expect(out.value[0]!.buffer).not.toBe(first.buffer);
    expect(receiver.bufferedBytes).toBe(0);
  });

  it("reads the rest of a large frame straight into the array it hands out", () => {
    const size = DIRECT_FRAME_MIN_BYTES + 100;
    const body = Uint8Array.from({ length: size }, (_, i) => i % 251);
    const stream = framed(body);
    const allocated: number[] = [];
    const receiver = new FrameReceiver(1 << 20, (n) => {
      allocated.push(n);
      return new Uint8Array(n);
    });
    const head = receiver.target();
    head.set(stream.subarray(0, 1000));
    expect(receiver.received(1000)).toEqual({ ok: true, value: [] });
    const rest = receiver.target();
    expect(rest.length).toBe(size - 996);
    rest.set(stream.subarray(1000));
    const out = receiver.received(rest.length);
    expect(out).toEqual({ ok: true, value: [body] });
    if (out.ok) expect(out.value[0]!.buffer).toBe(rest.buffer);
    expect(allocated).toEqual([size]);
    // The next frame is probably large too: the next staged read takes little of it.
    expect(receiver.target().length).toBe(AFTER_LARGE_READ_BYTES);
  });

  it("gives the same frames whatever the reads (against concatenate-then-cut)", () => {
    const body = fc.oneof(
      fc.uint8Array({ maxLength: 40 }),
      fc.integer({ min: DIRECT_FRAME_MIN_BYTES - 2, max: STAGING_BYTES + 10 }).map((n) => {
        const bytes = new Uint8Array(n);
        for (let i = 0; i < n; i++) bytes[i] = (i * 7 + n) & 0xff;
        return bytes;
      }),
    );
    fc.assert(
      fc.property(
        fc.array(body, { maxLength: 6 }),
        fc.array(fc.integer({ min: 1, max: 70_000 }), { minLength: 1, maxLength: 8 }),
        (bodies, caps) => {
          const stream = concat(bodies.map(framed));
          // A dirty allocator: every byte of a handed-out frame must be overwritten.
          const receiver = new FrameReceiver(1 << 20, (n) => new Uint8Array(n).fill(0xee));
          const frames: Uint8Array[] = [];
          let at = 0;
          for (let i = 0; at < stream.length; i++) {
            const part = stream.subarray(at, at + caps[i % caps.length]!);
            frames.push(...feed(receiver, part));
            at += part.length;
          }
          expect(same(frames, bodies)).toBe(true);
          expect(receiver.bufferedBytes).toBe(0);
          // Frames handed out are never written again: later reads leave them as they were.
          feed(receiver, framed(new Uint8Array(DIRECT_FRAME_MIN_BYTES + 1).fill(1)), 999);
          feed(receiver, framed(new Uint8Array(50).fill(2)));
          expect(same(frames, bodies)).toBe(true);
        },
      ),
      { numRuns: 100 },
    );
  });

  it("accepts a read of nothing, and no more than its target holds", () => {
    const receiver = new FrameReceiver(100);
    const target = receiver.target();
    expect(receiver.received(0)).toEqual({ ok: true, value: [] });
    receiver.target();
    expect(() => receiver.received(target.length + 1)).toThrow();
  });
});
