// The sparse time index of one segment: (largest timestamp so far -> last offset of the batch that
// first reached it). Invariant: timestamps and offsets strictly increase, so every batch before the
// one at an entry's offset has a smaller max timestamp than the entry's.

import { assert } from "../assert.ts";

export interface TimestampOffset {
  readonly timestamp: number;
  readonly offset: number;
}

export class TimeIndex {
  readonly baseOffset: number;
  readonly #timestamps: number[] = [];
  readonly #offsets: number[] = [];

  constructor(baseOffset: number) {
    this.baseOffset = baseOffset;
  }

  get entryCount(): number {
    return this.#offsets.length;
  }

  entry(i: number): TimestampOffset {
    assert(i >= 0 && i < this.#offsets.length, `time index entry ${i} of ${this.#offsets.length}`);
    return { timestamp: this.#timestamps[i]!, offset: this.#offsets[i]! };
  }

  last(): TimestampOffset | undefined {
    const n = this.#offsets.length;
    return n === 0 ? undefined : this.entry(n - 1);
  }

  /** Adds an entry if `timestamp` is larger than the last one; returns whether it did. */
  maybeAppend(timestamp: number, offset: number): boolean {
    const last = this.last();
    if (timestamp < 0 || (last !== undefined && timestamp <= last.timestamp)) return false;
    assert(offset >= this.baseOffset, `time index offset ${offset} below base ${this.baseOffset}`);
    assert(
      last === undefined || offset > last.offset,
      `time index offset ${offset} not increasing`,
    );
    this.#timestamps.push(timestamp);
    this.#offsets.push(offset);
    return true;
  }

  /**
   * The last entry with timestamp <= `target`: the first batch whose max timestamp is >= `target`
   * is the one holding the entry's offset or a later one. undefined means "from the segment start".
   */
  lookup(target: number): TimestampOffset | undefined {
    let low = 0;
    let high = this.#timestamps.length - 1;
    let found = -1;
    while (low <= high) {
      const mid = (low + high) >>> 1;
      if (this.#timestamps[mid]! <= target) {
        found = mid;
        low = mid + 1;
      } else {
        high = mid - 1;
      }
    }
    return found === -1 ? undefined : this.entry(found);
  }

  /** Drops entries whose offset is at or past `offset` (a truncated segment). */
  truncateToOffset(offset: number): void {
    while (this.#offsets.length > 0 && this.#offsets[this.#offsets.length - 1]! >= offset) {
      this.#offsets.pop();
      this.#timestamps.pop();
    }
  }
}
