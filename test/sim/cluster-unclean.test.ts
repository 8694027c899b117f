// Unclean leader election, shown by the simulator: with the topic's unclean.leader.election.enable
// on, a replica outside the ISR may lead once every ISR member is down, and the writes only the ISR
// held are lost; the checker is told exactly where that happened and excuses nothing else. With the
// setting off (the default) the same schedule elects no unclean leader and loses nothing. Five
// brokers, so the metadata quorum (3 of 5) survives two of a partition's three replicas going down.

import { describe, expect, it } from "vitest";
import { type NodeId, nodeId } from "../../core/ids.ts";
import { type ClusterOutcome, runCluster } from "../../sim/cluster-run.ts";
import { clusterScenario } from "../../sim/cluster-scenario.ts";
import type { ScheduledFault } from "../../sim/faults.ts";

const [n1, n2, n3, n4, n5] = [1, 2, 3, 4, 5].map(nodeId) as [
  NodeId,
  NodeId,
  NodeId,
  NodeId,
  NodeId,
];
const all: NodeId[] = [n1, n2, n3, n4, n5];

/**
 * Broker 3 goes down and falls out of every ISR while the others keep acknowledging; it comes back
 * just as 1 and 2 go down, so partitions replicated on 1, 2 and 3 have only a replica outside
 * their ISR left. 1 and 2 return later; everyone is back at the heal.
 */
const schedule: ScheduledFault[] = [
  { atMs: 6_000, fault: { type: "crash", node: n3 } },
  { atMs: 14_000, fault: { type: "restart", node: n3 } },
  { atMs: 14_000, fault: { type: "crash", node: n1 } },
  { atMs: 14_000, fault: { type: "crash", node: n2 } },
  { atMs: 20_000, fault: { type: "restart", node: n1 } },
  { atMs: 20_000, fault: { type: "restart", node: n2 } },
  { atMs: 26_000, fault: { type: "stabilize", core: all } },
];

function run(unclean: boolean): ClusterOutcome {
  return runCluster(
    clusterScenario(0x0c1ea0n, {
      nodes: 5,
      durationMs: 40_000,
      unclean,
      faults: { mode: "explicit", schedule },
    }),
  );
}

function explain(outcome: ClusterOutcome): string {
  return outcome.ok
    ? "ok"
    : `${outcome.failure?.kind}: ${outcome.failure?.message}\nreplay: ${outcome.replay}`;
}

describe("unclean leader election", () => {
  it("when enabled, elects a replica outside the ISR and loses acknowledged writes, excused there only", () => {
    const outcome = run(true);
    expect(explain(outcome)).toBe("ok");
    expect(outcome.stats.uncleanElections).toBeGreaterThan(0);
    const verdict = outcome.verdict;
    expect(verdict).toBeDefined();
    expect(verdict?.unexcused).toEqual({});
    // The loss is real and visible: offsets of acknowledged values given to other values after the
    // unclean leader's log won (what a consumer that read before it then sees as a send order
    // going back, or a value missing), excused on that partition only. Duplicates alone (resent
    // values) would not show it.
    const loss = Object.keys(verdict?.excused ?? {}).filter((cls) => cls !== "duplicate");
    expect(loss.length).toBeGreaterThan(0);
  });

  it("when disabled (the default), waits for an ISR member and loses nothing", () => {
    const outcome = run(false);
    expect(explain(outcome)).toBe("ok");
    expect(outcome.stats.uncleanElections).toBe(0);
    // Resent values may be stored twice (the producer is not idempotent): the contract allows
    // that; nothing acknowledged may be missing.
    expect(outcome.verdict?.excused["lost-write"]).toBeUndefined();
    expect(outcome.verdict?.unexcused).toEqual({});
    expect(outcome.stats.valuesAcked).toBeGreaterThan(100);
  });
});
