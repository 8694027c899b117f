// A deliberately naive partition log for the replication model tests: real record batches and
// the real LeaderEpochCache over an array, a durable offset that only a completed sync moves, and
// crash() keeping exactly the synced prefix. It implements the FollowerLog port (and so LeaderLog).

import { assert } from "../../../../core/assert.ts";
import { ErrorCode } from "../../../../core/error-codes.ts";
import type { Epoch, Offset } from "../../../../core/ids.ts";
import { LeaderEpochCache } from "../../../../core/log/leader-epoch-cache.ts";
import type { ValidatedRecords } from "../../../../core/log/log-validate.ts";
import { decodeRecords, encodeBatch, lastOffset } from "../../../../core/log/record-batch.ts";
import type { EpochEndOffset } from "../../../../core/replication/messages.ts";
import type {
  FollowerAppendInfo,
  FollowerLog,
  FollowerLogError,
} from "../../../../core/replication/replica-log.ts";
import { err, ok, type Result } from "../../../../core/result.ts";

export interface StoredBatch {
  readonly baseOffset: Offset;
  readonly lastOffset: Offset;
  readonly epoch: Epoch;
  readonly bytes: Uint8Array;
  /** One value per offset (the model's records carry unique strings). */
  readonly values: readonly string[];
}

/** How the log's asynchronous work completes: the world schedules it. */
export interface ModelLogScheduler {
  /** A sync was asked for; call log.completeSync(sync) when the disk says so. */
  sync(log: ModelLog, sync: PendingSync): void;
  /** A truncation was applied in memory; call done(logEndOffset) when it completes. */
  truncated(done: (logEndOffset: Offset) => void, logEndOffset: Offset): void;
}

export interface Truncation {
  readonly from: Offset;
  readonly to: Offset;
  readonly removed: readonly { offset: Offset; value: string }[];
}

/** A sync in flight: it makes durable what was appended before it, and nothing a truncation cut. */
export interface PendingSync {
  target: Offset;
}

const encoder = new TextEncoder();
const decoder = new TextDecoder();

export class ModelLog implements FollowerLog {
  #batches: StoredBatch[] = [];
  #logStartOffset: Offset = 0;
  #durableOffset: Offset = 0;
  #highWatermark: Offset = 0;
  #epochs = new LeaderEpochCache();
  #pendingSyncs: PendingSync[] = [];
  readonly #scheduler: ModelLogScheduler;
  /** Every truncation, for the checker. */
  readonly truncations: Truncation[] = [];

  constructor(scheduler: ModelLogScheduler) {
    this.#scheduler = scheduler;
  }

  get logStartOffset(): Offset {
    return this.#logStartOffset;
  }

  get logEndOffset(): Offset {
    const last = this.#batches.at(-1);
    return last === undefined ? this.#logStartOffset : last.lastOffset + 1;
  }

  get durableOffset(): Offset {
    return this.#durableOffset;
  }

  get highWatermark(): Offset {
    return this.#highWatermark;
  }

  get batches(): readonly StoredBatch[] {
    return this.#batches;
  }

  latestEpoch(): Epoch {
    return this.#epochs.latestEpoch();
  }

  endOffsetForEpoch(epoch: Epoch): EpochEndOffset {
    return this.#epochs.endOffsetFor(epoch, this.logEndOffset);
  }

  setHighWatermark(offset: Offset): void {
    assert(
      offset >= this.#logStartOffset && offset <= this.logEndOffset,
      `HW ${offset} outside log`,
    );
    this.#highWatermark = offset;
  }

  valueAt(offset: Offset): string | undefined {
    let low = 0;
    let high = this.#batches.length - 1;
    while (low <= high) {
      const mid = (low + high) >>> 1;
      const batch = this.#batches[mid]!;
      if (offset < batch.baseOffset) high = mid - 1;
      else if (offset > batch.lastOffset) low = mid + 1;
      else return batch.values[offset - batch.baseOffset];
    }
    return undefined;
  }

  /** The leader stamps offsets and its epoch (what PartitionLog.appendAsLeader does). */
  appendAsLeader(
    values: readonly string[],
    leaderEpoch: Epoch,
  ): { baseOffset: Offset; lastOffset: Offset } {
    assert(values.length > 0, "empty append");
    const baseOffset = this.logEndOffset;
    const bytes = encodeBatch({
      baseOffset,
      partitionLeaderEpoch: leaderEpoch,
      baseTimestamp: 0,
      records: values.map((value) => ({ key: null, value: encoder.encode(value) })),
    });
    this.#epochs.assign(leaderEpoch, baseOffset);
    const batch = {
      baseOffset,
      lastOffset: baseOffset + values.length - 1,
      epoch: leaderEpoch,
      bytes,
      values,
    };
    this.#batches.push(batch);
    return { baseOffset, lastOffset: batch.lastOffset };
  }

