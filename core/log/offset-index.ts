// The sparse offset index of one segment: (last offset of a batch -> file position of that batch),
// one entry per index.interval.bytes. Invariant: offsets and positions both strictly increase, so a
// lookup finds a position at or before the batch that holds any offset.

import { assert } from "../assert.ts";

export interface OffsetPosition {
  readonly offset: number;
  readonly position: number;
}

export class OffsetIndex {
  readonly baseOffset: number;
  readonly #offsets: number[] = [];
  readonly #positions: number[] = [];

  constructor(baseOffset: number) {
    this.baseOffset = baseOffset;
  }

  get entryCount(): number {
    return this.#offsets.length;
  }

  entry(i: number): OffsetPosition {
    assert(i >= 0 && i < this.#offsets.length, `index entry ${i} of ${this.#offsets.length}`);
    return { offset: this.#offsets[i]!, position: this.#positions[i]! };
  }

  last(): OffsetPosition | undefined {
    const n = this.#offsets.length;
    return n === 0 ? undefined : this.entry(n - 1);
  }

  /** `offset` is the last offset of the batch that starts at `position`. */
  append(offset: number, position: number): void {
    const last = this.last();
    assert(offset >= this.baseOffset, `index offset ${offset} below base ${this.baseOffset}`);
    assert(offset - this.baseOffset <= 0xffffffff, `relative offset of ${offset} over uint32`);
    assert(last === undefined || offset > last.offset, `index offset ${offset} not increasing`);
    assert(
      last === undefined || position > last.position,
      `index position ${position} not increasing`,
    );
    this.#offsets.push(offset);
    this.#positions.push(position);
  }

  /**
   * The position to start scanning from for `target`: that of the last entry whose batch ends at
   * or before `target`, or 0. The batch holding `target` starts there or later.
   */
  lookup(target: number): OffsetPosition {
    let low = 0;
    let high = this.#offsets.length - 1;
    let found = -1;
    while (low <= high) {
      const mid = (low + high) >>> 1;
      if (this.#offsets[mid]! <= target) {
        found = mid;
        low = mid + 1;
      } else {
        high = mid - 1;
      }
    }
    return found === -1 ? { offset: this.baseOffset, position: 0 } : this.entry(found);
  }

  /** Drops entries for batches at or past `position` (a truncated segment). */
  truncateToPosition(position: number): void {
    while (this.#positions.length > 0 && this.#positions[this.#positions.length - 1]! >= position) {
      this.#positions.pop();
      this.#offsets.pop();
    }
  }
}
