// A worker process of `runnel sim --seeds … --jobs N`: takes one scenario at a time from its parent,
// runs it, and sends the report back. Invariant: it exits when its parent disconnects, and a throw
// outside the world (a simulator bug) is reported as that seed's failure, not lost.

import { formatSeed } from "./prng.ts";
import type { SimScenario } from "./scenario.ts";
import { replayCommand } from "./scenario.ts";
import { runSeed, type SeedOptions } from "./seeds.ts";

export interface WorkRequest {
  readonly scenario: SimScenario;
  readonly options: SeedOptions;
}

process.on("message", (message: WorkRequest) => {
  const { scenario, options } = message;
  try {
    process.send?.(runSeed(scenario, options));
  } catch (error) {
    const stack = error instanceof Error ? (error.stack ?? error.message) : String(error);
    process.send?.({
      seed: scenario.seed,
      ok: false,
      failureKind: "simulator-error",
      message: `simulator threw outside the world for ${formatSeed(scenario.seed)}: ${stack}`,
      replay: replayCommand(scenario),
      stats: {
        events: 0,
        simulatedMs: 0,
        wallMs: 0,
        traceHash: "",
        faultsApplied: 0,
        brokerCrashes: 0,
        operatorRestarts: 0,
        rotted: 0,
        canaryFired: 0,
        finalReadMs: undefined,
        valuesAcked: 0,
        valuesRead: 0,
        excused: {},
      },
      marks: [],
      nondeterminism: undefined,
    });
  }
});
process.on("disconnect", () => process.exit(0));
