// Splits a TCP byte stream into Kafka frames: a 4-byte big-endian length, then that many bytes.
// A length below the smallest request header or above the configured maximum is rejected before
// any allocation for it, so one bad client costs the broker nothing but its own connection.

/** The smallest request a client can send: api key, api version, correlation id, client id length. */
export const MIN_REQUEST_BYTES = 10;

export type FrameReadResult =
  | { readonly type: "frames"; readonly frames: Uint8Array[] }
  | { readonly type: "error"; readonly reason: string };

export class FrameReader {
  readonly #maxFrameBytes: number;
  #chunks: Uint8Array[] = [];
  #buffered = 0;
  #expected: number | undefined;

  constructor(maxFrameBytes: number) {
    this.#maxFrameBytes = maxFrameBytes;
  }

  /** Bytes received but not yet returned as a frame. */
  get buffered(): number {
    return this.#buffered;
  }

  push(chunk: Uint8Array): FrameReadResult {
    this.#chunks.push(chunk);
    this.#buffered += chunk.length;
    const frames: Uint8Array[] = [];
    for (;;) {
      if (this.#expected === undefined) {
        if (this.#buffered < 4) break;
        const header = this.#take(4);
        const length = new DataView(header.buffer, header.byteOffset, 4).getInt32(0);
        if (length < MIN_REQUEST_BYTES) {
          return { type: "error", reason: `frame length ${length} is below ${MIN_REQUEST_BYTES}` };
        }
        if (length > this.#maxFrameBytes) {
          return {
            type: "error",
            reason: `frame length ${length} exceeds socket.request.max.bytes ${this.#maxFrameBytes}`,
          };
        }
        this.#expected = length;
      }
      if (this.#buffered < this.#expected) break;
      frames.push(this.#take(this.#expected));
      this.#expected = undefined;
    }
    return { type: "frames", frames };
  }

  /** Removes and returns the first `count` buffered bytes (count <= buffered). */
  #take(count: number): Uint8Array {
    const first = this.#chunks[0]!;
    if (first.length >= count) {
      const taken = first.subarray(0, count);
      if (first.length === count) this.#chunks.shift();
      else this.#chunks[0] = first.subarray(count);
      this.#buffered -= count;
      return taken;
    }
    const out = new Uint8Array(count);
    let filled = 0;
    while (filled < count) {
      const chunk = this.#chunks[0]!;
      const n = Math.min(chunk.length, count - filled);
      out.set(chunk.subarray(0, n), filled);
      filled += n;
      if (n === chunk.length) this.#chunks.shift();
      else this.#chunks[0] = chunk.subarray(n);
    }
    this.#buffered -= count;
    return out;
  }
}
