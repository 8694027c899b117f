// The cluster as the metadata log describes it (KRaft's MetadataImage): brokers, topics with ids,
// partitions with replicas, leader, leader epoch, ISR and partition epoch, and config overrides.
// It changes ONLY by applying metadata records in offset order; each change is reported to a listener.

import { assert, assertNever } from "../assert.ts";
import type { Epoch, NodeId, Offset } from "../ids.ts";
import { limits } from "../limits.ts";
import { ByteReader } from "../metadata/codec/byte-reader.ts";
import { ByteWriter } from "../metadata/codec/byte-writer.ts";
import { readRecord, writeRecord } from "../metadata/codec/record-codec.ts";
import type { MetadataStateMachine } from "../metadata/raft/context.ts";
import type { BrokerListener, MetadataRecord, RaftRecord, TopicId } from "../metadata/records.ts";
import type { BrokerRegistry, BrokerState } from "../replication/replica-log.ts";

export const ConfigResourceType = { topic: 2, broker: 4 } as const;

export interface PartitionRegistration {
  readonly topicId: TopicId;
  readonly topic: string;
  readonly partition: number;
  readonly replicas: readonly NodeId[];
  readonly isr: readonly NodeId[];
  /** -1 when the partition has no leader. */
  readonly leader: number;
  readonly leaderEpoch: Epoch;
  readonly partitionEpoch: Epoch;
}

export interface TopicImage {
  readonly name: string;
  readonly topicId: TopicId;
  /** Indexed by partition number; partitions are only ever added at the end. */
  readonly partitions: readonly PartitionRegistration[];
}

export interface BrokerRegistration {
  readonly brokerId: NodeId;
  readonly incarnationId: string;
  readonly brokerEpoch: Offset;
  readonly listeners: readonly BrokerListener[];
  /** A registered broker is fenced until the controller unfences it (KIP-631). */
  readonly fenced: boolean;
}

export type ImageChange =
  | { readonly type: "topic-added"; readonly topic: TopicImage }
  | { readonly type: "topic-removed"; readonly topic: TopicImage }
  | {
      readonly type: "partition-changed";
      readonly before: PartitionRegistration | undefined;
      readonly after: PartitionRegistration;
    }
  | {
      readonly type: "config-changed";
      readonly resourceType: number;
      readonly resourceName: string;
    }
  | { readonly type: "broker-changed"; readonly brokerId: NodeId }
  /** The whole image was replaced (a snapshot was loaded): reconcile everything. */
  | { readonly type: "reset" };

interface MutableTopic {
  readonly name: string;
  readonly topicId: TopicId;
  readonly partitions: PartitionRegistration[];
}

export class MetadataImage implements MetadataStateMachine, BrokerRegistry {
  readonly #topicsByName = new Map<string, MutableTopic>();
  readonly #topicsById = new Map<TopicId, MutableTopic>();
  /** Registrations as replication's BrokerState too (controlled shutdown lives in the controller). */
  readonly #brokers = new Map<NodeId, BrokerRegistration & BrokerState>();
  /** resourceType:resourceName -> config name -> value. */
  readonly #configs = new Map<string, Map<string, string>>();
  #nextProducerId = 0;
  #nextOffset: Offset = 0;
  #partitionCount = 0;
  /** Bumped by every change of the indexes (a record applied, a snapshot restored). */
  #version = 0;
  /** The version checkConsistency last found consistent: unchanged indexes need no new check. */
  #checkedVersion = -1;
  #listener: (change: ImageChange) => void;

  constructor(listener: (change: ImageChange) => void = () => {}) {
    this.#listener = listener;
  }

  setListener(listener: (change: ImageChange) => void): void {
    this.#listener = listener;
  }

  /** The offset after the last record applied. */
  get nextOffset(): Offset {
    return this.#nextOffset;
  }

  get nextProducerId(): number {
    return this.#nextProducerId;
  }

  get topicCount(): number {
    return this.#topicsByName.size;
  }

  /** Partitions of every topic. */
  get partitionCount(): number {
    return this.#partitionCount;
  }

  topic(name: string): TopicImage | undefined {
    return this.#topicsByName.get(name);
  }

  topicById(id: TopicId): TopicImage | undefined {
    return this.#topicsById.get(id);
  }