  appendAsFollower(
    _now: number,
    records: ValidatedRecords,
  ): Result<FollowerAppendInfo, FollowerLogError> {
    let next = this.logEndOffset;
    for (const { header, position } of records.batches) {
      if (header.baseOffset < next)
        return err({ error: ErrorCode.OFFSET_OUT_OF_RANGE, message: "overlap" });
      const decoded = decodeRecords(records.bytes, position);
      assert(decoded.ok, "validated batch failed to decode");
      const size = header.batchLength + 12;
      this.#batches.push({
        baseOffset: header.baseOffset,
        lastOffset: lastOffset(header),
        epoch: header.partitionLeaderEpoch,
        bytes: records.bytes.slice(position, position + size),
        values: decoded.value.map((r) => (r.value === null ? "" : decoder.decode(r.value))),
      });
      this.#epochs.assign(header.partitionLeaderEpoch, header.baseOffset);
      next = lastOffset(header) + 1;
    }
    return ok({ lastOffset: next - 1 });
  }

  /** Whole batches from the one holding `offset`, none ending at or past `upperBound`. */
  read(offset: Offset, maxBytes: number, upperBound: Offset): Uint8Array {
    const parts: Uint8Array[] = [];
    let size = 0;
    for (const batch of this.#batches) {
      if (batch.lastOffset < offset) continue;
      if (batch.lastOffset >= upperBound) break;
      if (parts.length > 0 && size + batch.bytes.length > maxBytes) break;
      parts.push(batch.bytes);
      size += batch.bytes.length;
    }
    const out = new Uint8Array(size);
    let at = 0;
    for (const part of parts) {
      out.set(part, at);
      at += part.length;
    }
    return out;
  }

  truncateTo(offset: Offset, done: (logEndOffset: Offset) => void): void {
    if (offset < this.#logStartOffset) {
      this.truncateFullyAndStartAt(offset);
      this.#scheduler.truncated(done, offset);
      return;
    }
    const from = this.logEndOffset;
    const kept = this.#batches.filter((b) => b.lastOffset < offset);
    const removed = this.#batches
      .filter((b) => b.lastOffset >= offset)
      .flatMap((b) => b.values.map((value, i) => ({ offset: b.baseOffset + i, value })));
    this.#batches = kept;
    this.#settle();
    this.truncations.push({ from, to: this.logEndOffset, removed });
    this.#scheduler.truncated(done, this.logEndOffset);
  }

  truncateFullyAndStartAt(offset: Offset): void {
    const from = this.logEndOffset;
    const removed = this.#batches.flatMap((b) =>
      b.values.map((value, i) => ({ offset: b.baseOffset + i, value })),
    );
    this.#batches = [];
    this.#logStartOffset = offset;
    this.#epochs.clear();
    this.#durableOffset = offset;
    this.#highWatermark = offset;
    for (const sync of this.#pendingSyncs) sync.target = offset;
    this.truncations.push({ from, to: offset, removed });
  }

  #settle(): void {
    const end = this.logEndOffset;
    this.#epochs.truncateFromEnd(end);
    this.#durableOffset = Math.min(this.#durableOffset, end);
    this.#highWatermark = Math.min(this.#highWatermark, end);
    for (const sync of this.#pendingSyncs) sync.target = Math.min(sync.target, end);
  }

  sync(): void {
    const sync = { target: this.logEndOffset };
    this.#pendingSyncs.push(sync);
    this.#scheduler.sync(this, sync);
  }

  /** A sync completed: what was appended before it (and not cut since) is durable. */
  completeSync(sync: PendingSync): void {
    const index = this.#pendingSyncs.indexOf(sync);
    assert(index >= 0, "completion of an unknown sync");
    this.#pendingSyncs.splice(index, 1);
    this.#durableOffset = Math.max(this.#durableOffset, Math.min(sync.target, this.logEndOffset));
  }

  /** A clean shutdown: everything appended is synced first. */
  flushAll(): void {
    this.#pendingSyncs = [];
    this.#durableOffset = this.logEndOffset;
  }

  /** What a crash leaves: the synced prefix (whole batches), the HW no higher than it. */
  crashed(scheduler: ModelLogScheduler): ModelLog {
    const log = new ModelLog(scheduler);
    log.#logStartOffset = this.#logStartOffset;
    log.#batches = this.#batches.filter((b) => b.lastOffset < this.#durableOffset);
    for (const batch of log.#batches) log.#epochs.assign(batch.epoch, batch.baseOffset);
    log.#durableOffset = log.logEndOffset;
    log.#highWatermark = Math.min(this.#highWatermark, log.logEndOffset);
    return log;
  }

  checkInvariants(): void {
    assert(this.#highWatermark <= this.logEndOffset, "model log: HW above LEO");
    assert(this.#durableOffset <= this.logEndOffset, "model log: durable above LEO");
    this.#epochs.checkInvariants();
    for (let i = 1; i < this.#batches.length; i++) {
      assert(this.#batches[i]!.baseOffset > this.#batches[i - 1]!.lastOffset, "model log: overlap");
    }
  }
}
