// One segment of a partition log as the log keeps it in memory: its summary (size, offsets, largest
// timestamp) and, for the active segment, its indexes. Batches are added in file order; the sparse
// indexes get an entry each time more than index.interval.bytes went by since the last one.

import { assert } from "../assert.ts";
import type { Millis } from "../ids.ts";
import type { SegmentSummary } from "./index-file.ts";
import { OffsetIndex } from "./offset-index.ts";
import { batchSizeBytes, lastOffset, type RecordBatchHeader } from "./record-batch.ts";
import { TimeIndex } from "./time-index.ts";

export interface SegmentIndexes {
  readonly offsetIndex: OffsetIndex;
  readonly timeIndex: TimeIndex;
}

export function emptyIndexes(baseOffset: number): SegmentIndexes {
  return { offsetIndex: new OffsetIndex(baseOffset), timeIndex: new TimeIndex(baseOffset) };
}

/** Relative offsets in the index files are uint32; Kafka rolls before int32 overflows. */
export const RELATIVE_OFFSET_MAX = 2 ** 31 - 1;

export class Segment {
  readonly baseOffset: number;
  sizeBytes = 0;
  nextOffset: number;
  maxTimestamp = -1;
  offsetOfMaxTimestamp = -1;
  /** Every batch starts right after the previous one, the first at the base offset. */
  dense = true;
  /** When segment.ms counts from: the first append after creation or recovery. */
  rollBaseMs: Millis | undefined = undefined;
  /** Bytes were written that no completed sync covers yet. */
  unsynced = false;
  /** Sizes of this segment's .index and .timeindex files; 0 while they are not on disk. */
  offsetIndexFileBytes = 0;
  timeIndexFileBytes = 0;
  /** Set when the segment leaves the log (deleted or truncated away): work on it must stop. */
  removed = false;
  /** Bumped whenever bytes already in the file change (truncation, compaction swap). */
  generation = 0;
  /** Always present for the active segment; closed segments keep theirs on disk or in a cache. */
  indexes: SegmentIndexes | null;
  #bytesSinceIndexEntry = 0;

  private constructor(baseOffset: number, indexes: SegmentIndexes | null) {
    this.baseOffset = baseOffset;
    this.nextOffset = baseOffset;
    this.indexes = indexes;
  }

  /** A new segment with no batches, indexes in memory. */
  static empty(baseOffset: number): Segment {
    return new Segment(baseOffset, emptyIndexes(baseOffset));
  }

  /** A closed segment known by its summary; its indexes stay on disk until needed. */
  static closed(summary: SegmentSummary): Segment {
    const segment = new Segment(summary.baseOffset, null);
    segment.sizeBytes = summary.sizeBytes;
    segment.nextOffset = summary.nextOffset;
    segment.maxTimestamp = summary.maxTimestamp;
    segment.offsetOfMaxTimestamp = summary.offsetOfMaxTimestamp;
    segment.dense = summary.dense;
    return segment;
  }

  get isEmpty(): boolean {
    return this.sizeBytes === 0;
  }

  /** Records a batch written at `position` (the end of the segment). */
  addBatch(header: RecordBatchHeader, position: number, indexIntervalBytes: number): void {
    const indexes = this.indexes;
    assert(indexes !== null, `segment ${this.baseOffset} has no indexes to add to`);
    assert(position === this.sizeBytes, `batch at ${position}, segment ends at ${this.sizeBytes}`);
    assert(header.baseOffset >= this.nextOffset, `batch ${header.baseOffset} goes backwards`);
    if (header.baseOffset !== this.nextOffset) this.dense = false;
    const last = lastOffset(header);
    assert(last - this.baseOffset <= RELATIVE_OFFSET_MAX, `offset ${last} too far from base`);
    if (header.maxTimestamp > this.maxTimestamp) {
      this.maxTimestamp = header.maxTimestamp;
      this.offsetOfMaxTimestamp = last;
    }
    if (this.#bytesSinceIndexEntry > indexIntervalBytes) {
      indexes.offsetIndex.append(last, position);
      indexes.timeIndex.maybeAppend(this.maxTimestamp, this.offsetOfMaxTimestamp);
      this.#bytesSinceIndexEntry = 0;
    }
    const size = batchSizeBytes(header);
    this.#bytesSinceIndexEntry += size;
    this.sizeBytes += size;
    this.nextOffset = last + 1;
  }

  /** At roll: the time index gets the segment's final largest timestamp (as Kafka does). */
  closeIndexes(): SegmentIndexes {
    const indexes = this.indexes;
    assert(indexes !== null, `segment ${this.baseOffset} closed without indexes`);
    indexes.timeIndex.maybeAppend(this.maxTimestamp, this.offsetOfMaxTimestamp);
    return indexes;
  }

  /** Takes back the indexes of a closed segment (it becomes active again after a truncation). */
  reopen(indexes: SegmentIndexes, bytesSinceIndexEntry: number): void {
    assert(indexes.offsetIndex.baseOffset === this.baseOffset, "indexes of another segment");
    this.indexes = indexes;
    this.#bytesSinceIndexEntry = bytesSinceIndexEntry;
  }

  summary(): SegmentSummary {
    return {
      baseOffset: this.baseOffset,
      sizeBytes: this.sizeBytes,
      nextOffset: this.nextOffset,
      maxTimestamp: this.maxTimestamp,
      offsetOfMaxTimestamp: this.offsetOfMaxTimestamp,
      dense: this.dense,
    };
  }
}