  /** Every topic, sorted by name. */
  topics(): TopicImage[] {
    return [...this.#topicsByName.values()].sort((a, b) => compareText(a.name, b.name));
  }

  partition(topic: string, partition: number): PartitionRegistration | undefined {
    return this.#topicsByName.get(topic)?.partitions[partition];
  }

  /** A registered broker (also replication's BrokerRegistry port). */
  broker(id: number): (BrokerRegistration & BrokerState) | undefined {
    return this.#brokers.get(id as NodeId);
  }

  /** Registered brokers by id. */
  brokers(): BrokerRegistration[] {
    return [...this.#brokers.values()].sort((a, b) => a.brokerId - b.brokerId);
  }

  /** Config overrides of one resource (topic name, or broker id / "" for cluster defaults). */
  configs(resourceType: number, resourceName: string): ReadonlyMap<string, string> {
    return this.#configs.get(configKey(resourceType, resourceName)) ?? new Map();
  }

  /** Applies the next record of the log (the MetadataStateMachine contract). */
  apply(record: RaftRecord, offset: Offset, _epoch: number): void {
    assert(offset >= this.#nextOffset, `record ${offset} applied after ${this.#nextOffset - 1}`);
    this.#nextOffset = offset + 1;
    if (record.type === "opaque") return;
    this.#version++;
    this.#applyRecord(record);
  }

  #applyRecord(record: MetadataRecord): void {
    switch (record.type) {
      case "register-broker":
      case "fence-broker":
      case "unfence-broker":
        this.#applyBroker(record);
        return;
      case "topic":
        this.#addTopic(record.name, record.topicId);
        return;
      case "partition":
      case "partition-change":
        this.#applyPartition(record);
        return;
      case "config":
        this.#applyConfig(record);
        return;
      case "remove-topic":
        this.#removeTopic(record.topicId);
        return;
      case "producer-ids":
        assert(record.nextProducerId >= this.#nextProducerId, "producer ids went back");
        this.#nextProducerId = record.nextProducerId;
        return;
      case "leader-change":
      case "no-op":
        return;
      default:
        assertNever(record, "metadata record");
    }
  }

  #applyBroker(
    record: Extract<
      MetadataRecord,
      { type: "register-broker" | "fence-broker" | "unfence-broker" }
    >,
  ): void {
    if (record.type === "register-broker") {
      this.#brokers.set(record.brokerId, {
        brokerId: record.brokerId,
        incarnationId: record.incarnationId,
        brokerEpoch: record.brokerEpoch,
        listeners: record.listeners,
        fenced: true,
        inControlledShutdown: false,
      });
    } else {
      const current = this.#brokers.get(record.brokerId);
      assert(current !== undefined, `${record.type} of unregistered broker ${record.brokerId}`);
      // A fence or unfence for an older registration is stale: the newer one already decided.
      if (current.brokerEpoch !== record.brokerEpoch) return;
      this.#brokers.set(record.brokerId, { ...current, fenced: record.type === "fence-broker" });
    }
    this.#listener({ type: "broker-changed", brokerId: record.brokerId });
  }

  #addTopic(name: string, topicId: TopicId): void {
    assert(!this.#topicsByName.has(name), `topic ${name} exists`);
    assert(!this.#topicsById.has(topicId), `topic id ${topicId} exists`);
    assert(this.#topicsByName.size < limits.topicsMax, "topics over limit");
    const topic: MutableTopic = { name, topicId, partitions: [] };
    this.#topicsByName.set(name, topic);
    this.#topicsById.set(topicId, topic);
    this.#listener({ type: "topic-added", topic });
  }

  #removeTopic(topicId: TopicId): void {
    const topic = this.#topicsById.get(topicId);
    assert(topic !== undefined, `remove of unknown topic id ${topicId}`);
    this.#topicsById.delete(topicId);
    this.#topicsByName.delete(topic.name);
    this.#configs.delete(configKey(ConfigResourceType.topic, topic.name));
    this.#partitionCount -= topic.partitions.length;
    this.#listener({ type: "topic-removed", topic });
  }

  #applyPartition(record: Extract<MetadataRecord, { type: "partition" | "partition-change" }>) {
    const topic = this.#topicsById.get(record.topicId);
    assert(topic !== undefined, `${record.type} of unknown topic id ${record.topicId}`);
    const before = topic.partitions[record.partition];
    let after: PartitionRegistration;
    if (record.type === "partition") {
      assert(before === undefined, `partition ${topic.name}-${record.partition} exists`);
      assert(record.partition === topic.partitions.length, "partitions are added in order");
      assert(topic.partitions.length < limits.partitionsPerTopicMax, "partitions over limit");
      this.#partitionCount++;
      after = {
        topicId: record.topicId,
        topic: topic.name,
        partition: record.partition,
        replicas: record.replicas,
        isr: record.isr,
        leader: record.leader,
        leaderEpoch: record.leaderEpoch,
        partitionEpoch: record.partitionEpoch,
      };
    } else {
      assert(before !== undefined, `change of unknown partition ${topic.name}-${record.partition}`);
      assert(record.leaderEpoch >= before.leaderEpoch, "leader epoch went back");
      assert(record.partitionEpoch > before.partitionEpoch, "partition epoch did not advance");
      after = {
        ...before,
        isr: record.isr ?? before.isr,
        leader: record.leader ?? before.leader,
        leaderEpoch: record.leaderEpoch,
        partitionEpoch: record.partitionEpoch,
      };
    }
    topic.partitions[record.partition] = after;
    this.#listener({ type: "partition-changed", before, after });
  }

