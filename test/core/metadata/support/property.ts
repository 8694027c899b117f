// The fast-check driver shared by the per-size property files: random seeds and fault schedules,
// shrunk to a minimal schedule on failure. RUNNEL_FC_SEED picks another fast-check seed and
// RUNNEL_FC_RUNS another number of runs (a longer soak).

import fc from "fast-check";
import { faultArbitrary } from "./faults.ts";
import { FAULT_WINDOW_MS, runWithFaults } from "./run-property.ts";

export function checkRandomFaultSchedules(voters: number, numRuns: number, seed: number): void {
  const fcSeed =
    process.env.RUNNEL_FC_SEED === undefined ? seed : Number(process.env.RUNNEL_FC_SEED);
  fc.assert(
    fc.property(
      fc.integer({ min: 0, max: 2 ** 31 - 1 }),
      faultArbitrary(voters + 1, FAULT_WINDOW_MS),
      fc.record({
        diskLatencyMaxMs: fc.constantFrom(0, 3, 20, 60),
        maxDelayMs: fc.constantFrom(2, 10, 50),
      }),
      (runSeed, faults, env) => {
        runWithFaults(voters, `v${voters}-${runSeed}`, faults, env);
      },
    ),
    { numRuns: Number(process.env.RUNNEL_FC_RUNS ?? numRuns), seed: fcSeed },
  );
}
