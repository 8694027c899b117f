// Keyed deadlines: scheduling a key again replaces its deadline (Kafka's CoordinatorTimer). The
// earliest deadline is what the broker folds into its nextWakeup; due timers fire in (deadline,
// scheduling order) order, so two runs of one seed fire them identically.

import { assert } from "../assert.ts";
import type { Millis } from "../ids.ts";

interface Entry<V> {
  readonly deadline: Millis;
  readonly sequence: number;
  readonly value: V;
}

export class DeadlineTimers<V> {
  readonly #entries = new Map<string, Entry<V>>();
  readonly #maxEntries: number;
  #sequence = 0;
  /** The cached earliest deadline; undefined when it must be recomputed. */
  #earliest: Millis | undefined;
  #earliestValid = true;

  constructor(maxEntries: number) {
    assert(Number.isSafeInteger(maxEntries) && maxEntries > 0, `maxEntries ${maxEntries}`);
    this.#maxEntries = maxEntries;
  }

  get size(): number {
    return this.#entries.size;
  }

  schedule(key: string, deadline: Millis, value: V): void {
    assert(Number.isFinite(deadline), `deadline ${deadline} for ${key}`);
    if (!this.#entries.has(key)) {
      assert(this.#entries.size < this.#maxEntries, `more than ${this.#maxEntries} timers`);
    }
    this.cancel(key);
    this.#entries.set(key, { deadline, sequence: this.#sequence++, value });
    if (this.#earliestValid && (this.#earliest === undefined || deadline < this.#earliest)) {
      this.#earliest = deadline;
    }
  }

  cancel(key: string): void {
    const entry = this.#entries.get(key);
    if (entry === undefined) return;
    this.#entries.delete(key);
    if (entry.deadline === this.#earliest) this.#earliestValid = false;
  }

  has(key: string): boolean {
    return this.#entries.has(key);
  }

  deadlineOf(key: string): Millis | undefined {
    return this.#entries.get(key)?.deadline;
  }

  nextDeadline(): Millis | undefined {
    if (!this.#earliestValid) {
      let earliest: Millis | undefined;
      for (const entry of this.#entries.values()) {
        if (earliest === undefined || entry.deadline < earliest) earliest = entry.deadline;
      }
      this.#earliest = earliest;
      this.#earliestValid = true;
    }
    return this.#earliest;
  }

  /** Removes and returns the earliest timer due at `now`, or undefined when none is due. */
  popDue(now: Millis): { readonly key: string; readonly value: V } | undefined {
    const next = this.nextDeadline();
    if (next === undefined || next > now) return undefined;
    let best: [string, Entry<V>] | undefined;
    for (const item of this.#entries) {
      const [, entry] = item;
      if (entry.deadline > now) continue;
      if (best === undefined || compare(entry, best[1]) < 0) best = item;
    }
    assert(best !== undefined, "a due deadline has an entry");
    this.cancel(best[0]);
    return { key: best[0], value: best[1].value };
  }

  /** Drops every timer whose key starts with `prefix` (a group's timers when it is unloaded). */
  cancelPrefix(prefix: string): void {
    for (const key of [...this.#entries.keys()]) if (key.startsWith(prefix)) this.cancel(key);
  }
}

function compare<V>(a: Entry<V>, b: Entry<V>): number {
  return a.deadline !== b.deadline ? a.deadline - b.deadline : a.sequence - b.sequence;
}
