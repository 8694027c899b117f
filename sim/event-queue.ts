// The simulator's agenda: a binary min-heap keyed by (time, sequence). Sequence numbers are unique
// and increase with every push, so the order is total and two runs of one seed pop identically.

import { assert } from "../core/assert.ts";

export class EventQueue<T> {
  readonly #times: number[] = [];
  readonly #seqs: number[] = [];
  readonly #items: T[] = [];
  #nextSeq = 0;
  #lastTime = 0;
  #lastSeq = -1;

  get size(): number {
    return this.#items.length;
  }

  /** Time of the most recently popped item. */
  get lastTime(): number {
    return this.#lastTime;
  }

  /** Sequence number of the most recently popped item. */
  get lastSeq(): number {
    return this.#lastSeq;
  }

  /** Schedules `item` at `time`; returns its sequence number. */
  push(time: number, item: T): number {
    assert(Number.isFinite(time) && time >= 0, `bad event time ${time}`);
    const seq = this.#nextSeq++;
    const times = this.#times;
    const seqs = this.#seqs;
    const items = this.#items;
    let i = items.length;
    times.push(time);
    seqs.push(seq);
    items.push(item);
    // Sift up: move the hole towards the root while the parent is later.
    while (i > 0) {
      const parent = (i - 1) >> 1;
      const pt = times[parent]!;
      if (pt < time || (pt === time && seqs[parent]! < seq)) break;
      times[i] = pt;
      seqs[i] = seqs[parent]!;
      items[i] = items[parent]!;
      i = parent;
    }
    times[i] = time;
    seqs[i] = seq;
    items[i] = item;
    return seq;
  }

  peekTime(): number | undefined {
    return this.#times[0];
  }

  /** Removes and returns the earliest item (ties broken by sequence), or undefined when empty. */
  pop(): T | undefined {
    const items = this.#items;
    const n = items.length;
    if (n === 0) return undefined;
    const times = this.#times;
    const seqs = this.#seqs;
    const top = items[0]!;
    this.#lastTime = times[0]!;
    this.#lastSeq = seqs[0]!;
    const lastTime = times.pop()!;
    const lastSeq = seqs.pop()!;
    const lastItem = items.pop()!;
    if (n > 1) this.#siftDown(lastTime, lastSeq, lastItem, n - 1);
    return top;
  }

  #siftDown(time: number, seq: number, item: T, n: number): void {
    const times = this.#times;
    const seqs = this.#seqs;
    const items = this.#items;
    let i = 0;
    for (;;) {
      let child = 2 * i + 1;
      if (child >= n) break;
      const right = child + 1;
      if (right < n) {
        const ct = times[child]!;
        const rt = times[right]!;
        if (rt < ct || (rt === ct && seqs[right]! < seqs[child]!)) child = right;
      }
      const ct = times[child]!;
      if (time < ct || (time === ct && seq < seqs[child]!)) break;
      times[i] = ct;
      seqs[i] = seqs[child]!;
      items[i] = items[child]!;
      i = child;
    }
    times[i] = time;
    seqs[i] = seq;
    items[i] = item;
  }
}
