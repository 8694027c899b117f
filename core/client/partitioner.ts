// The Java client's default partitioner: keyed records go to toPositive(murmur2(key)) % partitions;
// keyless records stick to one partition per topic until a batch for it is closed (KIP-480), then
// move to another partition drawn from the injected Rng. Same key, same partition, every client.

import { assert } from "../assert.ts";
import type { PartitionIndex, TopicName } from "../ids.ts";
import { limits } from "../limits.ts";
import type { Rng } from "../rng.ts";
import { murmur2 } from "./murmur2.ts";

/** Kafka's `Utils.toPositive`: clears the sign bit (not Math.abs: MIN_VALUE maps to 0). */
export function toPositive(value: number): number {
  return value & 0x7fffffff;
}

/** The partition of a keyed record, byte-compatible with the Java client's default partitioner. */
export function partitionForKey(key: Uint8Array, numPartitions: number): PartitionIndex {
  assert(Number.isSafeInteger(numPartitions) && numPartitions > 0, "numPartitions must be > 0");
  return toPositive(murmur2(key)) % numPartitions;
}

/** What the partitioner knows of a topic from metadata. */
export interface PartitionerTopic {
  readonly topic: TopicName;
  readonly numPartitions: number;
  /** Partitions that currently have a leader, ascending (Cluster.availablePartitionsForTopic). */
  readonly availablePartitions: readonly PartitionIndex[];
}

/** The name of the Rng draw behind every keyless partition choice. */
export const STICKY_PARTITION_DRAW = "sticky-partition";

/**
 * KIP-480's sticky partitioner (Kafka 2.4–3.2 DefaultPartitioner + StickyPartitionCache) as a pure
 * object: one sticky partition per topic for keyless records, changed only by onNewBatch.
 */
export class StickyPartitioner {
  readonly #rng: Rng;
  readonly #sticky = new Map<TopicName, PartitionIndex>();

  constructor(rng: Rng) {
    this.#rng = rng;
  }

  /** The partition of one record: by key hash when keyed, else the topic's sticky partition. */
  partition(topic: PartitionerTopic, key: Uint8Array | null): PartitionIndex {
    if (key !== null) return partitionForKey(key, topic.numPartitions);
    const current = this.#sticky.get(topic.topic);
    if (current !== undefined && current < topic.numPartitions) return current;
    return this.#choose(topic, undefined);
  }

  /**
   * A batch for `previousPartition` was closed (full, or sent after linger) and a new one is about
   * to start: if that partition is the topic's sticky one, stick to another (StickyPartitionCache
   * .nextPartition). A stale report about a partition we already left changes nothing.
   */
  onNewBatch(topic: PartitionerTopic, previousPartition: PartitionIndex): PartitionIndex {
    const current = this.#sticky.get(topic.topic);
    if (current !== undefined && current !== previousPartition && current < topic.numPartitions) {
      return current;
    }
    return this.#choose(topic, current);
  }

  /** The current sticky partition of a topic, if one was chosen. */
  stickyPartition(topic: TopicName): PartitionIndex | undefined {
    return this.#sticky.get(topic);
  }

  #choose(topic: PartitionerTopic, old: PartitionIndex | undefined): PartitionIndex {
    checkTopic(topic);
    const available = topic.availablePartitions;
    let chosen: PartitionIndex;
    if (available.length === 0) {
      // No partition has a leader: any partition, as Java does (the batch waits for a leader).
      chosen = this.#rng.int(STICKY_PARTITION_DRAW, topic.numPartitions);
    } else if (available.length === 1) {
      chosen = available[0]!;
    } else if (old !== undefined && available.includes(old)) {
      // Java redraws until the choice differs from the old partition: uniform over the others.
      const draw = this.#rng.int(STICKY_PARTITION_DRAW, available.length - 1);
      const oldIndex = available.indexOf(old);
      chosen = available[draw < oldIndex ? draw : draw + 1]!;
    } else {
      chosen = available[this.#rng.int(STICKY_PARTITION_DRAW, available.length)]!;
    }
    if (!this.#sticky.has(topic.topic)) {
      assert(this.#sticky.size < limits.topicsMax, "sticky partitioner tracks too many topics");
    }
    this.#sticky.set(topic.topic, chosen);
    assert(chosen >= 0 && chosen < topic.numPartitions, `sticky partition ${chosen} out of range`);
    return chosen;
  }
}

function checkTopic(topic: PartitionerTopic): void {
  assert(Number.isSafeInteger(topic.numPartitions) && topic.numPartitions > 0, "no partitions");
  for (const partition of topic.availablePartitions) {
    assert(
      partition >= 0 && partition < topic.numPartitions,
      `available ${partition} out of range`,
    );
  }
}
