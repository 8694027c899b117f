// Fresh cluster seeds for a bounded time: a new start every run (new seeds find new bugs), 3 and 5
// brokers, 30 s workloads under swarm faults. A failure names the seed and the command that
// replays it exactly.

import { describe, expect, it } from "vitest";
import { type ClusterOutcome, runCluster } from "../../sim/cluster-run.ts";
import { clusterScenario } from "../../sim/cluster-scenario.ts";
import { formatSeed } from "../../sim/prng.ts";

function explain(outcome: ClusterOutcome): string {
  return outcome.ok
    ? "ok"
    : `${outcome.failure?.kind}: ${outcome.failure?.message}\nreplay: ${outcome.replay}`;
}

describe("fresh cluster seeds", () => {
  it("passes fresh seeds for a bounded time", () => {
    // A new start every run (fresh seeds find new bugs); the failure message replays it exactly.
    const start = BigInt(Date.now() % 1_000_000_007);
    const budgetMs = 12_000;
    const began = performance.now();
    let runs = 0;
    for (let n = 0n; performance.now() - began < budgetMs && runs < 50; n++) {
      const nodes = n % 4n === 3n ? 5 : 3;
      const outcome = runCluster(clusterScenario(start + n, { nodes, durationMs: 30_000 }));
      expect(explain(outcome), `seed ${formatSeed(start + n)}`).toBe("ok");
      runs++;
    }
    expect(runs).toBeGreaterThan(0);
  });
});
