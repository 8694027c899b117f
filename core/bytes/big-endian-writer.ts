// The one growable big-endian writer under every binary format core writes (Kafka's classic
// primitives and the metadata quorum's own files). A value out of range is a bug here (assert).

import { assert } from "../assert.ts";
import { utf8ByteLength, writeUtf8 } from "../log/record-batch-utf8.ts";

export class BigEndianWriter {
  #bytes: Uint8Array;
  #view: DataView;
  #length = 0;

  constructor(initialBytes = 64) {
    this.#bytes = new Uint8Array(Math.max(8, initialBytes));
    this.#view = new DataView(this.#bytes.buffer);
  }

  get length(): number {
    return this.#length;
  }

  #ensure(extra: number): void {
    const needed = this.#length + extra;
    if (needed <= this.#bytes.length) return;
    let size = this.#bytes.length * 2;
    while (size < needed) size *= 2;
    const grown = new Uint8Array(size);
    grown.set(this.#bytes.subarray(0, this.#length));
    this.#bytes = grown;
    this.#view = new DataView(grown.buffer);
  }

  u8(value: number): this {
    assert(Number.isInteger(value) && value >= 0 && value <= 0xff, `u8 out of range: ${value}`);
    this.#ensure(1);
    this.#view.setUint8(this.#length, value);
    this.#length += 1;
    return this;
  }

  bool(value: boolean): this {
    return this.u8(value ? 1 : 0);
  }

  i16(value: number): this {
    assert(Number.isInteger(value) && value >= -0x8000 && value <= 0x7fff, `int16: ${value}`);
    this.#ensure(2);
    this.#view.setInt16(this.#length, value);
    this.#length += 2;
    return this;
  }

  u16(value: number): this {
    assert(Number.isInteger(value) && value >= 0 && value <= 0xffff, `u16 out of range: ${value}`);
    this.#ensure(2);
    this.#view.setUint16(this.#length, value);
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

  u32(value: number): this {
    assert(Number.isInteger(value) && value >= 0 && value < 2 ** 32, `u32 out of range: ${value}`);
    this.#ensure(4);
    this.#view.setUint32(this.#length, value);
    this.#length += 4;
    return this;
  }

  /** A safe integer as a big-endian two's complement int64. */
  i64(value: number): this {
    assert(Number.isSafeInteger(value), `int64 ${value} is not a safe integer`);
    this.#ensure(8);
    const hi = Math.floor(value / 2 ** 32);
    this.#view.setInt32(this.#length, hi);
    this.#view.setUint32(this.#length + 4, value - hi * 2 ** 32);
    this.#length += 8;
    return this;
  }

  /** The bytes as they are, no length in front. */
  raw(value: Uint8Array): this {
    this.#ensure(value.length);
    this.#bytes.set(value, this.#length);
    this.#length += value.length;
    return this;
  }

  /** The text's UTF-8, no length in front; `size` is its byte length when the caller knows it. */
  utf8(text: string, size = utf8ByteLength(text)): this {
    this.#ensure(size);
    const start = this.#length;
    this.#length = writeUtf8(this.#bytes, start, text);
    assert(this.#length - start === size, `utf8 of ${size} bytes wrote ${this.#length - start}`);
    return this;
  }

  /** Overwrites a u32 written earlier (length and CRC fields filled in after the body). */
  patchU32(at: number, value: number): void {
    assert(at >= 0 && at + 4 <= this.#length, `patch at ${at} outside ${this.#length}`);
    assert(Number.isInteger(value) && value >= 0 && value < 2 ** 32, `u32 out of range: ${value}`);
    this.#view.setUint32(at, value);
  }

  /** A copy of the bytes written so far. */
  finish(): Uint8Array {
    return this.#bytes.slice(0, this.#length);
  }
}
