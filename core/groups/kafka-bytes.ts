// Kafka's classic (non-flexible) primitives for the __consumer_offsets record schemas: int16/32/64,
// int16-length strings (-1 = null), int32-length bytes and int32-count arrays, all big-endian.
// Reading untrusted bytes never throws: the first failure is kept and later reads return zeros.

import { assert } from "../assert.ts";
import { readUtf8, utf8ByteLength, writeUtf8 } from "../log/record-batch-utf8.ts";

export class KafkaReader {
  readonly #bytes: Uint8Array;
  readonly #view: DataView;
  #position = 0;
  #failure: string | undefined;

  constructor(bytes: Uint8Array) {
    this.#bytes = bytes;
    this.#view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  }

  get failure(): string | undefined {
    return this.#failure;
  }

  get remaining(): number {
    return this.#bytes.length - this.#position;
  }

  fail(reason: string): void {
    if (this.#failure === undefined) this.#failure = `${reason} at byte ${this.#position}`;
  }

  #take(size: number, what: string): number | undefined {
    if (this.#failure !== undefined) return undefined;
    if (size > this.#bytes.length - this.#position) {
      this.fail(`short read of ${what} (${size} bytes)`);
      return undefined;
    }
    const at = this.#position;
    this.#position += size;
    return at;
  }

  i16(): number {
    const at = this.#take(2, "int16");
    return at === undefined ? 0 : this.#view.getInt16(at);
  }

  i32(): number {
    const at = this.#take(4, "int32");
    return at === undefined ? 0 : this.#view.getInt32(at);
  }

  /** An int64 that must be a safe integer (offsets and timestamps are). */
  i64(): number {
    const at = this.#take(8, "int64");
    if (at === undefined) return 0;
    const value = this.#view.getInt32(at) * 2 ** 32 + this.#view.getUint32(at + 4);
    if (!Number.isSafeInteger(value)) {
      this.fail("int64 outside the safe integer range");
      return 0;
    }
    return value;
  }

  nullableString(): string | null {
    const length = this.i16();
    if (length === -1) return null;
    if (length < -1) {
      this.fail(`string length ${length}`);
      return null;
    }
    const at = this.#take(length, "string");
    return at === undefined ? "" : readUtf8(this.#bytes, at, at + length);
  }

  string(): string {
    const text = this.nullableString();
    if (text === null) this.fail("null where a string is required");
    return text ?? "";
  }

  /** int32 length then bytes (copied); null is refused, as the schemas never allow it here. */
  bytes(): Uint8Array {
    const length = this.i32();
    if (length < 0) {
      this.fail(`bytes length ${length}`);
      return new Uint8Array(0);
    }
    const at = this.#take(length, "bytes");
    return at === undefined ? new Uint8Array(0) : this.#bytes.slice(at, at + length);
  }

  /** int32 count then items; a count the remaining bytes cannot hold fails before allocating. */
  array<T>(minItemBytes: number, item: () => T): T[] {
    const count = this.i32();
    if (this.#failure !== undefined) return [];
    if (count < 0 || count * minItemBytes > this.remaining) {
      this.fail(`array count ${count}`);
      return [];
    }
    const items: T[] = [];
    for (let i = 0; i < count && this.#failure === undefined; i++) items.push(item());
    return items;
  }
}

/** The matching writer; an out-of-range value is a bug (assert), not bad input. */
export class KafkaWriter {
  #bytes = new Uint8Array(64);
  #view = new DataView(this.#bytes.buffer);
  #length = 0;

  #ensure(extra: number): void {
    if (this.#length + extra <= this.#bytes.length) return;
    let size = this.#bytes.length * 2;
    while (size < this.#length + extra) size *= 2;
    const grown = new Uint8Array(size);
    grown.set(this.#bytes.subarray(0, this.#length));
    this.#bytes = grown;
    this.#view = new DataView(grown.buffer);
  }

  i16(value: number): this {
    assert(Number.isInteger(value) && value >= -0x8000 && value <= 0x7fff, `int16: ${value}`);
    this.#ensure(2);
    this.#view.setInt16(this.#length, value);
    this.#length += 2;
    return this;
  }

  i32(value: number): this {
    assert(Number.isInteger(value) && value >= -(2 ** 31) && value < 2 ** 31, `int32: ${value}`);
    this.#ensure(4);
    this.#view.setInt32(this.#length, value);
    this.#length += 4;
    return this;
  }

  i64(value: number): this {
    assert(Number.isSafeInteger(value), `int64 ${value} is not a safe integer`);
    this.#ensure(8);
    const hi = Math.floor(value / 2 ** 32);
    this.#view.setInt32(this.#length, hi);
    this.#view.setUint32(this.#length + 4, value - hi * 2 ** 32);
    this.#length += 8;
    return this;
  }

  nullableString(text: string | null): this {
    if (text === null) return this.i16(-1);
    const size = utf8ByteLength(text);
    assert(size <= 0x7fff, `string of ${size} bytes does not fit an int16 length`);
    this.i16(size);
    this.#ensure(size);
    this.#length = writeUtf8(this.#bytes, this.#length, text);
    return this;
  }

  string(text: string): this {
    return this.nullableString(text);
  }

  bytes(value: Uint8Array): this {
    this.i32(value.length);
    this.#ensure(value.length);
    this.#bytes.set(value, this.#length);
    this.#length += value.length;
    return this;
  }

  finish(): Uint8Array {
    return this.#bytes.slice(0, this.#length);
  }
}
