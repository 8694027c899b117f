// A growable writer of Kafka primitives into Uint8Array chunks. Large byte fields (record
// batches) are kept by reference: copied once at finish(), or never with finishParts(). Values out of their type's
// range are a bug in the caller (the core), so they fail an assert rather than wrap silently.

import { assert } from "../../core/assert.ts";
import { utf8ByteLength, writeUtf8 } from "../../core/log/record-batch-utf8.ts";
import { sizeOfVarint, sizeOfVarlong, writeVarint, writeVarlong } from "../../core/log/varint.ts";

const TWO_POW_32 = 4_294_967_296;
/** Byte fields at least this long are referenced rather than copied into the scratch buffer. */
const BY_REFERENCE_MIN = 1024;

export class Writer {
  private chunks: Uint8Array[] = [];
  private buf: Uint8Array;
  private view: DataView;
  private pos = 0;
  /** Bytes in `chunks` (not counting the current buffer). */
  private flushed = 0;

  private readonly framed: boolean;

  /** A `framed` writer reserves 4 bytes that finish() fills with the size of what follows. */
  constructor(framed = false, initialBytes = 256) {
    this.framed = framed;
    this.buf = new Uint8Array(Math.max(initialBytes, 8));
    this.view = new DataView(this.buf.buffer);
    if (framed) this.pos = 4;
  }

  /** Bytes written so far. */
  get size(): number {
    return this.flushed + this.pos;
  }

  private room(n: number): void {
    if (this.buf.length - this.pos >= n) return;
    const size = Math.max(this.buf.length * 2, n + this.pos, 256);
    const next = new Uint8Array(size);
    next.set(this.buf.subarray(0, this.pos));
    this.buf = next;
    this.view = new DataView(next.buffer);
  }

  int8(value: number): void {
    assert(Number.isInteger(value) && value >= -128 && value <= 127, `int8 ${value}`);
    this.room(1);
    this.view.setInt8(this.pos++, value);
  }

  int16(value: number): void {
    assert(Number.isInteger(value) && value >= -32768 && value <= 32767, `int16 ${value}`);
    this.room(2);
    this.view.setInt16(this.pos, value);
    this.pos += 2;
  }

  uint16(value: number): void {
    assert(Number.isInteger(value) && value >= 0 && value <= 0xffff, `uint16 ${value}`);
    this.room(2);
    this.view.setUint16(this.pos, value);
    this.pos += 2;
  }

  int32(value: number): void {
    assert(value === (value | 0), `int32 ${value}`);
    this.room(4);
    this.view.setInt32(this.pos, value);
    this.pos += 4;
  }

  uint32(value: number): void {
    assert(Number.isInteger(value) && value >= 0 && value <= 0xffffffff, `uint32 ${value}`);
    this.room(4);
    this.view.setUint32(this.pos, value);
    this.pos += 4;
  }

  /** A safe integer as int64, split into words so no bigint is needed on the hot path. */
  int64(value: number): void {
    assert(Number.isSafeInteger(value), `int64 ${value} is not a safe integer`);
    this.room(8);
    const high = Math.floor(value / TWO_POW_32);
    this.view.setInt32(this.pos, high);
    this.view.setUint32(this.pos + 4, value - high * TWO_POW_32);
    this.pos += 8;
  }

  int64Big(value: bigint): void {
    this.room(8);
    this.view.setBigInt64(this.pos, BigInt.asIntN(64, value));
    this.pos += 8;
  }

  float64(value: number): void {
    this.room(8);
    this.view.setFloat64(this.pos, value);
    this.pos += 8;
  }

  bool(value: boolean): void {
    this.room(1);
    this.buf[this.pos++] = value ? 1 : 0;
  }

  /** The protocol's unsigned varint (0 .. 2^32-1). */
  uvarint(value: number): void {
    assert(Number.isInteger(value) && value >= 0 && value <= 0xffffffff, `uvarint ${value}`);
    this.room(5);
    let rest = value;
    while (rest >= 0x80) {
      this.buf[this.pos++] = (rest % 0x80) | 0x80;
      rest = Math.floor(rest / 0x80);
    }
    this.buf[this.pos++] = rest;
  }

  /** A record-level zigzag varint (int32). */
  varint(value: number): void {
    this.room(sizeOfVarint(value));
    this.pos = writeVarint(this.buf, this.pos, value);
  }

  /** A record-level zigzag varlong (safe integer). */
  varlong(value: number): void {
    this.room(sizeOfVarlong(value));
    this.pos = writeVarlong(this.buf, this.pos, value);
  }

  /** A length prefix: -1 for null; compact prefixes are uvarint(length + 1). */
  lengthPrefix(prefix: "int16" | "int32" | "compact", length: number): void {
    assert(Number.isInteger(length) && length >= -1, `length ${length}`);
    if (prefix === "int16") this.int16(length);
    else if (prefix === "int32") this.int32(length);
    else this.uvarint(length + 1);
  }

  /** A string with its length prefix (`prefix` int16 for classic strings). */
  string(prefix: "int16" | "compact", text: string): void {
    const size = utf8ByteLength(text);
    this.lengthPrefix(prefix, size);
    this.room(size);
    this.pos = writeUtf8(this.buf, this.pos, text);
  }

  /** Raw bytes without a prefix; large ones are referenced, not copied, until finish(). */
  raw(bytes: Uint8Array): void {
    if (bytes.length < BY_REFERENCE_MIN) {
      this.room(bytes.length);
      this.buf.set(bytes, this.pos);
      this.pos += bytes.length;
      return;
    }
    this.flush();
    this.chunks.push(bytes);
    this.flushed += bytes.length;
  }

  /** A 32-hex-digit UUID as 16 bytes. */
  uuid(hex: string): void {
    assert(/^[0-9a-f]{32}$/.test(hex), `uuid ${hex} is not 32 lowercase hex digits`);
    this.room(16);
    for (let i = 0; i < 16; i++)
      this.buf[this.pos++] = Number.parseInt(hex.slice(2 * i, 2 * i + 2), 16);
  }

  private flush(): void {
    if (this.pos === 0) return;
    this.chunks.push(this.buf.subarray(0, this.pos));
    this.flushed += this.pos;
    this.buf = new Uint8Array(Math.max(256, this.buf.length - this.pos));
    this.view = new DataView(this.buf.buffer);
    this.pos = 0;
  }

  /**
   * Everything written, as one array (one copy when large fields were referenced); a framed
   * writer's first 4 bytes now hold the size of the rest. Call once.
   */
  finish(): Uint8Array {
    const parts = this.finishParts();
    if (parts.length === 1) return parts[0]!;
    const out = new Uint8Array(this.flushed);
    let at = 0;
    for (const part of parts) {
      out.set(part, at);
      at += part.length;
    }
    assert(at === out.length, "writer chunks add up to its length");
    return out;
  }

  /**
   * Everything written, as consecutive parts that must be sent in order, with no copy of the
   * referenced fields (a socket writes them with one writev). Call once, instead of finish().
   */
  finishParts(): Uint8Array[] {
    if (this.framed) {
      const first = this.chunks[0] ?? this.buf;
      new DataView(first.buffer, first.byteOffset, 4).setInt32(0, this.size - 4);
    }
    if (this.chunks.length === 0) return [this.buf.subarray(0, this.pos)];
    this.flush();
    assert(this.pos === 0 && this.chunks.length > 0, "flushed writer keeps no pending bytes");
    return this.chunks;
  }
}
