// The embedded consumer protocol (ConsumerProtocolSubscription / ConsumerProtocolAssignment v0–3):
// the bytes a consumer puts in JoinGroup metadata and the leader puts in SyncGroup assignments.
// Decoding untrusted bytes never throws: every short read or bad length is an error value.

import { assert } from "../assert.ts";
import { readUtf8, utf8ByteLength, writeUtf8 } from "../log/record-batch-utf8.ts";
import { err, ok, type Result } from "../result.ts";

/** Highest versions this codec knows; newer ones are read with this layout, as Kafka does. */
export const SUBSCRIPTION_VERSION_MAX = 3;
export const ASSIGNMENT_VERSION_MAX = 3;

export interface TopicPartitions {
  readonly topic: string;
  readonly partitions: readonly number[];
}

export interface ConsumerSubscription {
  /** The version on the wire (kept as read, even above SUBSCRIPTION_VERSION_MAX). */
  readonly version: number;
  readonly topics: readonly string[];
  readonly userData: Uint8Array | null;
  /** v1+ (KIP-429): what the member owns now; [] below v1. */
  readonly ownedPartitions: readonly TopicPartitions[];
  /** v2+: the generation the owned partitions belong to; -1 below v2. */
  readonly generationId: number;
  /** v3+ (KIP-881): the member's rack; null below v3. */
  readonly rackId: string | null;
}

export interface ConsumerAssignment {
  readonly version: number;
  readonly assignedPartitions: readonly TopicPartitions[];
  readonly userData: Uint8Array | null;
}

export type ConsumerProtocolErrorType =
  | "truncated"
  | "bad-length"
  | "unexpected-null"
  | "unsupported-version";

export interface ConsumerProtocolError {
  readonly type: ConsumerProtocolErrorType;
  /** Byte position where decoding failed. */
  readonly at: number;
  readonly message: string;
}

/** Encodes a subscription in its `version`'s layout; fields newer than it are dropped (ignorable). */
export function encodeSubscription(subscription: ConsumerSubscription): Uint8Array {
  const { version } = subscription;
  assert(Number.isInteger(version) && version >= 0 && version <= 0x7fff, `version ${version}`);
  const writer = new Writer();
  writer.i16(version);
  writer.i32(subscription.topics.length);
  for (const topic of subscription.topics) writer.string(topic);
  writer.nullableBytes(subscription.userData);
  if (version >= 1) writer.topicPartitions(subscription.ownedPartitions);
  if (version >= 2) writer.i32(subscription.generationId);
  if (version >= 3) writer.nullableString(subscription.rackId);
  return writer.finish();
}

export function decodeSubscription(
  bytes: Uint8Array,
): Result<ConsumerSubscription, ConsumerProtocolError> {
  const reader = new Reader(bytes);
  const version = reader.i16();
  if (reader.failure === undefined && version < 0) {
    reader.fail("unsupported-version", `subscription version ${version}`, 0);
  }
  const topics = reader.array(2, () => reader.string());
  const userData = reader.nullableBytes();
  const ownedPartitions = version >= 1 ? reader.topicPartitions() : [];
  const generationId = version >= 2 ? reader.i32() : -1;
  const rackId = version >= 3 ? reader.nullableString() : null;
  if (reader.failure !== undefined) return err(reader.failure);
  return ok({ version, topics, userData, ownedPartitions, generationId, rackId });
}

/** Encodes an assignment; v0–v3 share one layout. */
export function encodeAssignment(assignment: ConsumerAssignment): Uint8Array {
  const { version } = assignment;
  assert(Number.isInteger(version) && version >= 0 && version <= 0x7fff, `version ${version}`);
  const writer = new Writer();
  writer.i16(version);
  writer.topicPartitions(assignment.assignedPartitions);
  writer.nullableBytes(assignment.userData);
  return writer.finish();
}

export function decodeAssignment(
  bytes: Uint8Array,
): Result<ConsumerAssignment, ConsumerProtocolError> {
  const reader = new Reader(bytes);
  const version = reader.i16();
  if (reader.failure === undefined && version < 0) {
    reader.fail("unsupported-version", `assignment version ${version}`, 0);
  }
  const assignedPartitions = reader.topicPartitions();
  const userData = reader.nullableBytes();
  if (reader.failure !== undefined) return err(reader.failure);
  return ok({ version, assignedPartitions, userData });
}

/**
 * Big-endian reader of Kafka's classic (non-flexible) primitives. After the first failure every
 * read returns a zero value and the failure is kept; trailing bytes are ignored, as Kafka's
 * ConsumerProtocol does so that newer versions can append fields.
 */
