// Framing against a naive model: any split of a stream of frames into chunks yields the same
// frames; bad lengths are rejected before allocation.

import { fc, test } from "@fast-check/vitest";
import { describe, expect, it } from "vitest";
import { FrameReader, MIN_REQUEST_BYTES } from "../../runtime/frame-reader.ts";

function frame(body: Uint8Array): Uint8Array {
  const out = new Uint8Array(4 + body.length);
  new DataView(out.buffer).setInt32(0, body.length);
  out.set(body, 4);
  return out;
}

function concat(parts: readonly Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((sum, part) => sum + part.length, 0));
  let at = 0;
  for (const part of parts) {
    out.set(part, at);
    at += part.length;
  }
  return out;
}

describe("FrameReader", () => {
  test.prop([
    fc.array(fc.uint8Array({ minLength: MIN_REQUEST_BYTES, maxLength: 300 }), { maxLength: 20 }),
    fc.array(fc.integer({ min: 1, max: 97 }), { minLength: 1, maxLength: 50 }),
  ])("any chunking of a stream yields the frames in order", (bodies, cuts) => {
    const stream = concat(bodies.map(frame));
    const reader = new FrameReader(1024);
    const got: Uint8Array[] = [];
    let at = 0;
    let cut = 0;
    while (at < stream.length) {
      const size = cuts[cut++ % cuts.length]!;
      const result = reader.push(stream.subarray(at, at + size));
      at += size;
      expect(result.type).toBe("frames");
      if (result.type === "frames") got.push(...result.frames);
    }
    expect(got.map((g) => Array.from(g))).toEqual(bodies.map((b) => Array.from(b)));
    expect(reader.buffered).toBe(0);
  });

  it.each([
    [-1, "frame length -1 is below 10"],
    [3, "frame length 3 is below 10"],
    [2048, "frame length 2048 exceeds socket.request.max.bytes 1024"],
    [0x7fffffff, "frame length 2147483647 exceeds socket.request.max.bytes 1024"],
  ])("rejects a frame of length %i", (length, reason) => {
    const header = new Uint8Array(4);
    new DataView(header.buffer).setInt32(0, length);
    expect(new FrameReader(1024).push(header)).toEqual({ type: "error", reason });
  });

  it("waits for a frame split inside its length prefix", () => {
    const reader = new FrameReader(1024);
    const bytes = frame(new Uint8Array(12).fill(7));
    expect(reader.push(bytes.subarray(0, 2))).toEqual({ type: "frames", frames: [] });
    const result = reader.push(bytes.subarray(2));
    expect(result.type === "frames" && result.frames.length).toBe(1);
  });
});
