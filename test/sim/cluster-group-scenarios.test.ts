// A group coordinator's broker crashes in the middle of a rebalance, on a 3-broker cluster running
// the groups workload: a calm run finds when and where a group is rebalancing, the same seed is run
// again with that broker crashed then (determinism makes the two runs equal until the crash), and
// the run must pass every check while another broker loads the group's offsets partition and the
// group completes a generation again. A generation whose SyncGroup never completed was never
// written (as in Kafka), so the new coordinator may restart the group below it: the checkers hold
// that no generation that handed out partitions is ever handed out again.

import { expect, it } from "vitest";
import { type NodeId, nodeId } from "../../core/ids.ts";
import type { TraceEvent } from "../../core/trace.ts";
import { type ClusterOutcome, runCluster } from "../../sim/cluster-run.ts";
import { clusterScenario } from "../../sim/cluster-scenario.ts";
import type { ScheduledFault } from "../../sim/faults.ts";
import type { SimTraceEvent } from "../../sim/trace-format.ts";

const all: NodeId[] = [nodeId(1), nodeId(2), nodeId(3)];

interface Seen {
  readonly t: number;
  /** The node that traced it (undefined: the world itself). */
  readonly node: number | undefined;
  readonly event: TraceEvent | SimTraceEvent;
}

function run(faults: ScheduledFault[]): { outcome: ClusterOutcome; seen: Seen[] } {
  const seen: Seen[] = [];
  const schedule = [...faults, { atMs: 20_000, fault: { type: "stabilize", core: all } } as const];
  const outcome = runCluster(
    clusterScenario(0x5ce7n, {
      durationMs: 30_000,
      workload: "groups",
      faults: { mode: "explicit", schedule },
    }),
    { observers: [(_seq, t, node, event) => seen.push({ t, node, event })] },
  );
  return { outcome, seen };
}

function explain(outcome: ClusterOutcome): string {
  return outcome.ok
    ? "ok"
    : `${outcome.failure?.kind}: ${outcome.failure?.message}\nreplay: ${outcome.replay}`;
}

type GroupState = Extract<TraceEvent, { type: "group-state" }>;
const states = (seen: Seen[]) =>
  seen.flatMap(({ t, node, event }) =>
    event.type === "group-state" ? [{ t, node, state: event as GroupState }] : [],
  );

it("the coordinator's broker crashes mid-rebalance: another takes the group over and it becomes stable again", () => {
  const calm = run([]);
  expect(explain(calm.outcome)).toBe("ok");
  // The first rebalance after the setup that is still going on 20 ms later.
  const calmStates = states(calm.seen);
  const target = calmStates.find(
    ({ t, state }, i) =>
      t > 5_500 &&
      t < 16_000 &&
      state.state !== "Stable" &&
      state.state !== "Empty" &&
      !calmStates.slice(i + 1).some((s) => s.state.group === state.group && s.t <= t + 20),
  );
  expect(target).toBeDefined();
  const { t, node, state } = target!;
  expect(node).toBeDefined();
  const crashAt = Math.ceil(t) + 10;

  const failover = run([
    { atMs: crashAt, fault: { type: "crash", node: nodeId(node!) } },
    { atMs: crashAt + 5_000, fault: { type: "restart", node: nodeId(node!) } },
  ]);
  expect(explain(failover.outcome)).toBe("ok");
  const loaded = failover.seen.filter(
    (s) => s.t > crashAt && s.node !== node && s.event.type === "coordinator-loaded",
  );
  expect(loaded.length).toBeGreaterThan(0);
  const later = states(failover.seen).filter(
    (s) =>
      s.t > crashAt &&
      s.state.group === state.group &&
      s.state.state === "Stable" &&
      s.state.members.length > 0,
  );
  expect(later.length).toBeGreaterThan(0);
  const groups = failover.outcome.verdict?.groups;
  expect(groups?.counts).toEqual({});
  expect(groups?.stats.commits.ok).toBeGreaterThan(0);
});
