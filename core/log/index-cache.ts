// The indexes of closed segments that were used recently, bounded by entry count so that a log's
// memory does not grow with its length (the rest stay in their .index/.timeindex files).
// Least recently used first out; Map insertion order keeps it deterministic.

import { assert } from "../assert.ts";
import type { SegmentIndexes } from "./segment.ts";

interface Cached {
  readonly indexes: SegmentIndexes;
  /** Entries counted when cached (indexes taken back by a reopened segment may change later). */
  readonly entries: number;
}

export class IndexCache {
  readonly capacityEntries: number;
  readonly #byBaseOffset = new Map<number, Cached>();
  #entries = 0;

  constructor(capacityEntries: number) {
    assert(capacityEntries >= 0, `index cache capacity ${capacityEntries}`);
    this.capacityEntries = capacityEntries;
  }

  get size(): number {
    return this.#byBaseOffset.size;
  }

  get entries(): number {
    return this.#entries;
  }

  get(baseOffset: number): SegmentIndexes | undefined {
    const cached = this.#byBaseOffset.get(baseOffset);
    if (cached === undefined) return undefined;
    this.#byBaseOffset.delete(baseOffset);
    this.#byBaseOffset.set(baseOffset, cached);
    return cached.indexes;
  }

  set(baseOffset: number, indexes: SegmentIndexes): void {
    this.delete(baseOffset);
    const entries = indexes.offsetIndex.entryCount + indexes.timeIndex.entryCount;
    this.#byBaseOffset.set(baseOffset, { indexes, entries });
    this.#entries += entries;
    for (const [oldest, old] of this.#byBaseOffset) {
      if (this.#entries <= this.capacityEntries) break;
      this.#byBaseOffset.delete(oldest);
      this.#entries -= old.entries;
    }
  }

  delete(baseOffset: number): void {
    const old = this.#byBaseOffset.get(baseOffset);
    if (old === undefined) return;
    this.#byBaseOffset.delete(baseOffset);
    this.#entries -= old.entries;
  }

  clear(): void {
    this.#byBaseOffset.clear();
    this.#entries = 0;
  }
}
