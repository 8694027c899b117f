// The idempotent producer state of one hosted partition log (KIP-98): a ProducerStateManager fed by
// every batch the log gains — leader appends, replicated appends, and the log itself on recovery and
// after a truncation — so a follower that becomes leader dedupes retries of batches it replicated.
// Keeps: the state reflects exactly the log's batches below its end offset, applied in offset order.

import { assert, assertNever } from "../assert.ts";
import { ErrorCode } from "../error-codes.ts";
import type { Millis, Offset } from "../ids.ts";
import type { LogReadRequest, LogReadResult } from "../log/log-read.ts";
import {
  batchSizeBytes,
  type RecordBatchHeader,
  readBatchHeader,
  type ScannedBatch,
} from "../log/record-batch.ts";
import type { Outbox } from "../outbox.ts";
import { lastSequenceOf, producerBatchOf } from "../producers/producer-batch.ts";
import {
  type ProducerStateConfig,
  ProducerStateManager,
} from "../producers/producer-state-manager.ts";
import { err, ok, type Result } from "../result.ts";
import type { LogError } from "./hosted-log.ts";

/** Bytes one read of a replay asks for (the first batch comes whole whatever its size). */
const REPLAY_READ_BYTES = 1_048_576;

export type LogReader = (request: LogReadRequest, done: (result: LogReadResult) => void) => void;

/** What the leader does with a client's batch: append it, or answer with the original offsets. */
export type LeaderAppendCheck =
  | { readonly type: "append" }
  | { readonly type: "duplicate"; readonly firstOffset: Offset; readonly lastOffset: Offset };

export class PartitionProducerState {
  readonly #config: ProducerStateConfig;
  readonly #outbox: Outbox;
  readonly #topic: string;
  readonly #partition: number;
  #manager: ProducerStateManager;
  /**
   * The broker's wall clock as last seen (appends, maintenance, recovery): what producer.id.
   * expiration.ms is measured on. Followers append on the monotonic clock, so it is not used there.
   */
  #wallNow: Millis = 0;

  constructor(config: ProducerStateConfig, outbox: Outbox, topic: string, partition: number) {
    this.#config = config;
    this.#outbox = outbox;
    this.#topic = topic;
    this.#partition = partition;
    this.#manager = new ProducerStateManager(config);
  }

  get manager(): ProducerStateManager {
    return this.#manager;
  }

  /** Whether `header` is the last batch the log holds of a producer the state still tracks. */
  isLastBatchOfProducer(header: RecordBatchHeader): boolean {
    if (header.producerId < 0) return false;
    const last = this.#manager.lastEntry(header.producerId)?.batches.at(-1);
    return last !== undefined && last.lastOffset === header.baseOffset + header.lastOffsetDelta;
  }

