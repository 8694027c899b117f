// A bounds-checked big-endian reader over untrusted bytes. A short read never throws: it sets
// `failed` and returns zero values, and the decoder turns that into a Result at the end.

import { readUtf8 } from "../../log/record-batch-utf8.ts";

export class ByteReader {
  readonly #bytes: Uint8Array;
  readonly #view: DataView;
  #position: number;
  readonly #end: number;
  #failure: string | undefined;

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

  get failure(): string | undefined {
    return this.#failure;
  }

  fail(reason: string): void {
    if (this.#failure === undefined) this.#failure = reason;
  }

  #take(size: number, what: string): number | undefined {
    if (this.#failure !== undefined) return undefined;
    if (this.#position + size > this.#end) {
      this.fail(`short read of ${what} at ${this.#position}`);
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

  bool(): boolean {
    const value = this.u8();
    if (value > 1) this.fail(`boolean byte ${value}`);
    return value === 1;
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

  i64(): number {
    const at = this.#take(8, "i64");
    if (at === undefined) return 0;
    const value = this.#view.getInt32(at) * 2 ** 32 + this.#view.getUint32(at + 4);
    if (!Number.isSafeInteger(value)) {
      this.fail(`int64 at ${at} is not a safe integer`);
      return 0;
    }
    return value;
  }

  string(): string {
    const size = this.u16();
    const at = this.#take(size, "string");
    return at === undefined ? "" : readUtf8(this.#bytes, at, at + size);
  }

  /** A u32 length then that many bytes, copied (the caller may keep them). */
  bytes(maxBytes: number): Uint8Array {
    const size = this.u32();
    if (size > maxBytes) {
      this.fail(`byte field of ${size} over ${maxBytes}`);
      return new Uint8Array(0);
    }
    return this.raw(size);
  }

  raw(size: number): Uint8Array {
    const at = this.#take(size, "bytes");
    return at === undefined ? new Uint8Array(0) : this.#bytes.slice(at, at + size);
  }

  i32Array(maxItems: number): number[] {
    const count = this.u16();
    if (count > maxItems) {
      this.fail(`array of ${count} over ${maxItems}`);
      return [];
    }
    const values: number[] = [];
    for (let i = 0; i < count && this.#failure === undefined; i++) values.push(this.i32());
    return values;
  }
}
