// Cluster membership and leadership duties: controlled shutdown moves leaderships away first,
// preferred leaders come back (auto.leader.rebalance.enable), unclean election only where a
// topic allows it, separate controller-only and broker-only nodes, replication factors bounded by
// the live brokers, and a five-node cluster.

import { describe, expect, it } from "vitest";
import { ErrorCode } from "../../../core/error-codes.ts";
import { nodeId } from "../../../core/ids.ts";
import { ClusterHarness } from "./support/cluster-harness.ts";
import {
  awaitConverged,
  createTopic,
  produceTo,
  readAll,
  replicasOf,
  servingLeaders,
} from "./support/cluster-ops.ts";

describe("controlled shutdown", () => {
  it("stops only once it leads nothing", () => {
    const h = new ClusterHarness({ seed: 12 }).startAndWait();
    createTopic(h, "t", { partitions: 3 });
    const victim = h.leaderOf("t", 0);
    h.shutdown(victim);
    expect(h.runUntil(() => h.view(victim)?.phase === "stopped", 10_000)).toBe(true);
    expect(h.events("broker-stopped", victim)).toHaveLength(1);
    for (let p = 0; p < 3; p++) {
      expect(h.runUntil(() => h.leaderOf("t", p) !== victim, 5_000)).toBe(true);
    }
    const elected = h.events("leader-elected").filter((e) => e.reason === "controlled-shutdown");
    expect(elected.length).toBeGreaterThan(0);
    expect(h.runUntil(() => servingLeaders(h, "t"), 10_000)).toBe(true);
    const leader = h.leaderOf("t", 0);
    expect(produceTo(h, leader, "t", 0, ["after"], -1).errorCode).toBe(0);
  });
});

describe("preferred leader election", () => {
  it("moves leadership back to the first replica once it is in sync again", () => {
    const h = new ClusterHarness({
      seed: 13,
      config: { leaderImbalanceCheckIntervalMs: 5_000, replicaLagTimeMaxMs: 2_000 },
    }).startAndWait();
    createTopic(h, "t", { assignments: [[1, 2, 3]] });
    expect(h.leaderOf("t", 0)).toBe(1);
    h.crash(1);
    expect(h.runUntil(() => h.leaderOf("t", 0) > 1, 30_000)).toBe(true);
    h.restart(1);
    expect(h.runUntil(() => h.leaderOf("t", 0) === 1 && servingLeaders(h, "t"), 60_000)).toBe(true);
    expect(h.events("leader-elected").some((e) => e.reason === "preferred")).toBe(true);
  });
});

describe("unclean leader election", () => {
  const lastStanding = (unclean: boolean) => {
    const h = new ClusterHarness({
      seed: 14,
      config: { replicaLagTimeMaxMs: 2_000 },
    }).startAndWait();
    const configs = unclean ? { "unclean.leader.election.enable": "true" } : {};
    createTopic(h, "t", { assignments: [[1, 2]], configs });
    expect(produceTo(h, 1, "t", 0, ["a"]).errorCode).toBe(0);
    awaitConverged(h, "t", 0);
    // Broker 2 stalls and leaves the ISR; then the last ISR member, broker 1, dies for good.
    h.holdDisk(2, true);
    expect(produceTo(h, 1, "t", 0, ["b"], 1).errorCode).toBe(0);
    const leaderIsr = () => replicasOf(h, "t", 0).find((r) => r.role === "leader")?.isr ?? [];
    expect(h.runUntil(() => leaderIsr().length === 1, 10_000)).toBe(true);
    h.crash(1);
    h.holdDisk(2, false);
    return h;
  };

  it("leaves the partition leaderless when the topic does not allow it", () => {
    const h = lastStanding(false);
    h.runFor(20_000);
    expect(h.leaderOf("t", 0)).toBe(-1);
    expect(h.marks()).not.toContain("unclean-leader-election");
  });

  it("elects an out-of-sync replica, traced as unclean, when the topic allows it", () => {
    const h = lastStanding(true);
    expect(h.runUntil(() => h.leaderOf("t", 0) === 2, 30_000)).toBe(true);
    const elected = h.events("leader-elected").find((e) => e.unclean);
    expect(elected?.leader).toBe(2);
    expect(h.marks()).toContain("unclean-leader-election");
    // What the out-of-sync replica holds is the truth now ("b" happened to reach it).
    expect(readAll(h, 2, "t", 0).map((r) => r.value)[0]).toBe("a");
  });
});

describe("process roles", () => {
  it("runs separate controller-only and broker-only nodes", () => {
    const h = new ClusterHarness({
      nodes: 5,
      voters: [1, 2, 3],
      seed: 15,
      nodeConfig: (id) =>
        id <= 3 ? { processRoles: ["controller"] } : { processRoles: ["broker"] },
    }).startAndWait();
    expect(h.activeController()).toBeLessThanOrEqual(3);
    const view = h.view(4)!;
    expect(view.raft.isVoter).toBe(false);
    expect(view.brokers.map((b) => b.brokerId)).toEqual([4, 5]);
    createTopic(h, "t", { replicationFactor: 2, via: 4 });
    const leader = h.leaderOf("t", 0);
    expect([4, 5]).toContain(leader);
    expect(produceTo(h, leader, "t", 0, ["x"]).errorCode).toBe(0);
    awaitConverged(h, "t", 0);
  });

  it("refuses a replication factor above the live brokers", () => {
    const h = new ClusterHarness({ seed: 16 }).startAndWait();
    const answer = h.call(1, "CreateTopics", {
      topics: [
        { name: "big", numPartitions: 1, replicationFactor: 4, assignments: [], configs: [] },
      ],
      timeoutMs: 10_000,
      validateOnly: false,
    });
    expect(answer.topics[0]?.errorCode).toBe(ErrorCode.INVALID_REPLICATION_FACTOR);
  });

  it("runs a five-node cluster with RF 3 across all brokers", () => {
    const h = new ClusterHarness({ nodes: 5, seed: 17 }).startAndWait();
    createTopic(h, "t", { partitions: 5 });
    const leaders = new Set<number>();
    for (let p = 0; p < 5; p++) leaders.add(h.leaderOf("t", p));
    expect(leaders.size).toBeGreaterThan(1);
    const leader = h.leaderOf("t", 0);
    expect(produceTo(h, leader, "t", 0, ["x"]).errorCode).toBe(0);
    awaitConverged(h, "t", 0);
    expect(replicasOf(h, "t", 0)).toHaveLength(3);
    expect(nodeId(leader)).toBe(leader);
  });
});
