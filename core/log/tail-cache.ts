// A bounded cache of the most recently appended record batches, so reads near the log end offset
// (followers, caught-up consumers) need no disk read. Invariant: the cached batches are a suffix of
// the log, and every offset >= coveredFrom is answered by a cached batch or lies past the log end.

import { assert } from "../assert.ts";

export interface CachedBatch {
  readonly baseOffset: number;
  readonly lastOffset: number;
  readonly bytes: Uint8Array;
}

/** What an evicted slot holds until the array is compacted: no record bytes. */
const EVICTED: CachedBatch = { baseOffset: -1, lastOffset: -1, bytes: new Uint8Array(0) };

export class TailCache {
  readonly capacityBytes: number;
  #batches: CachedBatch[] = [];
  #head = 0;
  #bytes = 0;
  #coveredFrom: number;

  constructor(capacityBytes: number, logEndOffset: number) {
    assert(capacityBytes >= 0, `tail cache capacity ${capacityBytes}`);
    this.capacityBytes = capacityBytes;
    this.#coveredFrom = logEndOffset;
  }

  get bytes(): number {
    return this.#bytes;
  }

  get coveredFrom(): number {
    return this.#coveredFrom;
  }

  /** Record bytes this cache keeps reachable, evicted slots included (memory accounting, tests). */
  get retainedBytes(): number {
    let sum = 0;
    for (const cached of this.#batches) sum += cached.bytes.length;
    return sum;
  }

  get batchCount(): number {
    return this.#batches.length - this.#head;
  }

  /** Empties the cache; reads from `logEndOffset` on are trivially covered. */
  reset(logEndOffset: number): void {
    this.#batches = [];
    this.#head = 0;
    this.#bytes = 0;
    this.#coveredFrom = logEndOffset;
  }

  /** Adds the batch just appended (`bytes` must not change afterwards), evicting the oldest. */
  add(batch: CachedBatch): void {
    const last = this.#batches.at(-1);
    const inOrder =
      this.batchCount === 0 || last === undefined || batch.baseOffset > last.lastOffset;
    assert(inOrder, "tail cache batches out of order");
    this.#batches.push(batch);
    this.#bytes += batch.bytes.length;
    while (this.#bytes > this.capacityBytes && this.#head < this.#batches.length) {
      const evicted = this.#dropHead();
      this.#bytes -= evicted.bytes.length;
      this.#coveredFrom = evicted.lastOffset + 1;
    }
    if (this.#head > 1024 && this.#head * 2 > this.#batches.length) {
      this.#batches = this.#batches.slice(this.#head);
      this.#head = 0;
    }
  }

  covers(offset: number): boolean {
    return offset >= this.#coveredFrom;
  }

  /**
   * Whole batches from the one holding `offset` (or the next one), while lastOffset < `bound` and
   * the total stays within `maxBytes` (the first batch always counts).
   */
  read(offset: number, maxBytes: number, bound: number): CachedBatch[] {
    assert(this.covers(offset), `tail cache does not cover ${offset}`);
    const out: CachedBatch[] = [];
    let total = 0;
    for (let i = this.#firstEndingAtOrAfter(offset); i < this.#batches.length; i++) {
      const batch = this.#batches[i]!;
      if (batch.lastOffset >= bound) break;
      if (out.length > 0 && total + batch.bytes.length > maxBytes) break;
      out.push(batch);
      total += batch.bytes.length;
    }
    return out;
  }

  /**
   * Takes the oldest batch out, leaving a placeholder in its slot: the slots before #head are
   * only compacted away now and then, and must not keep evicted record bytes alive meanwhile.
   */
  #dropHead(): CachedBatch {
    const batch = this.#batches[this.#head]!;
    this.#batches[this.#head++] = EVICTED;
    return batch;
  }

  /** Forgets batches that start below `offset` (rewritten on disk); covers from `offset` on. */
  evictBelow(offset: number): void {
    while (this.#head < this.#batches.length && this.#batches[this.#head]!.baseOffset < offset) {
      this.#bytes -= this.#dropHead().bytes.length;
    }
    this.#coveredFrom = Math.max(this.#coveredFrom, offset);
  }

  /** Drops every batch with an offset at or past `offset`; `logEndOffset` is the new log end. */
  truncateTo(offset: number, logEndOffset: number): void {
    while (this.#batches.length > this.#head && this.#batches.at(-1)!.lastOffset >= offset) {
      this.#bytes -= this.#batches.pop()!.bytes.length;
    }
    if (this.#batches.length === this.#head) this.reset(logEndOffset);
  }

  #firstEndingAtOrAfter(offset: number): number {
    let low = this.#head;
    let high = this.#batches.length;
    while (low < high) {
      const mid = (low + high) >>> 1;
      if (this.#batches[mid]!.lastOffset < offset) low = mid + 1;
      else high = mid;
    }
    return low;
  }
}
