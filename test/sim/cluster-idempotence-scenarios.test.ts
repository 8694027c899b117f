// Idempotent producers across a leader failover on a 3-broker cluster: batches the old leader had
// replicated but not answered are retried to the new leaders, which recognise them (the five-batch
// window) and answer their original offsets. The run's checkers would see any other answer: an
// acknowledged offset that differs from where the record sits is an idempotent-duplicate.

import { expect, it } from "vitest";
import { type NodeId, nodeId } from "../../core/ids.ts";
import { type ClusterOutcome, runCluster } from "../../sim/cluster-run.ts";
import { clusterScenario } from "../../sim/cluster-scenario.ts";
import type { ScheduledFault } from "../../sim/faults.ts";

const all: NodeId[] = [nodeId(1), nodeId(2), nodeId(3)];
const CRASH_MS = 10_000;

function run(faults: ScheduledFault[]): { outcome: ClusterOutcome; deduplicated: number[] } {
  const deduplicated: number[] = [];
  const schedule = [...faults, { atMs: 20_000, fault: { type: "stabilize", core: all } } as const];
  const outcome = runCluster(
    clusterScenario(0x5ce7n, {
      durationMs: 30_000,
      workload: "idempotent",
      faults: { mode: "explicit", schedule },
    }),
    {
      observers: [
        (_seq, _t, node, event) => {
          if (event.type === "mark" && event.name === "producer-batch-deduplicated")
            deduplicated.push(node ?? 0);
        },
      ],
    },
  );
  return { outcome, deduplicated };
}

function explain(outcome: ClusterOutcome): string {
  return outcome.ok
    ? "ok"
    : `${outcome.failure?.kind}: ${outcome.failure?.message}\nreplay: ${outcome.replay}`;
}

it("a leader crash: retried batches get their original offsets from the new leaders, nothing twice", () => {
  const calm = run([]);
  expect(explain(calm.outcome)).toBe("ok");
  expect(calm.deduplicated).toEqual([]);

  const failover = run([
    { atMs: CRASH_MS, fault: { type: "crash", node: nodeId(1) } },
    { atMs: CRASH_MS + 4_000, fault: { type: "restart", node: nodeId(1) } },
  ]);
  expect(explain(failover.outcome)).toBe("ok");
  // Retries the surviving brokers recognised as already written.
  expect(failover.deduplicated.filter((n) => n !== 1).length).toBeGreaterThan(0);
  const groups = failover.outcome.verdict?.groups;
  expect(groups?.counts).toEqual({});
  expect(groups?.stats.idempotentValues).toBeGreaterThan(100);
  expect(failover.outcome.stats.valuesAcked).toBeGreaterThan(100);
});
