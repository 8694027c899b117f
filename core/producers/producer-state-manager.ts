// The idempotent producer state of one partition (Kafka's ProducerStateManager): per producer id
// its epoch and last five batches, built by every batch appended to the log in offset order —
// client appends on the leader, replicated appends on followers, and the log itself on recovery.
// Keeps: batches applied in offset order; at most five batches per producer, all of its epoch.

import { assert } from "../assert.ts";
import type { Millis } from "../ids.ts";
import { limits } from "../limits.ts";
import { type AppendedBatch, batchMetadataOf, type ProducerBatch } from "./producer-batch.ts";
import {
  BATCHES_TO_RETAIN,
  checkClientBatch,
  type ProducerCheck,
  type ProducerStateEntry,
} from "./producer-validation.ts";

export interface ProducerStateConfig {
  /** producer.id.expiration.ms: an idle producer's state is dropped after it (Kafka: 1 day). */
  readonly producerIdExpirationMs: Millis;
}

export const defaultProducerStateConfig: ProducerStateConfig = {
  producerIdExpirationMs: 86_400_000,
};

/** The whole state at one log offset: what a truncation goes back to. */
export interface ProducerStateSnapshot {
  /** Every batch below this offset is reflected, none at or above it. */
  readonly endOffset: number;
  readonly entries: readonly ProducerStateEntry[];
}

export class ProducerStateManager {
  readonly #config: ProducerStateConfig;
  readonly #producers = new Map<number, ProducerStateEntry>();
  /** Snapshots by end offset, oldest first, at most limits.producerSnapshotsPerPartitionMax. */
  #snapshots: ProducerStateSnapshot[] = [];
  #endOffset: number;
  #evictions = 0;

  constructor(config: ProducerStateConfig = defaultProducerStateConfig, startOffset = 0) {
    assert(config.producerIdExpirationMs > 0, "producer.id.expiration.ms must be > 0");
    assert(Number.isSafeInteger(startOffset) && startOffset >= 0, `start offset ${startOffset}`);
    this.#config = config;
    this.#endOffset = startOffset;
  }

  /** A manager rebuilt from the log: `batches` in offset order (recovery, a new replica). */
  static rebuild(
    batches: Iterable<AppendedBatch>,
    config: ProducerStateConfig = defaultProducerStateConfig,
    startOffset = 0,
  ): ProducerStateManager {
    const manager = new ProducerStateManager(config, startOffset);
    for (const batch of batches) manager.append(batch);
    return manager;
  }

  /** The offset after the last batch applied. */
  get endOffset(): number {
    return this.#endOffset;
  }

  get producerCount(): number {
    return this.#producers.size;
  }

  /** Producers dropped to stay within limits.producersPerPartitionMax. */
  get evictions(): number {
    return this.#evictions;
  }

  lastEntry(producerId: number): ProducerStateEntry | undefined {
    return this.#producers.get(producerId);
  }

