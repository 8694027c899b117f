// The core Rng over seedrandom, for tests: every draw is named, and the names are counted so a
// test can show which draws a run used.

import seedrandom from "seedrandom";
import type { Rng } from "../../../../core/rng.ts";

export class SeededRng implements Rng {
  readonly #random: seedrandom.PRNG;
  readonly draws = new Map<string, number>();

  constructor(seed: string) {
    this.#random = seedrandom(seed);
  }

  #next(name: string): number {
    this.draws.set(name, (this.draws.get(name) ?? 0) + 1);
    return this.#random();
  }

  int(name: string, maxExclusive: number): number {
    return Math.floor(this.#next(name) * maxExclusive);
  }

  float(name: string): number {
    return this.#next(name);
  }

  chance(name: string, probability: number): boolean {
    return this.#next(name) < probability;
  }
}
