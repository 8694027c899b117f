// Reads Kafka frames (a 4-byte big-endian size, then that many bytes) from a stream whose reads
// land where we say: a large frame's body is read straight into an array of exactly its size, so
// the kernel copies its bytes once and nothing copies them again; small frames arrive in a reused
// staging area and leave it as copies. A size outside [0, max] is refused from its 4 bytes alone.

import { assert } from "../../core/assert.ts";
import { err, ok, type Result } from "../../core/result.ts";
import type { DecodeError } from "./decode-error.ts";
import { FRAME_SIZE_BYTES, type FrameAllocator, readFrameLength } from "./frame-splitter.ts";

/** Frames with a body above this many bytes are read into their own array, not via staging. */
export const DIRECT_FRAME_MIN_BYTES = 16 * 1024;
/** The staging area: room for any staged frame (prefix included) and a whole read of small ones. */
export const STAGING_BYTES = 64 * 1024;
/**
 * A staging read right after a large frame takes at most this much: the next frame is probably
 * large too, and everything of it that lands in staging is copied once more.
 */
export const AFTER_LARGE_READ_BYTES = 4 * 1024;

const zeroedAllocator: FrameAllocator = (n) => new Uint8Array(n);

/**
 * Call `target()` for the array the next read fills, then `received(n)` with the bytes that read
 * put at its start; each call returns the frame bodies (without their size) it completed, in
 * order. Every body handed out is the caller's to keep: nothing here writes to it again.
 */
export class FrameReceiver {
  readonly #maxBytes: number;
  readonly #allocate: FrameAllocator;
  readonly #staging = new Uint8Array(STAGING_BYTES);
  /** Staged bytes not yet handed out: [#start, #end). */
  #start = 0;
  #end = 0;
  /** The large frame being read in place, and how much of it has arrived. */
  #direct: Uint8Array | undefined;
  #filled = 0;
  #readLimit = STAGING_BYTES;
  /** Length of the last target handed out (a read cannot put more there). */
  #targetBytes = -1;
  #failed = false;

  constructor(maxBytes: number, allocate: FrameAllocator = zeroedAllocator) {
    assert(Number.isInteger(maxBytes) && maxBytes >= 0, `max frame bytes ${maxBytes}`);
    this.#maxBytes = maxBytes;
    this.#allocate = allocate;
  }

  /** Bytes received but not yet part of a whole frame. */
  get bufferedBytes(): number {
    return this.#direct === undefined ? this.#end - this.#start : this.#filled;
  }

  /**
   * Where the next read must put its bytes (never empty). After a failure, somewhere harmless:
   * a socket may ask once more before its close takes effect, and those bytes are never looked at.
   */
  target(): Uint8Array {
    if (this.#failed) return this.#staging;
    if (this.#direct !== undefined) {
      this.#targetBytes = this.#direct.length - this.#filled;
      return this.#direct.subarray(this.#filled);
    }
    if (this.#start > 0) {
      // What is left is less than one staged frame: move it to the front.
      this.#staging.copyWithin(0, this.#start, this.#end);
      this.#end -= this.#start;
      this.#start = 0;
    }
    const limit = Math.min(STAGING_BYTES, this.#end + this.#readLimit);
    assert(limit > this.#end, "the staging area has no room for a read");
    this.#targetBytes = limit - this.#end;
    return this.#staging.subarray(this.#end, limit);
  }

  /** The last target now holds `n` new bytes at its start; returns the frames they completed. */
  received(n: number): Result<Uint8Array[], DecodeError> {
    assert(!this.#failed, "a failed frame stream takes no more bytes");
    assert(Number.isInteger(n) && n >= 0 && n <= this.#targetBytes, `read of ${n} bytes`);
    this.#targetBytes = -1;
    const frames: Uint8Array[] = [];
    const direct = this.#direct;
    if (direct !== undefined) {
      this.#filled += n;
      if (this.#filled < direct.length) return ok(frames);
      frames.push(direct);
      this.#direct = undefined;
      this.#filled = 0;
      this.#readLimit = AFTER_LARGE_READ_BYTES;
      return ok(frames);
    }
    this.#end += n;
    const cut = this.#cut(frames);
    if (!cut.ok) this.#failed = true;
    return cut;
  }

  /** Hands out every whole staged frame; starts reading a large one in place. */
  #cut(frames: Uint8Array[]): Result<Uint8Array[], DecodeError> {
    const staging = this.#staging;
    while (this.#end - this.#start >= FRAME_SIZE_BYTES) {
      const sized = readFrameLength(staging, this.#maxBytes, this.#start);
      if (!sized.ok) return err(sized.error);
      const size = sized.value;
      const bodyAt = this.#start + FRAME_SIZE_BYTES;
      const have = Math.min(size, this.#end - bodyAt);
      if (size > DIRECT_FRAME_MIN_BYTES || have === size) {
        const body = this.#allocate(size);
        assert(body.length === size, "the frame allocator gave the wrong size");
        body.set(staging.subarray(bodyAt, bodyAt + have));
        this.#start = bodyAt + have;
        if (have < size) {
          this.#direct = body;
          this.#filled = have;
          break;
        }
        frames.push(body);
        if (size <= DIRECT_FRAME_MIN_BYTES) this.#readLimit = STAGING_BYTES;
        continue;
      }
      break; // a small frame still arriving: it stays staged
    }
    if (this.#start === this.#end) {
      this.#start = 0;
      this.#end = 0;
    }
    assert(this.#direct === undefined || this.#start === this.#end, "bytes staged past a frame");
    return ok(frames);
  }
}
