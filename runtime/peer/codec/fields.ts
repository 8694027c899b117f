// The field primitives of the peer codec, one reader and one writer: zigzag varlongs for every
// integer (safe integers, no bigint), 0/1 flags, Kafka's compact strings, bytes and arrays, and
// presence-flagged optional/nullable values. The reader never throws: its first failure sticks.

import { assert } from "../../../core/assert.ts";
import { ErrorCode, errorInfo } from "../../../core/error-codes.ts";
import { type NodeId, nodeId } from "../../../core/ids.ts";
import { Reader } from "../../protocol/reader.ts";
import { Writer } from "../../protocol/writer.ts";
import type { PeerDecodeError } from "./peer-decode-error.ts";

const INT16_MIN = -32768;
const INT16_MAX = 32767;

export class PeerWriter {
  readonly #writer: Writer;

  /** A `framed` writer reserves the 4-byte frame size that finish() fills in. */
  constructor(framed: boolean) {
    this.#writer = new Writer(framed, 64);
  }

  get size(): number {
    return this.#writer.size;
  }

  /** An unsigned byte (the codec version, handshake fields). */
  uint8(value: number): void {
    assert(Number.isInteger(value) && value >= 0 && value <= 0xff, `uint8 ${value}`);
    this.#writer.int8(value > 127 ? value - 256 : value);
  }

  uvarint(value: number): void {
    this.#writer.uvarint(value);
  }

  /** Any safe integer, as a zigzag varlong (1 byte for -64..63). */
  int(value: number): void {
    this.#writer.varlong(value);
  }

  errorCode(code: ErrorCode): void {
    assert(code >= INT16_MIN && code <= INT16_MAX, `error code ${code} is not an int16`);
    this.#writer.varint(code);
  }

  bool(value: boolean): void {
    this.#writer.bool(value);
  }

  string(text: string): void {
    this.#writer.string("compact", text);
  }

  bytes(bytes: Uint8Array): void {
    this.#writer.lengthPrefix("compact", bytes.length);
    this.#writer.raw(bytes);
  }

  array<T>(items: readonly T[], write: (item: T) => void): void {
    this.#writer.uvarint(items.length + 1);
    for (const item of items) write(item);
  }

  /** A presence flag, then the value when present. */
  optional<T>(value: T | undefined | null, write: (value: T) => void): void {
    const present = value !== undefined && value !== null;
    this.#writer.bool(present);
    if (present) write(value);
  }

  finish(): Uint8Array {
    return this.#writer.finish();
  }
}

export class PeerReader {
  readonly #reader: Reader;
  #failure: PeerDecodeError | undefined = undefined;

  constructor(bytes: Uint8Array, start = 0, end = bytes.length) {
    this.#reader = new Reader(bytes, start, end);
  }

  /** The first failure, if any read failed. */
  get error(): PeerDecodeError | undefined {
    if (this.#failure !== undefined) return this.#failure;
    const wire = this.#reader.error;
    return wire === undefined ? undefined : { type: "wire", error: wire };
  }

  get pos(): number {
    return this.#reader.pos;
  }

  get remaining(): number {
    return this.#reader.remaining;
  }

  /** Records `error` unless an earlier failure is recorded; every later read then fails. */
  fail(error: PeerDecodeError): void {
    if (this.error === undefined) this.#failure = error;
    this.#reader.pos = this.#reader.end;
  }

  uint8(what: string): number {
    return this.#reader.int8(what) & 0xff;
  }

  uvarint(what: string): number {
    return this.#reader.uvarint(what);
  }

  int(what: string): number {
    return this.#reader.varlong(what);
  }

  nodeId(what: string): NodeId {
    return nodeId(this.#reader.varlong(what));
  }

  /** An int16 error code; one this build does not know reads as UNKNOWN_SERVER_ERROR. */
  errorCode(what: string): ErrorCode {
    const at = this.pos;
    const code = this.#reader.varint(what);
    if (code < INT16_MIN || code > INT16_MAX) {
      this.fail({ type: "out-of-range", at, value: code, what });
      return ErrorCode.NONE;
    }
    return errorInfo(code).code as ErrorCode;
  }

  bool(what: string): boolean {
    const at = this.pos;
    const value = this.#reader.int8(what);
    if (value !== 0 && value !== 1) this.fail({ type: "bad-flag", at, value, what });
    return value === 1;
  }

  string(what: string): string {
    const length = this.#nonNullLength(what);
    return length === 0 ? "" : this.#reader.utf8(length, what);
  }

  /** A view into the frame: the caller must not reuse the frame's buffer. */
  bytes(what: string): Uint8Array {
    const length = this.#nonNullLength(what);
    return this.#reader.view(length, what);
  }

  #nonNullLength(what: string): number {
    const at = this.pos;
    const length = this.#reader.lengthPrefix("compact", what);
    if (length === -1) this.fail({ type: "wire", error: { type: "unexpected-null", at, what } });
    return Math.max(length, 0);
  }

  /** Stops at the first failure; the count is checked against the bytes left before the loop. */
  array<T>(what: string, read: () => T): T[] {
    const at = this.pos;
    const count = this.#reader.arrayLength(true, what);
    if (count === -1) this.fail({ type: "wire", error: { type: "unexpected-null", at, what } });
    const items: T[] = [];
    for (let i = 0; i < count && this.error === undefined; i++) items.push(read());
    return items;
  }

  optional<T>(what: string, read: () => T): T | undefined {
    return this.bool(`${what} present`) ? read() : undefined;
  }

  nullable<T>(what: string, read: () => T): T | null {
    return this.bool(`${what} present`) ? read() : null;
  }

  /** Fails with "trailing-bytes" unless every byte was read. */
  expectEnd(): void {
    if (this.error === undefined && this.remaining > 0) {
      this.fail({ type: "trailing-bytes", at: this.pos, count: this.remaining });
    }
  }
}
