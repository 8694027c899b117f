// Cluster runs (3 and 5 brokers, RF 3, min.insync.replicas 2, acks=all) under swarm faults: fixed
// seeds that must pass (each once found a bug), a calm run, and the same seed twice giving the same
// trace. A failure prints the one command that replays it.

import { describe, expect, it } from "vitest";
import type { HistoryOp } from "../../core/client/history.ts";
import { buildClusterRun, type ClusterOutcome, runCluster } from "../../sim/cluster-run.ts";
import { clusterScenario } from "../../sim/cluster-scenario.ts";
import type { TraceObserver } from "../../sim/trace-writer.ts";

/** A 30 s three-broker run of `workload`, with the history and coverage marks it produced. */
function runWatched(seed: bigint, workload: "groups" | "idempotent") {
  const history: HistoryOp[] = [];
  const marks = new Map<string, number>();
  const observer: TraceObserver = (_seq, _t, _node, event) => {
    if (event.type === "history" && event.op.phase !== "invoke") history.push(event.op);
    if (event.type === "mark") marks.set(event.name, (marks.get(event.name) ?? 0) + 1);
  };
  const s = clusterScenario(seed, { nodes: 3, workload, durationMs: 30_000 });
  const outcome = buildClusterRun(s, { observers: [observer] }).run();
  return { outcome, history, marks };
}

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

  it("3 brokers, heavy, seed 0xcc: a follower cutting into a closed segment is consistent at every step", () => {
    // Once failed "the active segment holds its indexes": two diverging-epoch truncations made a
    // closed segment active again while its indexes were still loading from disk.
    const outcome = runCluster(
      clusterScenario(0xccn, { nodes: 3, durationMs: 30_000, profile: "heavy" }),
    );
    expect(explain(outcome)).toBe("ok");
    expect(outcome.stats.valuesAcked).toBeGreaterThan(0);
  });

  it("3 brokers, seed 0x141aa547 (30 s): the healed core serves within the liveness bound", () => {
    // Once failed liveness: a latency tail of seconds on a core link after the heal held up a whole
    // connection, so a core broker kept losing its lease and refusing the final reader.
    const outcome = runCluster(clusterScenario(0x141aa547n, { nodes: 3, durationMs: 30_000 }));
    expect(explain(outcome)).toBe("ok");
    expect(outcome.stats.valuesAcked).toBeGreaterThan(0);
  });

  it("3 brokers, seed 0x14adcfa5 (30 s): a follower's queued truncation is not read as divergence", () => {
    // Once a false alarm of the replica-log check: a follower truncated its divergent tail and at
    // once appended the leader's batches at the same offsets; its disk still showed the old batch
    // (the truncate queued), compared against the follower's new HW.
    const outcome = runCluster(clusterScenario(0x14adcfa5n, { nodes: 3, durationMs: 30_000 }));
    expect(explain(outcome)).toBe("ok");
    expect(outcome.stats.valuesAcked).toBeGreaterThan(0);
  });

  it("a calm three-broker run acknowledges and reads back every value", () => {
    const outcome = runCluster(
      clusterScenario(7n, { faults: { mode: "none" }, durationMs: 30_000 }),
    );
    expect(explain(outcome)).toBe("ok");
    expect(outcome.stats.valuesRead).toBe(outcome.stats.valuesAcked);
    expect(outcome.stats.valuesAcked).toBeGreaterThan(400);
  });

  it("3 brokers, groups workload, seed 7: members follow the coordinator across its failover", () => {
    const { outcome, history } = runWatched(7n, "groups");
    expect(explain(outcome)).toBe("ok");
    const moved = history.filter(
      (op) => op.type === "commit" && op.phase === "info" && op.error === "NOT_COORDINATOR",
    );
    expect(moved.length).toBeGreaterThan(0);
    expect(
      history.filter((op) => op.type === "commit" && op.phase === "ok").length,
    ).toBeGreaterThan(20);
  });

  it("3 brokers, idempotent workload, seed 2: new leaders dedupe retries; an epoch bump", () => {
    const { outcome, history, marks } = runWatched(2n, "idempotent");
    expect(explain(outcome)).toBe("ok");
    expect(marks.get("producer-batch-deduplicated") ?? 0).toBeGreaterThan(0);
    expect(history.some((op) => op.type === "producer-id" && op.reason === "epoch-bump")).toBe(
      true,
    );
  });

  it.each([
    "groups",
    "idempotent",
  ] as const)("%s workload: replays a seed byte for byte", (workload) => {
    const s = clusterScenario(0x2an, { workload, durationMs: 15_000, livenessBoundMs: 10_000 });
    const first = runCluster(s);
    const second = runCluster(s);
    expect(second.stats.traceHash).toBe(first.stats.traceHash);
    expect(second.stats.events).toBe(first.stats.events);
  });

  it("replays a seed byte for byte", () => {
    const s = clusterScenario(0x2an, { durationMs: 20_000, livenessBoundMs: 10_000 });
    const first = runCluster(s);
    const second = runCluster(s);
    expect(second.stats.traceHash).toBe(first.stats.traceHash);
    expect(second.stats.events).toBe(first.stats.events);
  });
});