  /** Validates a client's batch before the leader appends it; changes nothing. */
  check(batch: ProducerBatch): ProducerCheck {
    return checkClientBatch(this.#producers.get(batch.producerId), batch);
  }

  /**
   * Applies an appended batch (after `check` on a leader; unvalidated from replication or the
   * log, as Kafka's REPLICATION origin: the leader already validated it). Offset order only.
   * `appendTimeMs` starts the producer's idle time; Kafka takes the batch's max timestamp (the
   * default), a broker may pass its own clock so that producers' clocks cannot expire their state.
   */
  append(batch: AppendedBatch, appendTimeMs: Millis = batch.maxTimestamp): void {
    assert(
      batch.baseOffset >= this.#endOffset,
      `batch at ${batch.baseOffset} below ${this.#endOffset}`,
    );
    assert(batch.lastOffsetDelta >= 0, `lastOffsetDelta ${batch.lastOffsetDelta}`);
    this.#endOffset = batch.baseOffset + batch.lastOffsetDelta + 1;
    if (batch.producerId < 0) return;
    const current = this.#producers.get(batch.producerId);
    if (current === undefined) this.#makeRoom();
    const sameEpoch = current !== undefined && current.producerEpoch === batch.producerEpoch;
    const kept = sameEpoch ? current.batches : [];
    // A control batch (transaction marker) moves the epoch but carries no sequence.
    const batches = batch.isControl
      ? kept
      : [...kept, batchMetadataOf(batch)].slice(-BATCHES_TO_RETAIN);
    this.#producers.set(batch.producerId, {
      producerId: batch.producerId,
      producerEpoch: batch.producerEpoch,
      batches,
      lastTimestamp: appendTimeMs,
    });
  }

  /** Drops producers idle for producer.id.expiration.ms (by their last batch's timestamp). */
  removeExpiredProducers(now: Millis): number[] {
    const expired: number[] = [];
    for (const [producerId, entry] of this.#producers) {
      if (now - entry.lastTimestamp >= this.#config.producerIdExpirationMs)
        expired.push(producerId);
    }
    for (const producerId of expired) this.#producers.delete(producerId);
    return expired;
  }

  snapshot(): ProducerStateSnapshot {
    const entries = [...this.#producers.values()].sort((a, b) => a.producerId - b.producerId);
    return { endOffset: this.#endOffset, entries };
  }

  /** Keeps a snapshot at the current end offset (Kafka takes one at each segment roll). */
  takeSnapshot(): ProducerStateSnapshot {
    const snapshot = this.snapshot();
    this.#snapshots = this.#snapshots.filter((s) => s.endOffset < snapshot.endOffset);
    this.#snapshots.push(snapshot);
    if (this.#snapshots.length > limits.producerSnapshotsPerPartitionMax) this.#snapshots.shift();
    return snapshot;
  }

  get snapshotOffsets(): readonly number[] {
    return this.#snapshots.map((s) => s.endOffset);
  }

  /**
   * The log was truncated to `endOffset` (Kafka's truncateAndReload): the state goes back to the
   * latest snapshot at or below it, or to empty at `logStartOffset`. Returns the offset from which
   * the caller must feed the log's batches (below `endOffset`) through `append` to catch up.
   */
  truncateAndReload(endOffset: number, logStartOffset: number): number {
    assert(logStartOffset <= endOffset, `log start ${logStartOffset} above end ${endOffset}`);
    this.#snapshots = this.#snapshots.filter(
      (s) => s.endOffset <= endOffset && s.endOffset >= logStartOffset,
    );
    if (endOffset === this.#endOffset) return endOffset;
    const base = this.#snapshots.at(-1);
    this.#producers.clear();
    for (const entry of base?.entries ?? []) this.#producers.set(entry.producerId, entry);
    this.#endOffset = base?.endOffset ?? logStartOffset;
    return this.#endOffset;
  }

  /** Records below the new log start offset are gone; snapshots there are no use any more. */
  onLogStartOffsetIncremented(logStartOffset: number): void {
    this.#snapshots = this.#snapshots.filter((s) => s.endOffset >= logStartOffset);
    if (this.#endOffset < logStartOffset) this.#endOffset = logStartOffset;
  }

  checkInvariants(): void {
    assert(this.#producers.size <= limits.producersPerPartitionMax, "producers bounded");
    for (const [producerId, entry] of this.#producers) {
      assert(entry.producerId === producerId && producerId >= 0, "entry keyed by its producer id");
      assert(entry.batches.length <= BATCHES_TO_RETAIN, "at most five batches per producer");
      for (let i = 1; i < entry.batches.length; i++) {
        const [a, b] = [entry.batches[i - 1], entry.batches[i]];
        assert(
          a !== undefined && b !== undefined && a.lastOffset < b.firstOffset,
          "batches in offset order",
        );
      }
      const last = entry.batches.at(-1);
      assert(
        last === undefined || last.lastOffset < this.#endOffset,
        "batches below the end offset",
      );
    }
    for (let i = 1; i < this.#snapshots.length; i++) {
      assert(
        (this.#snapshots[i - 1]?.endOffset ?? 0) < (this.#snapshots[i]?.endOffset ?? 0),
        "snapshots ordered",
      );
    }
  }

  /** Past the bound, the producer idle longest goes (its retries then look like a new producer). */
  #makeRoom(): void {
    if (this.#producers.size < limits.producersPerPartitionMax) return;
    let victim: ProducerStateEntry | undefined;
    for (const entry of this.#producers.values()) {
      const older =
        victim === undefined ||
        entry.lastTimestamp < victim.lastTimestamp ||
        (entry.lastTimestamp === victim.lastTimestamp && entry.producerId < victim.producerId);
      if (older) victim = entry;
    }
    assert(victim !== undefined, "a full map has an idlest producer");
    this.#producers.delete(victim.producerId);
    this.#evictions++;
  }
}