  /**
   * Kafka's analyzeAndValidateProducerState for a Produce: a retry of one of the last five batches is
   * a duplicate (not appended, answered with its original offsets), then the epoch and sequence rules.
   */
  checkLeaderAppend(batches: readonly ScannedBatch[]): Result<LeaderAppendCheck, LogError> {
    const idempotent = batches.filter((b) => b.header.producerId >= 0);
    if (idempotent.length === 0) return ok({ type: "append" });
    // Produce validation lets exactly one batch through per partition.
    assert(batches.length === 1, `${batches.length} producer batches in one append`);
    const header = (idempotent[0] as ScannedBatch).header;
    const batch = producerBatchOf(header);
    const check = this.#manager.check(batch);
    switch (check.type) {
      case "no-producer":
        return ok({ type: "append" });
      case "append":
        if (check.unknownProducer && header.baseSequence !== 0) {
          // KIP-360: the producer's state may have gone (expiry, retention, DeleteRecords).
          this.#outbox.mark("producer-unknown-id-accepted-mid-sequence");
        }
        return ok({ type: "append" });
      case "duplicate":
        this.#outbox.mark("producer-batch-deduplicated");
        this.#outbox.trace({
          type: "producer-batch-deduplicated",
          topic: this.#topic,
          partition: this.#partition,
          producerId: header.producerId,
          producerEpoch: header.producerEpoch,
          baseSequence: header.baseSequence,
          lastSequence: lastSequenceOf(batch),
          firstOffset: check.firstOffset,
          lastOffset: check.lastOffset,
        });
        return ok({
          type: "duplicate",
          firstOffset: check.firstOffset,
          lastOffset: check.lastOffset,
        });
      case "error":
        this.#outbox.mark(
          check.errorCode === ErrorCode.OUT_OF_ORDER_SEQUENCE_NUMBER
            ? "producer-out-of-order-sequence"
            : check.errorCode === ErrorCode.INVALID_PRODUCER_EPOCH
              ? "producer-invalid-epoch"
              : "producer-batch-invalid",
        );
        return err({ error: check.errorCode, message: check.message });
      default:
        return assertNever(check, "producer check");
    }
  }

  /** The leader appended `batches` from `firstOffset` on (their headers carry no offsets yet). */
  appendedAsLeader(now: Millis, batches: readonly ScannedBatch[], firstOffset: Offset): void {
    this.#wallNow = now;
    let offset = firstOffset;
    for (const { header } of batches) {
      this.#manager.append({ ...producerBatchOf(header), baseOffset: offset }, now);
      offset += header.lastOffsetDelta + 1;
    }
  }

  /** A follower appended the leader's batches (offsets stamped): the same state as the leader's. */
  appendedAsFollower(batches: readonly ScannedBatch[]): void {
    for (const { header } of batches) this.#manager.append(producerBatchOf(header), this.#wallNow);
  }

  /**
   * Recovery: every batch from the log start offset to the log end offset. From the log start, not
   * the recovery point: the recovery point only says which bytes were synced, while a producer's last
   * five batches may lie anywhere below it, and no producer snapshot is written to disk (Kafka reads
   * from its latest .snapshot file instead). Idle producers count their idleness from this restart.
   */
  rebuild(now: Millis, read: LogReader, logStart: Offset, logEnd: Offset, done: () => void): void {
    this.#wallNow = now;
    this.#manager = new ProducerStateManager(this.#config, logStart);
    this.#replay(read, logStart, logEnd, () => {
      if (this.#manager.producerCount > 0) this.#outbox.mark("producer-state-rebuilt-from-log");
      done();
    });
  }

  /**
   * The log was truncated to `logEnd`: back to the latest in-memory snapshot at or below it (or
   * empty at the log start), then the batches from there to `logEnd` are read again.
   */
  truncated(read: LogReader, logStart: Offset, logEnd: Offset, done: () => void): void {
    if (logEnd >= this.#manager.endOffset) {
      done();
      return;
    }
    const from = this.#manager.truncateAndReload(logEnd, logStart);
    this.#outbox.mark(
      from === logEnd ? "producer-state-truncated-to-snapshot" : "producer-state-truncated-replay",
    );
    this.#replay(read, from, logEnd, done);
  }

  /** The log holds nothing any more and starts at `offset` (a follower far behind the leader). */
  startAt(offset: Offset): void {
    if (this.#manager.producerCount > 0) this.#outbox.mark("producer-state-cleared");
    this.#manager = new ProducerStateManager(this.#config, offset);
  }

  /** Periodic: expiry on the broker's clock, a snapshot for truncations, a moved log start. */
  maintain(now: Millis, logStart: Offset): void {
    this.#wallNow = now;
    const expired = this.#manager.removeExpiredProducers(now);
    if (expired.length > 0) this.#outbox.mark("producer-state-expired");
    this.#manager.onLogStartOffsetIncremented(logStart);
    const last = this.#manager.snapshotOffsets.at(-1);
    if (last === undefined || last < this.#manager.endOffset) this.#manager.takeSnapshot();
  }

  /** Reads batches in [from, end) and applies them; `done` once there (or when the log fails). */
  #replay(read: LogReader, from: Offset, end: Offset, done: () => void): void {
    let offset = from;
    /** Applies one read; false when the replay is over (done already called). */
    const apply = (result: LogReadResult): boolean => {
      if (result.type === "error") {
        this.#outbox.mark("producer-state-replay-read-failed");
        done();
        return false;
      }
      let at = 0;
      while (at < result.bytes.length) {
        const header = readBatchHeader(result.bytes, at);
        assert(header.ok, "the log served a batch it cannot parse");
        this.#applyLogBatch(header.value, end);
        at += batchSizeBytes(header.value);
      }
      if (result.lastOffset < offset) {
        // Nothing more below `end` (a compacted tail): the state covers what there is.
        this.#outbox.mark("producer-state-replay-ended-early");
        done();
        return false;
      }
      offset = result.lastOffset + 1;
      return true;
    };
    // Reads may answer synchronously (the tail cache): a loop, not a recursion, in that case.
    const pump = (): void => {
      for (;;) {
        if (offset >= end) {
          done();
          return;
        }
        let inCall = true;
        let syncResult: LogReadResult | undefined;
        read({ offset, maxBytes: REPLAY_READ_BYTES, upperBound: end }, (result) => {
          if (inCall) syncResult = result;
          else if (apply(result)) pump();
        });
        inCall = false;
        if (syncResult === undefined || !apply(syncResult)) return;
      }
    };
    pump();
  }

  #applyLogBatch(header: RecordBatchHeader, end: Offset): void {
    const lastOffset = header.baseOffset + header.lastOffsetDelta;
    // A read starts at the batch holding the offset: skip what the state already reflects.
    if (header.baseOffset < this.#manager.endOffset || lastOffset >= end) return;
    this.#manager.append(producerBatchOf(header), this.#wallNow);
  }

  checkInvariants(): void {
    this.#manager.checkInvariants();
  }
}
