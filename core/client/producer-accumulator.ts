// The producer's record accumulator: a queue of batches per partition, filled up to batch.size and
// held for linger.ms, then drained one batch per partition per request. A batch that comes back for
// a retry re-enters its queue in creation order, so a partition's queue is always sorted by id.

import { assert } from "../assert.ts";
import type { Millis, PartitionIndex, TopicName } from "../ids.ts";
import { topicPartitionKey } from "../ids.ts";
import { limits } from "../limits.ts";
import {
  type BatchRecord,
  estimateRecordBytes,
  newBatch,
  type ProducerBatch,
} from "./producer-batch.ts";

export interface PartitionQueue {
  readonly topic: TopicName;
  readonly partition: PartitionIndex;
  /** Batches not in flight, oldest first (ids ascending). */
  readonly batches: ProducerBatch[];
  /** Batches of this partition in flight (Kafka mutes a partition with max.in.flight = 1). */
  inFlight: number;
}

export interface AccumulatorConfig {
  readonly lingerMs: Millis;
  readonly batchSizeBytes: number;
}

export class RecordAccumulator {
  readonly #config: AccumulatorConfig;
  readonly #queues = new Map<string, PartitionQueue>();
  #nextBatchId = 0;

  constructor(config: AccumulatorConfig) {
    this.#config = config;
  }

  queue(topic: TopicName, partition: PartitionIndex): PartitionQueue {
    const key = topicPartitionKey(topic, partition);
    let queue = this.#queues.get(key);
    if (queue === undefined) {
      assert(this.#queues.size < limits.clientPartitionsMax, "producer tracks too many partitions");
      queue = { topic, partition, batches: [], inFlight: 0 };
      this.#queues.set(key, queue);
    }
    return queue;
  }

  queues(): IterableIterator<PartitionQueue> {
    return this.#queues.values();
  }

  /**
   * Appends to the partition's open batch, or starts a new one when the record does not fit
   * (a record bigger than batch.size gets a batch of its own). Returns the batch it joined.
   */
  append(
    now: Millis,
    topic: TopicName,
    partition: PartitionIndex,
    record: BatchRecord,
  ): ProducerBatch {
    const queue = this.queue(topic, partition);
    const bytes = estimateRecordBytes(record.key, record.value);
    let batch = queue.batches.at(-1);
    if (batch !== undefined && !batch.closed && batch.records.length > 0) {
      if (batch.sizeBytes + bytes > this.#config.batchSizeBytes) batch.closed = true;
    }
    if (batch === undefined || batch.closed) {
      batch = newBatch(this.#nextBatchId++, topic, partition, now);
      queue.batches.push(batch);
    }
    batch.records.push(record);
    batch.sizeBytes += bytes;
    if (batch.sizeBytes >= this.#config.batchSizeBytes) batch.closed = true;
    return batch;
  }

  /**
   * The partition's first batch if it may be sent now: full, followed by another, a retry whose
   * backoff has passed, or lingered long enough. The caller checks the leader and the connection.
   */
  sendable(now: Millis, queue: PartitionQueue): ProducerBatch | undefined {
    const first = queue.batches[0];
    if (first === undefined || now < first.retryAtMs) return undefined;
    return now >= this.readyAt(queue, first) ? first : undefined;
  }

  /** When the first batch of a queue becomes sendable (ignoring leader and connection). */
  readyAt(queue: PartitionQueue, first: ProducerBatch): Millis {
    if (first.attempts > 0) return first.retryAtMs;
    if (first.closed || queue.batches.length > 1) return first.createdMs;
    return first.createdMs + this.#config.lingerMs;
  }

  /** Removes the first batch of the queue (it goes into a request). */
  take(queue: PartitionQueue): ProducerBatch {
    const batch = queue.batches.shift();
    assert(batch !== undefined, `take from empty queue ${queue.topic}-${queue.partition}`);
    batch.closed = true;
    queue.inFlight++;
    return batch;
  }

  /** A batch's request finished (answered or lost). */
  landed(batch: ProducerBatch): void {
    const queue = this.queue(batch.topic, batch.partition);
    assert(queue.inFlight > 0, `batch ${batch.id} landed but none in flight`);
    queue.inFlight--;
  }

  /** Puts a batch back for a retry, before every younger batch of its partition. */
  reenqueue(batch: ProducerBatch): void {
    const queue = this.queue(batch.topic, batch.partition);
    const at = queue.batches.findIndex((other) => other.id > batch.id);
    queue.batches.splice(at === -1 ? queue.batches.length : at, 0, batch);
  }

  /** Removes and returns queued batches whose delivery deadline has passed, oldest first. */
  expire(now: Millis, deliveryTimeoutMs: Millis): ProducerBatch[] {
    const expired: ProducerBatch[] = [];
    for (const queue of this.#queues.values()) {
      const keep: ProducerBatch[] = [];
      for (const batch of queue.batches) {
        (now >= batch.createdMs + deliveryTimeoutMs ? expired : keep).push(batch);
      }
      if (keep.length !== queue.batches.length)
        queue.batches.splice(0, queue.batches.length, ...keep);
    }
    return expired;
  }

  /** The earliest delivery deadline of a queued batch. */
  nextExpiry(deliveryTimeoutMs: Millis): Millis | undefined {
    let earliest: Millis | undefined;
    for (const queue of this.#queues.values()) {
      for (const batch of queue.batches) {
        const at = batch.createdMs + deliveryTimeoutMs;
        if (earliest === undefined || at < earliest) earliest = at;
      }
    }
    return earliest;
  }

  queuedBatches(): number {
    let count = 0;
    for (const queue of this.#queues.values()) count += queue.batches.length;
    return count;
  }

  checkInvariants(): void {
    for (const queue of this.#queues.values()) {
      assert(queue.inFlight >= 0, "negative in-flight batch count");
      for (let i = 1; i < queue.batches.length; i++) {
        assert(queue.batches[i - 1]!.id < queue.batches[i]!.id, "partition queue out of order");
      }
      for (const batch of queue.batches) {
        assert(batch.records.length > 0, `queued batch ${batch.id} is empty`);
        if (batch !== queue.batches.at(-1)) assert(batch.closed, "only the last batch is open");
      }
    }
  }
}