class Reader {
  readonly #bytes: Uint8Array;
  readonly #view: DataView;
  #position = 0;
  failure: ConsumerProtocolError | undefined;

  constructor(bytes: Uint8Array) {
    this.#bytes = bytes;
    this.#view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  }

  fail(type: ConsumerProtocolErrorType, message: string, at = this.#position): void {
    if (this.failure === undefined) this.failure = { type, at, message };
  }

  #take(size: number, what: string): number | undefined {
    if (this.failure !== undefined) return undefined;
    if (size > this.#bytes.length - this.#position) {
      this.fail(
        "truncated",
        `${what}: ${size} bytes wanted, ${this.#bytes.length - this.#position} left`,
      );
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

  /** An int16 length (-1 = null) then UTF-8. */
  nullableString(): string | null {
    const start = this.#position;
    const length = this.i16();
    if (length === -1) return null;
    if (length < -1) {
      this.fail("bad-length", `string length ${length}`, start);
      return null;
    }
    const at = this.#take(length, "string");
    return at === undefined ? "" : readUtf8(this.#bytes, at, at + length);
  }

  string(): string {
    const start = this.#position;
    const text = this.nullableString();
    if (text === null) this.fail("unexpected-null", "null where a string is required", start);
    return text ?? "";
  }

  /** An int32 length (-1 = null) then that many bytes, copied. */
  nullableBytes(): Uint8Array | null {
    const start = this.#position;
    const length = this.i32();
    if (length === -1) return null;
    if (length < -1) {
      this.fail("bad-length", `bytes length ${length}`, start);
      return null;
    }
    const at = this.#take(length, "bytes");
    return at === undefined ? new Uint8Array(0) : this.#bytes.slice(at, at + length);
  }

  /**
   * An int32 count then the items. A count that the remaining bytes cannot hold (each item takes at
   * least `minItemBytes`) fails before anything is allocated, so bad input cannot ask for memory.
   */
  array<T>(minItemBytes: number, item: () => T): T[] {
    const start = this.#position;
    const count = this.i32();
    if (this.failure !== undefined) return [];
    if (count === -1) {
      this.fail("unexpected-null", "null where an array is required", start);
      return [];
    }
    if (count < 0 || count * minItemBytes > this.#bytes.length - this.#position) {
      this.fail(count < 0 ? "bad-length" : "truncated", `array count ${count}`, start);
      return [];
    }
    const items: T[] = [];
    for (let i = 0; i < count && this.failure === undefined; i++) items.push(item());
    return items;
  }

  topicPartitions(): TopicPartitions[] {
    return this.array(6, () => {
      const topic = this.string();
      const partitions = this.array(4, () => this.i32());
      return { topic, partitions };
    });
  }
}

/** Big-endian writer of the same primitives; values out of range are bugs (asserts). */
class Writer {
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

  i16(value: number): void {
    assert(Number.isInteger(value) && value >= -0x8000 && value <= 0x7fff, `int16: ${value}`);
    this.#ensure(2);
    this.#view.setInt16(this.#length, value);
    this.#length += 2;
  }

  i32(value: number): void {
    assert(Number.isInteger(value) && value >= -(2 ** 31) && value < 2 ** 31, `int32: ${value}`);
    this.#ensure(4);
    this.#view.setInt32(this.#length, value);
    this.#length += 4;
  }

  nullableString(text: string | null): void {
    if (text === null) {
      this.i16(-1);
      return;
    }
    const size = utf8ByteLength(text);
    assert(size <= 0x7fff, `string of ${size} bytes is too long for an int16 length`);
    this.i16(size);
    this.#ensure(size);
    this.#length = writeUtf8(this.#bytes, this.#length, text);
  }

  string(text: string): void {
    this.nullableString(text);
  }

  nullableBytes(bytes: Uint8Array | null): void {
    if (bytes === null) {
      this.i32(-1);
      return;
    }
    this.i32(bytes.length);
    this.#ensure(bytes.length);
    this.#bytes.set(bytes, this.#length);
    this.#length += bytes.length;
  }

  topicPartitions(list: readonly TopicPartitions[]): void {
    this.i32(list.length);
    for (const { topic, partitions } of list) {
      this.string(topic);
      this.i32(partitions.length);
      for (const partition of partitions) this.i32(partition);
    }
  }

  finish(): Uint8Array {
    return this.#bytes.slice(0, this.#length);
  }
}
