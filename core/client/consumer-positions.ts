// The consumer's assignment and positions (Kafka's SubscriptionState): per assigned partition the
// position (the next offset a poll returns), a pending offset reset, fetched-but-unreturned
// records, and an epoch bumped whenever the position jumps (assign, seek, reset): within one
// epoch the position only moves forward. Whoever assigns (the app now, a group member later)
// calls assign(); nothing else changes the partition set.

import { assert } from "../assert.ts";
import type { Millis, Offset, PartitionIndex, TopicName } from "../ids.ts";
import { topicPartitionKey } from "../ids.ts";
import { limits } from "../limits.ts";

/** A record fetched and decoded, waiting for a poll. */
export interface FetchedRecord {
  readonly offset: Offset;
  readonly value: number;
}

export type ResetTarget = "earliest" | "latest";

export interface PartitionState {
  readonly topic: TopicName;
  readonly partition: PartitionIndex;
  /** The workload key of this partition. */
  readonly key: number;
  /** Next offset a poll returns; undefined until a reset finds one. */
  position: Offset | undefined;
  /** Bumped at every jump of the position; fetch and reset answers from older epochs are stale. */
  epoch: number;
  /** A reset waiting for ListOffsets, or undefined. */
  reset: ResetTarget | undefined;
  /** The position is out of range (or absent) and auto.offset.reset is none: polls fail. */
  outOfRange: boolean;
  /** Fetched records past the position, oldest first; polls take from the front. */
  readonly fetched: FetchedRecord[];
  /** Where the fetched data ends: the position once every fetched record is returned. */
  fetchedEnd: Offset | undefined;
  /** A Fetch or ListOffsets naming this partition is in flight. */
  fetchInFlight: boolean;
  resetInFlight: boolean;
  /** No Fetch or ListOffsets for this partition before this time (after an error). */
  backoffUntilMs: Millis;
  /** The high watermark and log start offset of the last successful fetch, -1 before one. */
  highWatermark: Offset;
  logStartOffset: Offset;
  /** Final polls: the high watermark to reach, from a fetch sent after final polls began. */
  finalTarget: Offset | undefined;
}

export class ConsumerPositions {
  readonly #partitions = new Map<string, PartitionState>();
  #bufferedRecords = 0;
  #nextEpoch = 1;

  get(topic: TopicName, partition: PartitionIndex): PartitionState | undefined {
    return this.#partitions.get(topicPartitionKey(topic, partition));
  }

  all(): IterableIterator<PartitionState> {
    return this.#partitions.values();
  }

  get size(): number {
    return this.#partitions.size;
  }

  get bufferedRecords(): number {
    return this.#bufferedRecords;
  }

  /**
   * Replaces the assignment. Partitions that stay keep their position and fetched records (as
   * KafkaConsumer.assign does); new ones, and every one when `resetAll`, reset to `reset`.
   */
  assign(
    partitions: readonly { topic: TopicName; partition: PartitionIndex; key: number }[],
    reset: ResetTarget | undefined,
    resetAll: boolean,
  ): void {
    assert(partitions.length <= limits.clientPartitionsMax, "assignment too large");
    const next = new Map<string, PartitionState>();
    for (const { topic, partition, key } of partitions) {
      const id = topicPartitionKey(topic, partition);
      const kept = this.#partitions.get(id);
      const state = kept ?? this.#fresh(topic, partition, key);
      next.set(id, state);
      if (kept === undefined || resetAll) this.requestReset(state, reset);
    }
    for (const [id, state] of this.#partitions) {
      if (!next.has(id)) this.#bufferedRecords -= state.fetched.length;
    }
    this.#partitions.clear();
    for (const [id, state] of next) this.#partitions.set(id, state);
  }

  #fresh(topic: TopicName, partition: PartitionIndex, key: number): PartitionState {
    return {
      topic,
      partition,
      key,
      position: undefined,
      epoch: 0,
      reset: undefined,
      outOfRange: false,
      fetched: [],
      fetchedEnd: undefined,
      fetchInFlight: false,
      resetInFlight: false,
      backoffUntilMs: 0,
      highWatermark: -1,
      logStartOffset: -1,
      finalTarget: undefined,
    };
  }

  /** Forgets the position; a reset to `target` (or out-of-range when there is none) follows. */
  requestReset(state: PartitionState, target: ResetTarget | undefined): void {
    this.#jump(state, undefined);
    state.reset = target;
    state.outOfRange = target === undefined;
  }

  /** Forgets the position with nothing pending: a group member awaits its committed offset. */
  clearPosition(state: PartitionState): void {
    this.#jump(state, undefined);
  }

  seek(state: PartitionState, offset: Offset): void {
    assert(Number.isSafeInteger(offset) && offset >= 0, `seek to ${offset}`);
    this.#jump(state, offset);
  }

  /** A ListOffsets answer for the reset of `epoch`. */
  resetTo(state: PartitionState, offset: Offset): void {
    assert(state.reset !== undefined, "reset answer without a pending reset");
    this.#jump(state, offset);
  }

  #jump(state: PartitionState, position: Offset | undefined): void {
    this.#bufferedRecords -= state.fetched.length;
    state.fetched.length = 0;
    state.fetchedEnd = undefined;
    state.position = position;
    state.reset = undefined;
    state.outOfRange = false;
    state.epoch = this.#nextEpoch++;
  }

  /** Adds decoded records from a fetch at the current position; `end` is where the data ends. */
  addFetched(state: PartitionState, records: readonly FetchedRecord[], end: Offset): void {
    assert(
      state.position !== undefined && state.fetched.length === 0,
      "fetch into a busy partition",
    );
    assert(end >= state.position, `fetched end ${end} before position ${state.position}`);
    let previous = state.position - 1;
    for (const r of records) {
      assert(r.offset > previous && r.offset < end, `fetched offset ${r.offset} out of order`);
      previous = r.offset;
    }
    assert(
      this.#bufferedRecords + records.length <= limits.consumerBufferedRecordsMax,
      "buffer full",
    );
    state.fetched.push(...records);
    this.#bufferedRecords += records.length;
    if (records.length === 0) state.position = end;
    else state.fetchedEnd = end;
  }

  /** Returns up to `max` fetched records of the partition and moves the position past them. */
  take(state: PartitionState, max: number): FetchedRecord[] {
    const taken = state.fetched.splice(0, max);
    this.#bufferedRecords -= taken.length;
    const last = taken.at(-1);
    if (last !== undefined) state.position = last.offset + 1;
    if (state.fetched.length === 0 && state.fetchedEnd !== undefined) {
      state.position = Math.max(state.position ?? 0, state.fetchedEnd);
      state.fetchedEnd = undefined;
    }
    return taken;
  }

  checkInvariants(): void {
    let buffered = 0;
    for (const state of this.#partitions.values()) {
      buffered += state.fetched.length;
      if (state.fetched.length > 0) {
        assert(state.position !== undefined, "fetched records without a position");
        assert(state.fetched[0]!.offset >= state.position, "fetched record behind the position");
        assert(state.fetchedEnd !== undefined, "fetched records without their end");
      }
      if (state.reset !== undefined || state.outOfRange) {
        assert(state.position === undefined, "a pending reset with a position");
      }
    }
    assert(buffered === this.#bufferedRecords, "buffered record count drifted");
    assert(buffered <= limits.consumerBufferedRecordsMax, "consumer buffer over its limit");
  }
}
