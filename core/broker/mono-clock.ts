// A monotonic clock over the node's wall clock, as Kafka times its work with System.nanoTime: the
// node's readings may jump back (NTP steps, the simulator's clock jumps); this clock stands still
// across a backward jump and then runs on, so timers it sets keep their length.

import { assert } from "../assert.ts";
import type { Millis } from "../ids.ts";

export class MonoClock {
  #raw: Millis;
  #mono: Millis = 0;

  constructor(raw: Millis) {
    this.#raw = raw;
  }

  /** Takes a new reading of the wall clock; returns the monotonic time. */
  advance(raw: Millis): Millis {
    const delta = raw - this.#raw;
    if (delta > 0) this.#mono += delta;
    this.#raw = raw;
    return this.#mono;
  }

  get now(): Millis {
    return this.#mono;
  }

  /** The wall-clock reading at which monotonic time `at` will be reached (at least the current one). */
  toRaw(at: Millis): Millis {
    assert(Number.isFinite(at), `monotonic deadline ${at}`);
    return this.#raw + Math.max(0, at - this.#mono);
  }
}
