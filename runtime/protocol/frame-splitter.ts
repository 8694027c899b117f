// Cuts a TCP byte stream into Kafka frames (a 4-byte big-endian size, then that many bytes). A
// size outside [0, max] is rejected from its 4 bytes alone, before anything is allocated for it
// (socket.request.max.bytes, core/limits.ts requestBytesMax).

import { assert } from "../../core/assert.ts";
import { err, ok, type Result } from "../../core/result.ts";
import type { DecodeError } from "./decode-error.ts";

export const FRAME_SIZE_BYTES = 4;

/**
 * The size of the frame whose prefix starts at `offset`. The caller must have 4 bytes there;
 * a negative size or one above `maxBytes` is a "bad-frame-size" error.
 */
export function readFrameLength(
  bytes: Uint8Array,
  maxBytes: number,
  offset = 0,
): Result<number, DecodeError> {
  assert(bytes.length - offset >= FRAME_SIZE_BYTES, "a frame size needs 4 bytes");
  const size = new DataView(bytes.buffer, bytes.byteOffset + offset, 4).getInt32(0);
  if (size < 0 || size > maxBytes) return err({ type: "bad-frame-size", size, max: maxBytes });
  return ok(size);
}

/** Gives `n` bytes for a frame body that spans chunks; every byte is overwritten before use. */
export type FrameAllocator = (n: number) => Uint8Array;

const zeroedAllocator: FrameAllocator = (n) => new Uint8Array(n);

/**
 * Collects chunks as they arrive and hands out whole frame bodies (without their size), in
 * order. Holds at most one partial frame; each body is the caller's to keep: a view of the chunk
 * it arrived in when it lies inside one (chunks are never written again), else a copy into
 * `allocate`'s array (the runtime's skips zero-filling, since the copy fills it whole).
 */
export class FrameSplitter {
  private readonly maxBytes: number;
  private readonly allocate: FrameAllocator;
  private chunks: Uint8Array[] = [];
  private buffered = 0;
  private failed = false;

  constructor(maxBytes: number, allocate: FrameAllocator = zeroedAllocator) {
    assert(Number.isInteger(maxBytes) && maxBytes >= 0, `max frame bytes ${maxBytes}`);
    this.maxBytes = maxBytes;
    this.allocate = allocate;
  }

  /** Bytes received but not yet part of a whole frame. */
  get bufferedBytes(): number {
    return this.buffered;
  }

  /** Adds `chunk`; returns the frames it completed, or the error that ends the stream. */
  push(chunk: Uint8Array): Result<Uint8Array[], DecodeError> {
    assert(!this.failed, "a failed frame stream takes no more bytes");
    if (chunk.length > 0) {
      this.chunks.push(chunk);
      this.buffered += chunk.length;
    }
    const frames: Uint8Array[] = [];
    while (this.buffered >= FRAME_SIZE_BYTES) {
      const size = readFrameLength(this.peek(FRAME_SIZE_BYTES), this.maxBytes);
      if (!size.ok) {
        this.failed = true;
        return size;
      }
      if (this.buffered < FRAME_SIZE_BYTES + size.value) break;
      this.skip(FRAME_SIZE_BYTES);
      frames.push(this.take(size.value));
    }
    return ok(frames);
  }

  /** The first `n` buffered bytes, copied only when they span chunks. */
  private peek(n: number): Uint8Array {
    const first = this.chunks[0]!;
    if (first.length >= n) return first.subarray(0, n);
    const out = new Uint8Array(n);
    let at = 0;
    for (const chunk of this.chunks) {
      const part = chunk.subarray(0, n - at);
      out.set(part, at);
      at += part.length;
      if (at === n) break;
    }
    return out;
  }

  /** Drops the first `n` buffered bytes. */
  private skip(n: number): void {
    assert(n <= this.buffered, "skip within buffered bytes");
    let left = n;
    while (left > 0) {
      const chunk = this.chunks[0]!;
      if (chunk.length <= left) {
        left -= chunk.length;
        this.chunks.shift();
      } else {
        this.chunks[0] = chunk.subarray(left);
        left = 0;
      }
    }
    this.buffered -= n;
  }

  /** Removes and returns the first `n` buffered bytes: a view inside one chunk, else a copy. */
  private take(n: number): Uint8Array {
    assert(n <= this.buffered, "take within buffered bytes");
    const first = this.chunks[0];
    if (first !== undefined && first.length >= n) {
      if (first.length === n) this.chunks.shift();
      else this.chunks[0] = first.subarray(n);
      this.buffered -= n;
      return first.subarray(0, n);
    }
    const out = this.allocate(n);
    assert(out.length === n, "the frame allocator gave the wrong size");
    let at = 0;
    while (at < n) {
      const chunk = this.chunks[0]!;
      const part = chunk.subarray(0, n - at);
      out.set(part, at);
      at += part.length;
      if (part.length === chunk.length) this.chunks.shift();
      else this.chunks[0] = chunk.subarray(part.length);
    }
    this.buffered -= n;
    return out;
  }
}
