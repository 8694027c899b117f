// The leader-epoch cache of the metadata log (Kafka's leader-epoch-checkpoint, in memory): the start
// offset of each epoch present in [logStartOffset, logEndOffset), plus the epoch and end of the
// snapshot below the log start. Epochs strictly increase with their start offsets.

import { assert } from "../../assert.ts";
import type { Epoch, Offset } from "../../ids.ts";
import { limits } from "../../limits.ts";

export interface OffsetAndEpoch {
  readonly offset: Offset;
  readonly epoch: Epoch;
}

interface EpochStart {
  readonly epoch: Epoch;
  start: Offset;
}

export class EpochCache {
  #entries: EpochStart[] = [];
  /** The epoch of the entry at logStartOffset - 1 (the snapshot's), 0 before any snapshot. */
  #baseEpoch: Epoch = 0;
  #baseOffset: Offset = 0;

  /** Every log starts either empty at 0 or at a snapshot's end offset with its epoch. */
  reset(logStartOffset: Offset, snapshotEpoch: Epoch): void {
    this.#entries = [];
    this.#baseOffset = logStartOffset;
    this.#baseEpoch = snapshotEpoch;
  }

  /** Records that the entry at `offset` has `epoch`; called in offset order. */
  append(epoch: Epoch, offset: Offset): void {
    const last = this.#entries.at(-1);
    if (last !== undefined && last.epoch === epoch) return;
    assert(epoch >= this.lastEpoch(), `epoch ${epoch} below last epoch ${this.lastEpoch()}`);
    assert(last === undefined || offset > last.start, `epoch start ${offset} not increasing`);
    assert(this.#entries.length < limits.metadataEpochEntriesMax, "epoch cache over limit");
    this.#entries.push({ epoch, start: offset });
  }

  /** Forgets epochs of entries at or above `offset` (the log was truncated there). */
  truncateFromEnd(offset: Offset): void {
    assert(offset >= this.#baseOffset, `truncate ${offset} below log start ${this.#baseOffset}`);
    while (this.#entries.length > 0 && this.#entries.at(-1)!.start >= offset) this.#entries.pop();
  }

  /** The log start moved up to `offset`, the end of a snapshot whose last entry had `epoch`. */
  truncateFromStart(offset: Offset, epoch: Epoch, logEndOffset: Offset): void {
    assert(offset >= this.#baseOffset, `log start moving back from ${this.#baseOffset}`);
    assert(offset <= logEndOffset, `log start ${offset} above log end ${logEndOffset}`);
    while (this.#entries.length > 1 && this.#entries[1]!.start <= offset) this.#entries.shift();
    const first = this.#entries[0];
    // The first retained epoch may have begun below the new log start: clamp it to the start,
    // or drop it when no entry of it is left above the start.
    if (first !== undefined && first.start < offset) {
      if (offset < logEndOffset) first.start = offset;
      else this.#entries.shift();
    }
    this.#baseOffset = offset;
    this.#baseEpoch = epoch;
  }

  /** The epoch of the last entry, or of the snapshot when the log above it is empty. */
  lastEpoch(): Epoch {
    return this.#entries.at(-1)?.epoch ?? this.#baseEpoch;
  }

  get baseEpoch(): Epoch {
    return this.#baseEpoch;
  }

  /**
   * Kafka's endOffsetForEpoch: the largest epoch <= `epoch` and the offset where it ends (the start
   * of the next epoch, or the log end offset). undefined when `epoch` is older than the snapshot.
   */
  endOffsetForEpoch(epoch: Epoch, logEndOffset: Offset): OffsetAndEpoch | undefined {
    for (let i = this.#entries.length - 1; i >= 0; i--) {
      const entry = this.#entries[i]!;
      if (entry.epoch <= epoch) {
        const end = this.#entries[i + 1]?.start ?? logEndOffset;
        return { epoch: entry.epoch, offset: end };
      }
    }
    if (epoch < this.#baseEpoch) return undefined;
    return { epoch: this.#baseEpoch, offset: this.#baseOffset };
  }

  /** The epoch of the entry at `offset`, which must be in [logStartOffset - 1, logEndOffset). */
  epochAt(offset: Offset): Epoch {
    if (offset === this.#baseOffset - 1) return this.#baseEpoch;
    assert(offset >= this.#baseOffset, `epochAt(${offset}) below log start ${this.#baseOffset}`);
    for (let i = this.#entries.length - 1; i >= 0; i--) {
      if (this.#entries[i]!.start <= offset) return this.#entries[i]!.epoch;
    }
    return this.#baseEpoch;
  }

  /** Epoch starts for checkers and the view, oldest first. */
  entries(): readonly { readonly epoch: Epoch; readonly start: Offset }[] {
    return this.#entries.map((e) => ({ epoch: e.epoch, start: e.start }));
  }

  get size(): number {
    return this.#entries.length;
  }
}
