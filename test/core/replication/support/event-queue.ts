// A tiny (time, sequence)-ordered event queue for the replication model world: a total order, so
// one seed gives one run.

export class EventQueue<E> {
  #items: { atMs: number; seq: number; event: E }[] = [];
  #seq = 0;

  get size(): number {
    return this.#items.length;
  }

  push(atMs: number, event: E): void {
    const item = { atMs, seq: this.#seq++, event };
    let low = 0;
    let high = this.#items.length;
    while (low < high) {
      const mid = (low + high) >>> 1;
      const other = this.#items[mid]!;
      if (other.atMs < atMs || (other.atMs === atMs && other.seq < item.seq)) low = mid + 1;
      else high = mid;
    }
    this.#items.splice(low, 0, item);
  }

  peekTime(): number | undefined {
    return this.#items[0]?.atMs;
  }

  pop(): { atMs: number; event: E } | undefined {
    return this.#items.shift();
  }

  /** Removes every event `drop` selects and returns them (in queue order). */
  remove(drop: (event: E) => boolean): E[] {
    const removed = this.#items.filter((item) => drop(item.event)).map((item) => item.event);
    this.#items = this.#items.filter((item) => !drop(item.event));
    return removed;
  }
}
