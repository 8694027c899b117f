// The broker's timers as one set of named deadlines: produce timeouts, fetch max-wait, flush.ms,
// background sync, retention and compaction checks. nextWakeup() is the earliest live deadline.
// A min-heap with lazy deletion: re-setting or clearing a key leaves a stale entry that is skipped.

import { assert } from "../assert.ts";
import type { Millis } from "../ids.ts";

interface Entry {
  readonly at: Millis;
  readonly seq: number;
  readonly key: string;
}

export class Deadlines {
  readonly #live = new Map<string, Entry>();
  #heap: Entry[] = [];
  #seq = 0;
  readonly #max: number;

  constructor(max: number) {
    assert(max > 0, "deadline limit must be positive");
    this.#max = max;
  }

  get size(): number {
    return this.#live.size;
  }

  has(key: string): boolean {
    return this.#live.has(key);
  }

  at(key: string): Millis | undefined {
    return this.#live.get(key)?.at;
  }

  /** Sets (or moves) the deadline of `key`. Infinity means "never" and clears it. */
  set(key: string, at: Millis): void {
    if (at === Number.POSITIVE_INFINITY) {
      this.clear(key);
      return;
    }
    assert(Number.isFinite(at), `deadline ${key} at ${at}`);
    const entry = { at, seq: this.#seq++, key };
    this.#live.set(key, entry);
    assert(this.#live.size <= this.#max, `deadlines over limit ${this.#max}`);
    this.#push(entry);
    if (this.#heap.length > 2 * this.#live.size + 64) this.#rebuild();
  }

  /** Sets the deadline unless an earlier one is already set. */
  setIfEarlier(key: string, at: Millis): void {
    const current = this.#live.get(key);
    if (current === undefined || at < current.at) this.set(key, at);
  }

  clear(key: string): void {
    this.#live.delete(key);
  }

  next(): Millis | undefined {
    this.#dropStale();
    return this.#heap[0]?.at;
  }

  /** Removes and returns every key due at `now`, earliest first (ties in the order they were set). */
  takeDue(now: Millis): string[] {
    const due: string[] = [];
    for (;;) {
      this.#dropStale();
      const top = this.#heap[0];
      if (top === undefined || top.at > now) return due;
      this.#pop();
      this.#live.delete(top.key);
      due.push(top.key);
    }
  }

  #isLive(entry: Entry): boolean {
    return this.#live.get(entry.key) === entry;
  }

  #dropStale(): void {
    while (this.#heap.length > 0 && !this.#isLive(this.#heap[0] as Entry)) this.#pop();
  }

  #rebuild(): void {
    this.#heap = [];
    const live = [...this.#live.values()].sort((a, b) => a.seq - b.seq);
    for (const entry of live) this.#push(entry);
  }

  static #before(a: Entry, b: Entry): boolean {
    return a.at < b.at || (a.at === b.at && a.seq < b.seq);
  }

  #push(entry: Entry): void {
    const heap = this.#heap;
    heap.push(entry);
    let i = heap.length - 1;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (!Deadlines.#before(heap[i] as Entry, heap[parent] as Entry)) break;
      [heap[i], heap[parent]] = [heap[parent] as Entry, heap[i] as Entry];
      i = parent;
    }
  }

  #pop(): void {
    const heap = this.#heap;
    const last = heap.pop();
    if (last === undefined || heap.length === 0) return;
    heap[0] = last;
    let i = 0;
    for (;;) {
      const l = 2 * i + 1;
      const r = l + 1;
      let best = i;
      if (l < heap.length && Deadlines.#before(heap[l] as Entry, heap[best] as Entry)) best = l;
      if (r < heap.length && Deadlines.#before(heap[r] as Entry, heap[best] as Entry)) best = r;
      if (best === i) return;
      [heap[i], heap[best]] = [heap[best] as Entry, heap[i] as Entry];
      i = best;
    }
  }
}
