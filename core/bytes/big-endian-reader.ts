// The one bounds-checked big-endian reader under every binary format core reads. Bytes come from
// outside, so a short read never throws: the first failure is kept, in the words of the format
// that subclasses it, and every later read returns a zero value.

import { readUtf8 } from "../log/record-batch-utf8.ts";

/** A primitive read that could not be done; the format says it in its own words. */
export type ReadFault =
  | {
      readonly type: "truncated";
      /** Which read: "u8", "u16", "i16", "i32", "u32", "i64", "string" or "bytes". */
      readonly what: string;
      readonly size: number;
      /** Where the read began and how many bytes were left there. */
      readonly at: number;
      readonly left: number;
    }
  | { readonly type: "unsafe-int64"; readonly at: number };

export abstract class BigEndianReader<F> {
  readonly #bytes: Uint8Array;
  readonly #view: DataView;
  #position: number;
  readonly #end: number;
  #failure: F | undefined;

  constructor(bytes: Uint8Array, start = 0, end = bytes.length) {
    this.#bytes = bytes;
    this.#view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    this.#position = start;
    this.#end = Math.min(end, bytes.length);
  }

  get position(): number {
    return this.#position;
  }

  get remaining(): number {
    return this.#end - this.#position;
  }

  get failure(): F | undefined {
    return this.#failure;
  }

  /** How this format words a primitive read that failed. */
  protected abstract describe(fault: ReadFault): F;

  /** Keeps `failure` unless an earlier one is already kept. */
  protected keep(failure: F): void {
    if (this.#failure === undefined) this.#failure = failure;
  }

  #take(size: number, what: string): number | undefined {
    if (this.#failure !== undefined) return undefined;
    const left = this.#end - this.#position;
    if (size > left) {
      this.keep(this.describe({ type: "truncated", what, size, at: this.#position, left }));
      return undefined;
    }
    const at = this.#position;
    this.#position += size;
    return at;
  }

  u8(): number {
    const at = this.#take(1, "u8");
    return at === undefined ? 0 : this.#view.getUint8(at);
  }

  i16(): number {
    const at = this.#take(2, "i16");
    return at === undefined ? 0 : this.#view.getInt16(at);
  }

  u16(): number {
    const at = this.#take(2, "u16");
    return at === undefined ? 0 : this.#view.getUint16(at);
  }

  i32(): number {
    const at = this.#take(4, "i32");
    return at === undefined ? 0 : this.#view.getInt32(at);
  }

  u32(): number {
    const at = this.#take(4, "u32");
    return at === undefined ? 0 : this.#view.getUint32(at);
  }

  /** An int64 that must be a safe integer (offsets, timestamps and ids are). */
  i64(): number {
    const at = this.#take(8, "i64");
    if (at === undefined) return 0;
    const value = this.#view.getInt32(at) * 2 ** 32 + this.#view.getUint32(at + 4);
    if (!Number.isSafeInteger(value)) {
      this.keep(this.describe({ type: "unsafe-int64", at }));
      return 0;
    }
    return value;
  }

  /** `size` bytes copied (the caller may keep them); empty after a failure. */
  raw(size: number): Uint8Array {
    const at = this.#take(size, "bytes");
    return at === undefined ? new Uint8Array(0) : this.#bytes.slice(at, at + size);
  }

  /** `size` bytes of UTF-8 (malformed input decodes to U+FFFD); "" after a failure. */
  utf8(size: number): string {
    const at = this.#take(size, "string");
    return at === undefined ? "" : readUtf8(this.#bytes, at, at + size);
  }
}
