// A seeded Rng for tests (seedrandom's alea): every draw is named, as core's Rng requires, and
// the names are counted so a test can assert that a fault was actually drawn.

import seedrandom from "seedrandom";
import { assert } from "../../core/assert.ts";
import type { Rng } from "../../core/rng.ts";

export interface TestRng extends Rng {
  /** How many draws of each name were made, in first-draw order. */
  readonly drawCounts: Map<string, number>;
}

export function testRng(seed: string | number): TestRng {
  const next = seedrandom.alea(String(seed));
  const drawCounts = new Map<string, number>();
  const count = (name: string) => drawCounts.set(name, (drawCounts.get(name) ?? 0) + 1);
  return {
    drawCounts,
    int(name, maxExclusive) {
      assert(Number.isSafeInteger(maxExclusive) && maxExclusive > 0, `int max ${maxExclusive}`);
      count(name);
      return Math.floor(next() * maxExclusive);
    },
    float(name) {
      count(name);
      return next();
    },
    chance(name, probability) {
      assert(probability >= 0 && probability <= 1, `probability ${probability}`);
      count(name);
      // Draw even when the outcome is certain, so changing a probability never shifts later draws.
      const draw = next();
      return draw < probability;
    },
  };
}
