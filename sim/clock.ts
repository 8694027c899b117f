// One node's clock over true simulated time: a skew (offset), a drift (rate) and jumps, kept as a
// piecewise-linear map. Invariant: local time is a whole number of ms, and toTrue() returns the
// earliest true microsecond at which the local clock reads at least the asked-for time.
//
// The timer rule: a node's nextWakeup() is in its own clock. The world converts it with toTrue()
// after every step of that node, and again whenever that node's clock jumps or changes rate, so a
// timer fires at the first true microsecond whose local reading is >= the wakeup, whatever the
// drift. A wakeup already due fires at the current instant, after the events queued before it.

import { assert } from "../core/assert.ts";
import type { Millis } from "../core/ids.ts";

/** Rates are kept well away from zero: a clock that barely moves would make timers unbounded. */
export const clockRateMin = 0.5;
export const clockRateMax = 2;

export interface ClockSettings {
  /** The local reading at true time 0 (an epoch plus the node's skew). */
  readonly startMs: Millis;
  /** Local ms per true ms; 1 is a perfect clock, 1.0001 runs 100 ppm fast. */
  readonly rate: number;
}

export class SimClock {
  #baseTrue = 0;
  #baseLocal: number;
  #rate: number;

  constructor(settings: ClockSettings) {
    assertRate(settings.rate);
    assert(Number.isFinite(settings.startMs), `bad clock start ${settings.startMs}`);
    this.#baseLocal = settings.startMs;
    this.#rate = settings.rate;
  }

  get rate(): number {
    return this.#rate;
  }

  /** The node's reading at true time `trueMs`: whole milliseconds. */
  now(trueMs: number): Millis {
    return Math.floor(this.#baseLocal + (trueMs - this.#baseTrue) * this.#rate);
  }

  /** Steps the clock by `deltaMs` at `trueMs` (negative steps go back in time). */
  jump(trueMs: number, deltaMs: number): void {
    assert(Number.isFinite(deltaMs), `bad clock jump ${deltaMs}`);
    this.#rebase(trueMs);
    this.#baseLocal += deltaMs;
  }

  /** Changes the drift from `trueMs` on. */
  setRate(trueMs: number, rate: number): void {
    assertRate(rate);
    this.#rebase(trueMs);
    this.#rate = rate;
  }

  /**
   * The earliest true time >= `trueNow`, in whole microseconds (the world's resolution), at which
   * now() >= `localMs`. Exact: computed in integer microseconds, then settled by stepping.
   */
  toTrue(localMs: Millis, trueNow: number): number {
    assert(Number.isFinite(localMs), `bad wakeup ${localMs}`);
    if (this.now(trueNow) >= localMs) return trueNow;
    const nowUs = Math.round(trueNow * 1000);
    let us = Math.ceil((this.#baseTrue + (localMs - this.#baseLocal) / this.#rate) * 1000);
    if (us <= nowUs) us = nowUs + 1;
    // Floating-point rounding can be off by a step either way; settle it exactly.
    while (this.now(us / 1000) < localMs) us++;
    while (us - 1 > nowUs && this.now((us - 1) / 1000) >= localMs) us--;
    assert(this.now(us / 1000) >= localMs && us > nowUs, "clock conversion overshot");
    return us / 1000;
  }

  #rebase(trueMs: number): void {
    assert(trueMs >= this.#baseTrue, "clock rebased into its past");
    this.#baseLocal += (trueMs - this.#baseTrue) * this.#rate;
    this.#baseTrue = trueMs;
  }
}

function assertRate(rate: number): void {
  assert(rate >= clockRateMin && rate <= clockRateMax, `clock rate ${rate} out of range`);
}