  #applyConfig(record: Extract<MetadataRecord, { type: "config" }>): void {
    const key = configKey(record.resourceType, record.resourceName);
    const configs = this.#configs.get(key) ?? new Map<string, string>();
    if (record.value === null) configs.delete(record.name);
    else configs.set(record.name, record.value);
    if (configs.size === 0) this.#configs.delete(key);
    else this.#configs.set(key, configs);
    this.#listener({
      type: "config-changed",
      resourceType: record.resourceType,
      resourceName: record.resourceName,
    });
  }

  /** Records that rebuild this image from empty, in an order apply() accepts. */
  toRecords(): MetadataRecord[] {
    const out: MetadataRecord[] = [];
    for (const b of this.brokers()) {
      out.push({ type: "register-broker", ...pickRegistration(b) });
      if (!b.fenced)
        out.push({ type: "unfence-broker", brokerId: b.brokerId, brokerEpoch: b.brokerEpoch });
    }
    for (const t of this.#topicsByName.values()) {
      out.push({ type: "topic", name: t.name, topicId: t.topicId });
      for (const p of t.partitions) {
        const { topic: _topic, ...fields } = p;
        out.push({ type: "partition", ...fields });
      }
    }
    for (const [key, configs] of this.#configs) {
      const [resourceType, resourceName] = splitConfigKey(key);
      for (const [name, value] of configs) {
        out.push({ type: "config", resourceType, resourceName, name, value });
      }
    }
    if (this.#nextProducerId > 0) {
      out.push({
        type: "producer-ids",
        brokerId: 0 as NodeId,
        brokerEpoch: 0,
        nextProducerId: this.#nextProducerId,
      });
    }
    return out;
  }

  /** The state as bytes (MetadataStateMachine): the next offset, then length-prefixed records. */
  snapshot(): Uint8Array {
    const w = new ByteWriter(1024);
    w.i64(this.#nextOffset);
    for (const record of this.toRecords()) {
      const at = w.length;
      w.u32(0);
      writeRecord(w, record);
      w.patchU32(at, w.length - at - 4);
    }
    return w.finish();
  }

  /** Replaces the whole image with a snapshot's (MetadataStateMachine). */
  restore(bytes: Uint8Array): void {
    this.#version++;
    this.#clear();
    const r = new ByteReader(bytes);
    const nextOffset = r.i64();
    const listener = this.#listener;
    this.#listener = () => {};
    while (r.failure === undefined && r.remaining > 0) {
      const size = r.u32();
      const start = r.position;
      r.raw(size);
      assert(r.failure === undefined, `metadata snapshot torn at ${start}`);
      const record = readRecord(bytes, start, start + size);
      assert(record.ok, `metadata snapshot record at ${start}: ${record.ok ? "" : record.error}`);
      if (record.value.type !== "opaque") this.#applyRecord(record.value);
    }
    assert(r.failure === undefined, `metadata snapshot: ${r.failure}`);
    this.#nextOffset = nextOffset;
    this.#listener = listener;
    listener({ type: "reset" });
  }

  #clear(): void {
    this.#topicsByName.clear();
    this.#topicsById.clear();
    this.#brokers.clear();
    this.#configs.clear();
    this.#nextProducerId = 0;
    this.#partitionCount = 0;
  }

  /** Cross-checks the indexes; the broker calls it from checkInvariants. */
  checkConsistency(): void {
    if (this.#checkedVersion === this.#version) return;
    assert(this.#topicsByName.size === this.#topicsById.size, "topic indexes differ in size");
    let partitions = 0;
    for (const topic of this.#topicsByName.values()) partitions += topic.partitions.length;
    assert(partitions === this.#partitionCount, "partition count drifted");
    for (const [name, topic] of this.#topicsByName) {
      assert(topic.name === name && this.#topicsById.get(topic.topicId) === topic, "topic index");
      topic.partitions.forEach((p, i) => {
        assert(p.partition === i && p.topicId === topic.topicId, `partition ${name}-${i} misfiled`);
        assert(p.leader === -1 || p.replicas.includes(p.leader as NodeId), "leader not a replica");
        assert(
          p.isr.every((r) => p.replicas.includes(r)),
          `ISR of ${name}-${i} not in replicas`,
        );
      });
    }
    this.#checkedVersion = this.#version;
  }
}

function pickRegistration(b: BrokerRegistration) {
  return {
    brokerId: b.brokerId,
    incarnationId: b.incarnationId,
    brokerEpoch: b.brokerEpoch,
    listeners: b.listeners,
  };
}

function configKey(resourceType: number, resourceName: string): string {
  return `${resourceType}:${resourceName}`;
}

function splitConfigKey(key: string): [number, string] {
  const colon = key.indexOf(":");
  return [Number(key.slice(0, colon)), key.slice(colon + 1)];
}

export function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
