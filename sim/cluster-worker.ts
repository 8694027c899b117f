// A worker process of `runnel sim --nodes N --seeds … --jobs J`: runs one cluster scenario at a time
// for its parent and sends the report back. It exits when the parent disconnects; a throw outside
// the world (a simulator bug) becomes that seed's failure, never a lost seed.

import { type ClusterSeedReport, runClusterSeed } from "./cluster-cli.ts";
import { type ClusterScenario, clusterReplay } from "./cluster-scenario.ts";
import { formatSeed } from "./prng.ts";

interface ClusterWork {
  readonly scenario: ClusterScenario;
  readonly checkDeterminism: boolean;
}

process.on("message", (work: ClusterWork) => {
  try {
    process.send?.(runClusterSeed(work.scenario, work.checkDeterminism));
  } catch (error) {
    const stack = error instanceof Error ? (error.stack ?? error.message) : String(error);
    const report: ClusterSeedReport = {
      seed: formatSeed(work.scenario.seed),
      ok: false,
      failure: `simulator-error: ${stack}`,
      replay: clusterReplay(work.scenario),
      stats: {
        events: 0,
        simulatedMs: 0,
        traceHash: "",
        faultsApplied: 0,
        valuesAcked: 0,
        valuesRead: 0,
        elections: 0,
        uncleanElections: 0,
        finalReadsDoneMs: null,
      },
      nondeterminism: undefined,
    };
    process.send?.(report);
  }
});
process.on("disconnect", () => process.exit(0));
