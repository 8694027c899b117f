// The harness's timeline: events ordered by (time, sequence), a total and deterministic order.

export class EventQueue<E> {
  readonly #items: { readonly at: number; readonly seq: number; readonly event: E }[] = [];
  #seq = 0;

  push(at: number, event: E): void {
    const item = { at, seq: this.#seq++, event };
    let lo = 0;
    let hi = this.#items.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      const m = this.#items[mid]!;
      if (m.at < item.at || (m.at === item.at && m.seq < item.seq)) lo = mid + 1;
      else hi = mid;
    }
    this.#items.splice(lo, 0, item);
  }

  /** When the next event is due; Infinity when there is none. */
  nextAt(): number {
    return this.#items[0]?.at ?? Number.POSITIVE_INFINITY;
  }

  shift(): E {
    const item = this.#items.shift();
    if (item === undefined) throw new Error("empty event queue");
    return item.event;
  }
}
