// Where each record goes: Kafka's default partitioner on the record key (KafkaProducer.partition),
// which needs the topic's partition count from metadata first, so records wait here until it is
// known (Kafka's waitOnMetadata), in send order. "explicit" routing sets the partition directly,
// as Jepsen's client does; both land on the key map's partition, which is asserted.

import { assert } from "../assert.ts";
import type { Millis, PartitionIndex, TopicName } from "../ids.ts";
import { limits } from "../limits.ts";
import type { MetadataCache } from "./metadata-cache.ts";
import { partitionForKey } from "./partitioner.ts";
import type { RecordAccumulator } from "./producer-accumulator.ts";
import type { BatchRecord } from "./producer-batch.ts";
import type { KeyMap } from "./workload-keys.ts";

/** "key-hash": Kafka's murmur2 partitioner picks the partition; "explicit": the key map does. */
export type Partitioning = "key-hash" | "explicit";

interface AwaitingRecord {
  readonly topic: TopicName;
  readonly partition: PartitionIndex;
  readonly record: BatchRecord;
}

export class ProducerRouter {
  readonly #partitioning: Partitioning;
  readonly #keyMap: KeyMap;
  readonly #metadata: MetadataCache;
  readonly #accumulator: RecordAccumulator;
  #awaiting: AwaitingRecord[] = [];

  constructor(
    partitioning: Partitioning,
    keyMap: KeyMap,
    metadata: MetadataCache,
    accumulator: RecordAccumulator,
  ) {
    this.#partitioning = partitioning;
    this.#keyMap = keyMap;
    this.#metadata = metadata;
    this.#accumulator = accumulator;
  }

  /** Records waiting for their topic's metadata. */
  get awaiting(): readonly AwaitingRecord[] {
    return this.#awaiting;
  }

  route(now: Millis, key: number, record: BatchRecord): void {
    const { topic, partition } = this.#keyMap.topicPartitionOf(key);
    this.#metadata.addTopic(topic);
    if (this.#partitioning === "explicit") {
      this.#accumulator.append(now, topic, partition, record);
      return;
    }
    assert(
      this.#awaiting.length < limits.producerRecordsQueuedMax,
      "too many records await metadata",
    );
    this.#awaiting.push({ topic, partition, record });
  }

  /** Appends every waiting record whose topic's partition count is now known, in send order. */
  place(now: Millis): void {
    if (this.#awaiting.length === 0) return;
    const still: AwaitingRecord[] = [];
    for (const waiting of this.#awaiting) {
      const count = this.#metadata.partitionCount(waiting.topic);
      if (count === undefined) {
        still.push(waiting);
        continue;
      }
      assert(
        count === this.#keyMap.config.partitionsPerTopic,
        `${waiting.topic} has ${count} partitions, the key map expects ${this.#keyMap.config.partitionsPerTopic}`,
      );
      const key = waiting.record.key;
      assert(key !== null, "a routed record has a key");
      const partition = partitionForKey(key, count);
      assert(
        partition === waiting.partition,
        `record key hashed to ${partition}, not ${waiting.partition}`,
      );
      this.#accumulator.append(now, waiting.topic, partition, waiting.record);
    }
    this.#awaiting = still;
  }

  /** Removes and returns waiting records whose delivery deadline passed (never sent: failed). */
  expire(now: Millis, deliveryTimeoutMs: Millis): BatchRecord[] {
    const expired: BatchRecord[] = [];
    const still: AwaitingRecord[] = [];
    for (const waiting of this.#awaiting) {
      if (now >= waiting.record.timestampMs + deliveryTimeoutMs) expired.push(waiting.record);
      else still.push(waiting);
    }
    this.#awaiting = still;
    return expired;
  }

  nextExpiry(deliveryTimeoutMs: Millis): Millis | undefined {
    const first = this.#awaiting[0];
    return first === undefined ? undefined : first.record.timestampMs + deliveryTimeoutMs;
  }
}
