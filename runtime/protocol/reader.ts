// A bounds-checked reader over a Uint8Array: every Kafka primitive, never reading past `end`.
// A failed read records the first DecodeError (sticky), returns a neutral value and moves to the
// end, so every later read fails too; decoders turn `error` into a Result. Nothing here throws.

import { assert } from "../../core/assert.ts";
import { readUtf8 } from "../../core/log/record-batch-utf8.ts";
import { type Cursor, readVarint, readVarlong } from "../../core/log/varint.ts";
import { asciiString } from "./ascii-strings.ts";
import type { DecodeError } from "./decode-error.ts";

const TWO_POW_32 = 4_294_967_296;
/** |high word| of a safe int64 is below 2^21. */
const SAFE_HIGH_WORD = 2_097_152;
const EMPTY = new Uint8Array(0);

export class Reader {
  readonly bytes: Uint8Array;
  readonly end: number;
  pos: number;
  private readonly data: DataView;
  private failure: DecodeError | undefined = undefined;

  constructor(bytes: Uint8Array, start = 0, end = bytes.length) {
    assert(0 <= start && start <= end && end <= bytes.length, "reader bounds within the bytes");
    this.bytes = bytes;
    this.pos = start;
    this.end = end;
    this.data = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  }

  /** The first failure, if any read failed. */
  get error(): DecodeError | undefined {
    return this.failure;
  }

  get remaining(): number {
    return this.end - this.pos;
  }

  /** Records `error` unless an earlier one is already recorded; later reads all fail. */
  fail(error: DecodeError): void {
    if (this.failure === undefined) this.failure = error;
    this.pos = this.end;
  }

  /** True when `n` more bytes exist; otherwise records "truncated" (n >= 0). */
  private need(n: number, what: string): boolean {
    if (this.failure !== undefined) return false;
    if (this.end - this.pos >= n) return true;
    this.fail({ type: "truncated", at: this.pos, need: n, what });
    return false;
  }

  int8(what: string): number {
    if (!this.need(1, what)) return 0;
    return this.data.getInt8(this.pos++);
  }

  int16(what: string): number {
    if (!this.need(2, what)) return 0;
    const value = this.data.getInt16(this.pos);
    this.pos += 2;
    return value;
  }

  uint16(what: string): number {
    if (!this.need(2, what)) return 0;
    const value = this.data.getUint16(this.pos);
    this.pos += 2;
    return value;
  }

  int32(what: string): number {
    if (!this.need(4, what)) return 0;
    const value = this.data.getInt32(this.pos);
    this.pos += 4;
    return value;
  }

  uint32(what: string): number {
    if (!this.need(4, what)) return 0;
    const value = this.data.getUint32(this.pos);
    this.pos += 4;
    return value;
  }

  /** An int64 as a JS number; "unsafe-int64" when it is not a safe integer. */
  int64(what: string): number {
    if (!this.need(8, what)) return 0;
    const at = this.pos;
    const high = this.data.getInt32(at);
    const low = this.data.getUint32(at + 4);
    this.pos += 8;
    const value = high * TWO_POW_32 + low;
    if (high >= SAFE_HIGH_WORD || high < -SAFE_HIGH_WORD || !Number.isSafeInteger(value)) {
      const exact = (BigInt(high) << 32n) | BigInt(low);
      this.fail({ type: "unsafe-int64", at, value: exact.toString(), what });
      return 0;
    }
    return value;
  }

  /** An int64 exactly, for the rare caller that needs all 64 bits. */
  int64Big(what: string): bigint {
    if (!this.need(8, what)) return 0n;
    const value = this.data.getBigInt64(this.pos);
    this.pos += 8;
    return value;
  }

  float64(what: string): number {
    if (!this.need(8, what)) return 0;
    const value = this.data.getFloat64(this.pos);
    this.pos += 8;
    return value;
  }

  /** Kafka reads any non-zero byte as true. */
  bool(what: string): boolean {
    return this.int8(what) !== 0;
  }

