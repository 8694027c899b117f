// A simulated client process frozen by a GC or VM pause: until it ends nothing of the client runs,
// and what arrives meanwhile (answers, the application's own calls) waits in arrival order. The
// clock keeps going, so deadlines pass unseen and are found at once when the process wakes.
// Keeps: the waiting input is bounded and handed back exactly once, in order.

import { assert } from "../assert.ts";
import type { Millis } from "../ids.ts";
import { limits } from "../limits.ts";

export class ProcessPause<T> {
  #untilMs: Millis | undefined;
  readonly #waiting: T[] = [];

  /** Whether the process is frozen at `now`. */
  frozen(now: Millis): boolean {
    return this.#untilMs !== undefined && now < this.#untilMs;
  }

  get paused(): boolean {
    return this.#untilMs !== undefined;
  }

  /** When the pause ends, if one is on. */
  get untilMs(): Millis | undefined {
    return this.#untilMs;
  }

  start(now: Millis, durationMs: Millis): void {
    assert(durationMs > 0, "a pause lasts");
    assert(this.#untilMs === undefined, "a pause inside a pause");
    this.#untilMs = now + durationMs;
  }

  hold(item: T): void {
    assert(this.#waiting.length < limits.clientPendingOpsMax, "too much input during a pause");
    this.#waiting.push(item);
  }

  /** The pause is over (`now` is past its end): what waited, in arrival order. */
  end(now: Millis): T[] {
    assert(this.#untilMs !== undefined && now >= this.#untilMs, "ending a pause early");
    this.#untilMs = undefined;
    return this.#waiting.splice(0);
  }
}
