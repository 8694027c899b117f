// The records of the compacted __consumer_offsets topic in Kafka's own schemas: OffsetCommitKey
// (key version 0/1) with OffsetCommitValue v0-v3, GroupMetadataKey (key version 2) with
// GroupMetadataValue v0-v3. A null value is a tombstone. Decoding bytes from the log never throws.

import { assert } from "../assert.ts";
import { describeKafkaReadError, KafkaReader } from "../bytes/kafka-reader.ts";
import { KafkaWriter } from "../bytes/kafka-writer.ts";
import { err, ok, type Result } from "../result.ts";

/** Kafka's key versions double as record types. */
export const CoordinatorKeyVersion = { offsetCommitLegacy: 0, offsetCommit: 1, groupMetadata: 2 };

export interface OffsetCommitValue {
  readonly offset: number;
  /** v3: the leader epoch of the committed offset's record, -1 when unknown. */
  readonly leaderEpoch: number;
  readonly metadata: string;
  readonly commitTimestamp: number;
  /** v1 only: an explicit expiry (OffsetCommit v2-v4 retention_time); -1 when none. */
  readonly expireTimestamp: number;
}

export interface GroupMetadataMember {
  readonly memberId: string;
  /** v3+. */
  readonly groupInstanceId: string | null;
  readonly clientId: string;
  readonly clientHost: string;
  /** v1+; for v0 records the session timeout stands in, as Kafka's loader does. */
  readonly rebalanceTimeoutMs: number;
  readonly sessionTimeoutMs: number;
  /** The member's metadata for the group's chosen protocol. */
  readonly subscription: Uint8Array;
  readonly assignment: Uint8Array;
}

export interface GroupMetadataValue {
  /** "" for a group that never had a protocol type. */
  readonly protocolType: string;
  readonly generation: number;
  readonly protocol: string | null;
  readonly leader: string | null;
  /** v2+: when the group entered its current state; -1 when unknown (KIP-211 uses it). */
  readonly currentStateTimestamp: number;
  readonly members: readonly GroupMetadataMember[];
}

export type CoordinatorRecord =
  | {
      readonly type: "offset-commit";
      readonly group: string;
      readonly topic: string;
      readonly partition: number;
      readonly value: OffsetCommitValue | null;
    }
  | {
      readonly type: "group-metadata";
      readonly group: string;
      readonly value: GroupMetadataValue | null;
    };

/** The compaction key of a record: two records with equal keys supersede one another. */
export function recordKeyOf(record: CoordinatorRecord): string {
  // Length-prefixed, so no choice of group and topic names can make two keys collide.
  const group = `${record.group.length}:${record.group}`;
  if (record.type === "group-metadata") return `g${group}`;
  return `o${group}${record.topic.length}:${record.topic}:${record.partition}`;
}

export function encodeRecordKey(record: CoordinatorRecord): Uint8Array {
  const w = new KafkaWriter();
  if (record.type === "offset-commit") {
    w.i16(CoordinatorKeyVersion.offsetCommit).string(record.group).string(record.topic);
    return w.i32(record.partition).finish();
  }
  return w.i16(CoordinatorKeyVersion.groupMetadata).string(record.group).finish();
}

/** The value bytes, or null for a tombstone. */
export function encodeRecordValue(record: CoordinatorRecord): Uint8Array | null {
  if (record.value === null) return null;
  return record.type === "offset-commit"
    ? encodeOffsetCommitValue(record.value)
    : encodeGroupMetadataValue(record.value);
}

/** v3, or v1 when the commit carries an explicit expiry (v3 has no field for it), as Kafka writes. */
function encodeOffsetCommitValue(v: OffsetCommitValue): Uint8Array {
  const w = new KafkaWriter();
  if (v.expireTimestamp !== -1) {
    w.i16(1).i64(v.offset).string(v.metadata).i64(v.commitTimestamp).i64(v.expireTimestamp);
    return w.finish();
  }
  w.i16(3).i64(v.offset).i32(v.leaderEpoch).string(v.metadata).i64(v.commitTimestamp);
  return w.finish();
}

function encodeGroupMetadataValue(v: GroupMetadataValue): Uint8Array {
  const w = new KafkaWriter();
  w.i16(3).string(v.protocolType).i32(v.generation).nullableString(v.protocol);
  w.nullableString(v.leader).i64(v.currentStateTimestamp).i32(v.members.length);
  for (const m of v.members) {
    w.string(m.memberId).nullableString(m.groupInstanceId).string(m.clientId).string(m.clientHost);
    w.i32(m.rebalanceTimeoutMs).i32(m.sessionTimeoutMs).bytes(m.subscription).bytes(m.assignment);
  }
  return w.finish();
}

