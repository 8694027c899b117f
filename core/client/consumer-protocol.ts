// The embedded consumer protocol (ConsumerProtocolSubscription / ConsumerProtocolAssignment v0–3):
// the bytes a consumer puts in JoinGroup metadata and the leader puts in SyncGroup assignments.
// Decoding untrusted bytes never throws: every short read or bad length is an error value.

import { assert } from "../assert.ts";
import { type KafkaReadError, KafkaReader } from "../bytes/kafka-reader.ts";
import { KafkaWriter } from "../bytes/kafka-writer.ts";
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

/** Where and why decoding failed ("unsafe-int64" never happens: no field here is an int64). */
export type ConsumerProtocolError = KafkaReadError;

/** Encodes a subscription in its `version`'s layout; fields newer than it are dropped (ignorable). */
export function encodeSubscription(subscription: ConsumerSubscription): Uint8Array {
  const { version } = subscription;
  assert(Number.isInteger(version) && version >= 0 && version <= 0x7fff, `version ${version}`);
  const writer = new KafkaWriter();
  writer.i16(version);
  writer.i32(subscription.topics.length);
  for (const topic of subscription.topics) writer.string(topic);
  writer.nullableBytes(subscription.userData);
  if (version >= 1) writeTopicPartitions(writer, subscription.ownedPartitions);
  if (version >= 2) writer.i32(subscription.generationId);
  if (version >= 3) writer.nullableString(subscription.rackId);
  return writer.finish();
}

export function decodeSubscription(
  bytes: Uint8Array,
): Result<ConsumerSubscription, ConsumerProtocolError> {
  const reader = new KafkaReader(bytes);
  const version = reader.i16();
  if (reader.failure === undefined && version < 0) {
    reader.fail("unsupported-version", `subscription version ${version}`, 0);
  }
  const topics = reader.array(2, () => reader.string());
  const userData = reader.nullableBytes();
  const ownedPartitions = version >= 1 ? readTopicPartitions(reader) : [];
  const generationId = version >= 2 ? reader.i32() : -1;
  const rackId = version >= 3 ? reader.nullableString() : null;
  if (reader.failure !== undefined) return err(reader.failure);
  return ok({ version, topics, userData, ownedPartitions, generationId, rackId });
}

/** Encodes an assignment; v0–v3 share one layout. */
export function encodeAssignment(assignment: ConsumerAssignment): Uint8Array {
  const { version } = assignment;
  assert(Number.isInteger(version) && version >= 0 && version <= 0x7fff, `version ${version}`);
  const writer = new KafkaWriter();
  writer.i16(version);
  writeTopicPartitions(writer, assignment.assignedPartitions);
  writer.nullableBytes(assignment.userData);
  return writer.finish();
}

export function decodeAssignment(
  bytes: Uint8Array,
): Result<ConsumerAssignment, ConsumerProtocolError> {
  const reader = new KafkaReader(bytes);
  const version = reader.i16();
  if (reader.failure === undefined && version < 0) {
    reader.fail("unsupported-version", `assignment version ${version}`, 0);
  }
  const assignedPartitions = readTopicPartitions(reader);
  const userData = reader.nullableBytes();
  if (reader.failure !== undefined) return err(reader.failure);
  return ok({ version, assignedPartitions, userData });
}

function readTopicPartitions(reader: KafkaReader): TopicPartitions[] {
  return reader.array(6, () => {
    const topic = reader.string();
    const partitions = reader.array(4, () => reader.i32());
    return { topic, partitions };
  });
}

function writeTopicPartitions(writer: KafkaWriter, list: readonly TopicPartitions[]): void {
  writer.i32(list.length);
  for (const { topic, partitions } of list) {
    writer.string(topic).i32(partitions.length);
    for (const partition of partitions) writer.i32(partition);
  }
}