  /** The protocol's unsigned varint: at most 5 bytes, at most 32 bits (0 .. 2^32-1). */
  uvarint(what: string): number {
    if (this.failure !== undefined) return 0;
    const at = this.pos;
    let value = 0;
    for (let i = 0; i < 5; i++) {
      if (this.pos >= this.end) {
        this.fail({ type: "truncated", at, need: i + 1, what });
        return 0;
      }
      const b = this.bytes[this.pos++]!;
      if (i === 4 && b > 0x0f) break;
      value += (b & 0x7f) * 2 ** (7 * i);
      if ((b & 0x80) === 0) return value;
    }
    this.fail({ type: "bad-varint", at, what });
    return 0;
  }

  /** A record-level zigzag varint (int32). */
  varint(what: string): number {
    return this.zigzag(readVarint, what);
  }

  /** A record-level zigzag varlong, as a safe integer. */
  varlong(what: string): number {
    return this.zigzag(readVarlong, what);
  }

  private zigzag(read: typeof readVarint, what: string): number {
    if (this.failure !== undefined) return 0;
    const at = this.pos;
    const cursor: Cursor = { pos: this.pos, end: this.end };
    const result = read(this.bytes, cursor);
    if (result.ok) {
      this.pos = cursor.pos;
      return result.value;
    }
    if (result.failure === "short") this.fail({ type: "truncated", at, need: 1, what });
    else if (result.failure === "unsafe") this.fail({ type: "unsafe-int64", at, value: "?", what });
    else this.fail({ type: "bad-varint", at, what });
    return 0;
  }

  /**
   * The length before a string or bytes field: -1 for null, else a length that fits in what
   * remains. Classic strings use int16, classic bytes int32, compact ones uvarint(length + 1).
   */
  lengthPrefix(prefix: "int16" | "int32" | "compact", what: string): number {
    const at = this.pos;
    const raw =
      prefix === "int16"
        ? this.int16(what)
        : prefix === "int32"
          ? this.int32(what)
          : this.uvarint(what) - 1;
    if (this.failure !== undefined) return 0;
    if (raw === -1) return -1;
    if (raw < -1 || raw > 0x7fffffff) {
      this.fail({ type: "bad-length", at, length: raw, what });
      return 0;
    }
    if (raw > this.end - this.pos) {
      this.fail({ type: "truncated", at: this.pos, need: raw, what });
      return 0;
    }
    return raw;
  }

  /**
   * An array's element count: -1 for null, else a count no larger than the bytes that remain
   * (every element takes at least one byte), so a hostile count never drives an allocation.
   */
  arrayLength(compact: boolean, what: string): number {
    const at = this.pos;
    const raw = compact ? this.uvarint(what) - 1 : this.int32(what);
    if (this.failure !== undefined) return 0;
    if (raw === -1) return -1;
    if (raw < -1 || raw > this.end - this.pos) {
      this.fail({ type: "bad-length", at, length: raw, what });
      return 0;
    }
    return raw;
  }

  /** A tagged field's size (a plain uvarint, not length + 1) that fits in what remains. */
  tagSize(what: string): number {
    const at = this.pos;
    const size = this.uvarint(what);
    if (this.failure !== undefined) return 0;
    if (size > this.end - this.pos) {
      this.fail({ type: "truncated", at, need: size, what });
      return 0;
    }
    return size;
  }

  /** `n` bytes as UTF-8 (malformed sequences become U+FFFD, as Java's decoder does). */
  utf8(n: number, what: string): string {
    if (!this.need(n, what)) return "";
    const start = this.pos;
    this.pos += n;
    return asciiString(this.bytes, start, this.pos) ?? readUtf8(this.bytes, start, this.pos);
  }

  /** `n` bytes as a view into the input (no copy: the caller must not reuse the input buffer). */
  view(n: number, what: string): Uint8Array {
    if (!this.need(n, what)) return EMPTY;
    const out = this.bytes.subarray(this.pos, this.pos + n);
    this.pos += n;
    return out;
  }

  skip(n: number, what: string): void {
    if (this.need(n, what)) this.pos += n;
  }

  /** A classic nullable string (int16 length, -1 = null); used by the request header. */
  nullableString(what: string): string | null {
    const n = this.lengthPrefix("int16", what);
    return n === -1 ? null : this.utf8(n, what);
  }

  /** A 16-byte UUID as 32 lowercase hex digits. */
  uuid(what: string): string {
    if (!this.need(16, what)) return "";
    let hex = "";
    for (let i = 0; i < 16; i++) hex += this.bytes[this.pos + i]!.toString(16).padStart(2, "0");
    this.pos += 16;
    return hex;
  }
}