export type RecordDecodeError =
  | { readonly type: "bad-key"; readonly message: string }
  | { readonly type: "unknown-key-version"; readonly version: number }
  | { readonly type: "bad-value"; readonly message: string };

/**
 * A record from the log. Key versions Kafka uses for KIP-848 and share groups (3 and up) are
 * "unknown-key-version": this coordinator speaks the classic protocol only and skips them.
 */
export function decodeCoordinatorRecord(
  key: Uint8Array,
  value: Uint8Array | null,
): Result<CoordinatorRecord, RecordDecodeError> {
  const r = new KafkaReader(key);
  const version = r.i16();
  if (r.failure !== undefined)
    return err({ type: "bad-key", message: describeKafkaReadError(r.failure) });
  if (version === CoordinatorKeyVersion.groupMetadata) {
    const group = r.string();
    if (r.failure !== undefined)
      return err({ type: "bad-key", message: describeKafkaReadError(r.failure) });
    if (value === null) return ok({ type: "group-metadata", group, value: null });
    const decoded = decodeGroupMetadataValue(value);
    return decoded.ok ? ok({ type: "group-metadata", group, value: decoded.value }) : decoded;
  }
  if (version !== CoordinatorKeyVersion.offsetCommit && version !== 0) {
    return err({ type: "unknown-key-version", version });
  }
  const group = r.string();
  const topic = r.string();
  const partition = r.i32();
  if (r.failure !== undefined)
    return err({ type: "bad-key", message: describeKafkaReadError(r.failure) });
  if (value === null) return ok({ type: "offset-commit", group, topic, partition, value: null });
  const decoded = decodeOffsetCommitValue(value);
  if (!decoded.ok) return decoded;
  return ok({ type: "offset-commit", group, topic, partition, value: decoded.value });
}

function decodeOffsetCommitValue(bytes: Uint8Array): Result<OffsetCommitValue, RecordDecodeError> {
  const r = new KafkaReader(bytes);
  const version = r.i16();
  if (r.failure === undefined && (version < 0 || version > 3)) {
    return err({ type: "bad-value", message: `offset commit value version ${version}` });
  }
  const offset = r.i64();
  const leaderEpoch = version >= 3 ? r.i32() : -1;
  const metadata = r.string();
  const commitTimestamp = r.i64();
  const expireTimestamp = version === 1 ? r.i64() : -1;
  if (r.failure !== undefined)
    return err({ type: "bad-value", message: describeKafkaReadError(r.failure) });
  return ok({ offset, leaderEpoch, metadata, commitTimestamp, expireTimestamp });
}

function decodeGroupMetadataValue(
  bytes: Uint8Array,
): Result<GroupMetadataValue, RecordDecodeError> {
  const r = new KafkaReader(bytes);
  const version = r.i16();
  if (r.failure === undefined && (version < 0 || version > 3)) {
    return err({ type: "bad-value", message: `group metadata value version ${version}` });
  }
  const protocolType = r.string();
  const generation = r.i32();
  const protocol = r.nullableString();
  const leader = r.nullableString();
  const currentStateTimestamp = version >= 2 ? r.i64() : -1;
  const members = r.array(20, () => decodeMember(r, version));
  if (r.failure !== undefined)
    return err({ type: "bad-value", message: describeKafkaReadError(r.failure) });
  return ok({ protocolType, generation, protocol, leader, currentStateTimestamp, members });
}

function decodeMember(r: KafkaReader, version: number): GroupMetadataMember {
  const memberId = r.string();
  const groupInstanceId = version >= 3 ? r.nullableString() : null;
  const clientId = r.string();
  const clientHost = r.string();
  const rebalance = version >= 1 ? r.i32() : -1;
  const sessionTimeoutMs = r.i32();
  const subscription = r.bytes();
  const assignment = r.bytes();
  const rebalanceTimeoutMs = rebalance === -1 ? sessionTimeoutMs : rebalance;
  return {
    memberId,
    groupInstanceId,
    clientId,
    clientHost,
    rebalanceTimeoutMs,
    sessionTimeoutMs,
    subscription,
    assignment,
  };
}

/** Round-trip helper for asserts and tests: the record survives encode→decode unchanged. */
export function roundTripRecord(record: CoordinatorRecord): CoordinatorRecord {
  const decoded = decodeCoordinatorRecord(encodeRecordKey(record), encodeRecordValue(record));
  assert(decoded.ok, "a record this codec wrote must decode");
  return decoded.value;
}
