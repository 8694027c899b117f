// The batch CRC leaves baseOffset and partitionLeaderEpoch uncovered (so a leader can stamp them),
// so a bit flip there passes validateBatch. Readers check both against what the log knows: offsets
// chain within the segment (exactly, when it has no gaps) and agree with the offset index, and the
// epoch is the one the leader epoch cache holds for that offset.

import type { LeaderEpochCache } from "./leader-epoch-cache.ts";
import { lastOffset, type RecordBatchHeader } from "./record-batch.ts";
import type { Segment } from "./segment.ts";

export interface ScanStart {
  /** The scan starts at the segment's first byte. */
  readonly atSegmentStart: boolean;
  /** When it starts at an offset index entry: the last offset of the batch there. */
  readonly indexedLastOffset: number | null;
}

export class BatchChecker {
  readonly #segmentBase: number;
  readonly #segmentNext: number;
  readonly #dense: boolean;
  readonly #start: ScanStart;
  readonly #epochs: LeaderEpochCache;
  readonly #logStart: number;
  #previousLast: number | null = null;

  constructor(segment: Segment, start: ScanStart, epochs: LeaderEpochCache, logStart: number) {
    this.#segmentBase = segment.baseOffset;
    this.#segmentNext = segment.nextOffset;
    this.#dense = segment.dense;
    this.#start = start;
    this.#epochs = epochs;
    this.#logStart = logStart;
  }

  /** null when the batch is plausible, else why it is not. */
  check(header: RecordBatchHeader): string | null {
    const base = header.baseOffset;
    const last = lastOffset(header);
    const previous = this.#previousLast;
    this.#previousLast = last;
    if (base < this.#segmentBase || last >= this.#segmentNext) {
      return `offsets ${base}..${last} outside segment [${this.#segmentBase}, ${this.#segmentNext})`;
    }
    if (previous !== null) {
      const chained = this.#dense ? base === previous + 1 : base > previous;
      if (!chained) return `batch at ${base} does not follow ${previous}`;
    } else if (this.#start.indexedLastOffset !== null && last !== this.#start.indexedLastOffset) {
      return `batch ends at ${last}, the offset index says ${this.#start.indexedLastOffset}`;
    } else if (this.#start.atSegmentStart && this.#dense && base !== this.#segmentBase) {
      return `first batch at ${base}, segment starts at ${this.#segmentBase}`;
    }
    if (last >= this.#logStart) {
      const epoch = this.#epochs.epochAt(Math.max(base, this.#logStart));
      if (header.partitionLeaderEpoch !== epoch) {
        return `leader epoch ${header.partitionLeaderEpoch} at ${base}, the epoch cache says ${epoch}`;
      }
    }
    return null;
  }
}

/** Where a scan that begins at the index entry `entry` (position 0 means the segment start) stands. */
export function scanStartAt(entry: { offset: number; position: number }): ScanStart {
  return entry.position === 0
    ? { atSegmentStart: true, indexedLastOffset: null }
    : { atSegmentStart: false, indexedLastOffset: entry.offset };
}
