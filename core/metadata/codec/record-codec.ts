// The binary form of RaftRecord: a type byte, then the fields in declaration order. Decoding bad
// bytes is a Result; encode(decode(x)) === x and decode(encode(r)) deep-equals r.

import { assertNever } from "../../assert.ts";
import { type NodeId, nodeId } from "../../ids.ts";
import { err, ok, type Result } from "../../result.ts";
import type { BrokerListener, MetadataRecord, RaftRecord } from "../records.ts";
import { ByteReader } from "./byte-reader.ts";
import type { ByteWriter } from "./byte-writer.ts";

/** Stable type bytes: they are on disk, never renumber. */
export const RecordTypeByte = {
  opaque: 0,
  "register-broker": 1,
  "fence-broker": 2,
  "unfence-broker": 3,
  topic: 4,
  partition: 5,
  "partition-change": 6,
  config: 7,
  "remove-topic": 8,
  "producer-ids": 9,
  "leader-change": 10,
  "no-op": 11,
} as const;

const ARRAY_ITEMS_MAX = 10_000;

export function writeRecord(w: ByteWriter, record: RaftRecord): void {
  w.u8(RecordTypeByte[record.type]);
  switch (record.type) {
    case "opaque":
      w.raw(record.bytes);
      return;
    case "register-broker":
      w.i32(record.brokerId).string(record.incarnationId).i64(record.brokerEpoch);
      w.u16(record.listeners.length);
      for (const l of record.listeners) w.string(l.name).string(l.host).i32(l.port);
      return;
    case "fence-broker":
    case "unfence-broker":
      w.i32(record.brokerId).i64(record.brokerEpoch);
      return;
    case "topic":
      w.string(record.name).string(record.topicId);
      return;
    case "partition":
      w.string(record.topicId).i32(record.partition).i32Array(record.replicas);
      w.i32Array(record.isr).i32(record.leader).i32(record.leaderEpoch).i32(record.partitionEpoch);
      return;
    case "partition-change":
      writePartitionChange(w, record);
      return;
    case "config":
      w.u8(record.resourceType).string(record.resourceName).string(record.name);
      w.bool(record.value !== null);
      if (record.value !== null) w.string(record.value);
      return;
    case "remove-topic":
      w.string(record.topicId);
      return;
    case "producer-ids":
      w.i32(record.brokerId).i64(record.brokerEpoch).i64(record.nextProducerId);
      return;
    case "leader-change":
      w.i32(record.leaderId).i32Array(record.voters);
      return;
    case "no-op":
      return;
    default:
      assertNever(record, "raft record");
  }
}

function writePartitionChange(
  w: ByteWriter,
  record: Extract<MetadataRecord, { type: "partition-change" }>,
): void {
  w.string(record.topicId).i32(record.partition);
  w.bool(record.isr !== undefined);
  if (record.isr !== undefined) w.i32Array(record.isr);
  w.bool(record.leader !== undefined);
  if (record.leader !== undefined) w.i32(record.leader);
  w.i32(record.leaderEpoch).i32(record.partitionEpoch);
}

const nodeIds = (values: readonly number[]): NodeId[] => values.map(nodeId);

/** Decodes one record occupying bytes[start, end) exactly. */
export function readRecord(
  bytes: Uint8Array,
  start: number,
  end: number,
): Result<RaftRecord, string> {
  const r = new ByteReader(bytes, start, end);
  const typeByte = r.u8();
  const record = readBody(r, typeByte, end);
  if (r.failure !== undefined) return err(r.failure);
  if (record === undefined) return err(`unknown record type ${typeByte}`);
  if (r.remaining !== 0) return err(`${r.remaining} trailing bytes after ${record.type} record`);
  return ok(record);
}

function readBody(r: ByteReader, typeByte: number, end: number): RaftRecord | undefined {
  switch (typeByte) {
    case RecordTypeByte.opaque:
      return { type: "opaque", bytes: r.raw(end - r.position) };
    case RecordTypeByte["register-broker"]:
      return readRegisterBroker(r);
    case RecordTypeByte["fence-broker"]:
      return { type: "fence-broker", brokerId: nodeId(r.i32()), brokerEpoch: r.i64() };
    case RecordTypeByte["unfence-broker"]:
      return { type: "unfence-broker", brokerId: nodeId(r.i32()), brokerEpoch: r.i64() };
    case RecordTypeByte.topic:
      return { type: "topic", name: r.string(), topicId: r.string() };
    case RecordTypeByte.partition:
      return readPartition(r);
    case RecordTypeByte["partition-change"]:
      return readPartitionChange(r);
    case RecordTypeByte.config:
      return readConfig(r);
    case RecordTypeByte["remove-topic"]:
      return { type: "remove-topic", topicId: r.string() };
    case RecordTypeByte["producer-ids"]:
      return {
        type: "producer-ids",
        brokerId: nodeId(r.i32()),
        brokerEpoch: r.i64(),
        nextProducerId: r.i64(),
      };
    case RecordTypeByte["leader-change"]:
      return {
        type: "leader-change",
        leaderId: nodeId(r.i32()),
        voters: nodeIds(r.i32Array(ARRAY_ITEMS_MAX)),
      };
    case RecordTypeByte["no-op"]:
      return { type: "no-op" };
    default:
      return undefined;
  }
}

function readRegisterBroker(r: ByteReader): MetadataRecord {
  const brokerId = nodeId(r.i32());
  const incarnationId = r.string();
  const brokerEpoch = r.i64();
  const count = r.u16();
  const listeners: BrokerListener[] = [];
  for (let i = 0; i < count && r.failure === undefined; i++) {
    listeners.push({ name: r.string(), host: r.string(), port: r.i32() });
  }
  return { type: "register-broker", brokerId, incarnationId, brokerEpoch, listeners };
}

function readPartition(r: ByteReader): MetadataRecord {
  return {
    type: "partition",
    topicId: r.string(),
    partition: r.i32(),
    replicas: nodeIds(r.i32Array(ARRAY_ITEMS_MAX)),
    isr: nodeIds(r.i32Array(ARRAY_ITEMS_MAX)),
    leader: r.i32(),
    leaderEpoch: r.i32(),
    partitionEpoch: r.i32(),
  };
}

function readPartitionChange(r: ByteReader): MetadataRecord {
  const topicId = r.string();
  const partition = r.i32();
  const isr = r.bool() ? nodeIds(r.i32Array(ARRAY_ITEMS_MAX)) : undefined;
  const leader = r.bool() ? r.i32() : undefined;
  const leaderEpoch = r.i32();
  const partitionEpoch = r.i32();
  return {
    type: "partition-change",
    topicId,
    partition,
    ...(isr === undefined ? {} : { isr }),
    ...(leader === undefined ? {} : { leader }),
    leaderEpoch,
    partitionEpoch,
  };
}

function readConfig(r: ByteReader): MetadataRecord {
  const resourceType = r.u8();
  const resourceName = r.string();
  const name = r.string();
  const value = r.bool() ? r.string() : null;
  return { type: "config", resourceType, resourceName, name, value };
}
