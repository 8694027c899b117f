// The runtime's Rng: real randomness behind core's named-draw interface. The names matter only in
// the simulator, where draws are recorded; here they document intent.

import { randomInt } from "node:crypto";
import type { Rng } from "../core/rng.ts";

export const runtimeRng: Rng = {
  int(_name: string, maxExclusive: number): number {
    return maxExclusive <= 0x1000000000000
      ? randomInt(maxExclusive)
      : Math.floor(Math.random() * maxExclusive);
  },
  float(_name: string): number {
    return randomInt(0x1000000000000) / 0x1000000000000;
  },
  chance(_name: string, probability: number): boolean {
    return this.float("chance") < probability;
  },
};
