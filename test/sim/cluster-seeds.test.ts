// Cluster runs (3 and 5 brokers, RF 3, min.insync.replicas 2, acks=all) under swarm faults: fixed
// seeds that must pass (each once found a bug), a calm run, and the same seed twice giving the same
// trace. A failure prints the one command that replays it.

import { describe, expect, it } from "vitest";
import { type ClusterOutcome, runCluster } from "../../sim/cluster-run.ts";
import { clusterScenario } from "../../sim/cluster-scenario.ts";

function explain(outcome: ClusterOutcome): string {
  return outcome.ok
    ? "ok"
    : `${outcome.failure?.kind}: ${outcome.failure?.message}\nreplay: ${outcome.replay}`;
}

describe("cluster seeds", () => {
  it.each([
    [3, 0x7d1n],
    [3, 0x129n],
    [5, 0x13cfn],
  ])("%i brokers, seed %s: no anomaly, live after healing", (nodes, seed) => {
    const outcome = runCluster(clusterScenario(seed, { nodes }));
    expect(explain(outcome)).toBe("ok");
    expect(outcome.stats.valuesAcked).toBeGreaterThan(0);
    expect(outcome.stats.elections).toBeGreaterThanOrEqual(6);
  });

  it("a calm three-broker run acknowledges and reads back every value", () => {
    const outcome = runCluster(
      clusterScenario(7n, { faults: { mode: "none" }, durationMs: 30_000 }),
    );
    expect(explain(outcome)).toBe("ok");
    expect(outcome.stats.valuesRead).toBe(outcome.stats.valuesAcked);
    expect(outcome.stats.valuesAcked).toBeGreaterThan(400);
  });

  it("replays a seed byte for byte", () => {
    const s = clusterScenario(0x2an, { durationMs: 20_000, livenessBoundMs: 10_000 });
    const first = runCluster(s);
    const second = runCluster(s);
    expect(second.stats.traceHash).toBe(first.stats.traceHash);
    expect(second.stats.events).toBe(first.stats.events);
  });
});
