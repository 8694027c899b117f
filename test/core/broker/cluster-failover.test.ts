// Failover scenarios of a 3-node cluster (RF 3, min.insync.replicas 2, acks=all): a crashed leader
// is replaced from the ISR and loses nothing acknowledged; a restarted replica catches up and
// rejoins the ISR; a stale leader cut off by a partition is fenced, and truncates its divergent
// tail once healed; KIP-101's double failover; a controller failover.

import { describe, expect, it } from "vitest";
import { ClusterHarness } from "./support/cluster-harness.ts";
import {
  awaitConverged,
  createTopic,
  produceTo,
  readAll,
  replicasOf,
  servingLeaders,
} from "./support/cluster-ops.ts";

const durable = { "min.insync.replicas": "2" };

function cluster(seed = 1): ClusterHarness {
  return new ClusterHarness({ seed, config: { replicaLagTimeMaxMs: 3_000 } }).startAndWait();
}

/** Waits for the partition to be led by someone other than `old`, serving. */
function awaitNewLeader(h: ClusterHarness, topic: string, old: number, maxMs = 30_000): number {
  const ok = h.runUntil(() => {
    const leader = h.leaderOf(topic, 0);
    return leader > 0 && leader !== old && servingLeaders(h, topic);
  }, maxMs);
  expect(ok).toBe(true);
  return h.leaderOf(topic, 0);
}

describe("leader failover", () => {
  it("elects a new leader from the ISR after the leader crashes, keeping every acked record", () => {
    const h = cluster();
    createTopic(h, "t", { configs: durable });
    const leader = h.leaderOf("t", 0);
    expect(produceTo(h, leader, "t", 0, ["a", "b"]).errorCode).toBe(0);
    h.crash(leader);
    const next = awaitNewLeader(h, "t", leader);
    const elected = h.events("leader-elected").filter((e) => e.topic === "t" && e.leader === next);
    expect(elected.at(-1)?.reason).toBe("broker-fenced");
    expect(elected.at(-1)?.unclean).toBe(false);
    expect(produceTo(h, next, "t", 0, ["c"]).errorCode).toBe(0);
    expect(readAll(h, next, "t", 0).map((r) => r.value)).toEqual(["a", "b", "c"]);
    h.restart(leader);
    h.runUntil(() => h.allReady(), 20_000);
    awaitConverged(h, "t", 0, 20_000);
    // The restarted broker is back in the ISR of the partition.
    h.runUntil(() => replicasOf(h, "t", 0).every((r) => r.isr.length === 3), 20_000);
    expect(replicasOf(h, "t", 0).every((r) => r.isr.length === 3)).toBe(true);
  });

  it("fences a partitioned leader; it truncates its unacknowledged tail once healed", () => {
    const h = cluster(2);
    createTopic(h, "t", { configs: durable });
    const old = h.leaderOf("t", 0);
    expect(produceTo(h, old, "t", 0, ["a"]).errorCode).toBe(0);
    awaitConverged(h, "t", 0);
    h.isolate(old);
    // acks=1 on the isolated leader: appended there only, never acknowledged by the ISR.
    const stale = h.send(old, "Produce", {
      transactionalId: null,
      acks: 1,
      timeoutMs: 1_000,
      topicData: [
        {
          name: "t",
          partitionData: [{ index: 0, records: produceRecords(["lost-1", "lost-2"]) }],
        },
      ],
      legacyMessageSet: false,
    });
    h.runFor(10);
    expect(h.answer("Produce", stale)?.responses[0]?.partitionResponses[0]?.errorCode).toBe(0);
    const next = awaitNewLeader(h, "t", old);
    expect(produceTo(h, next, "t", 0, ["b", "c", "d"]).errorCode).toBe(0);
    h.heal();
    awaitConverged(h, "t", 0, 30_000);
    const truncated = h.events("follower-truncated", old).filter((e) => e.topic === "t");
    expect(truncated.length).toBeGreaterThan(0);
    expect(h.marks(old)).toContain("follower-truncated-divergent-tail");
    expect(readAll(h, next, "t", 0).map((r) => r.value)).toEqual(["a", "b", "c", "d"]);
  });

  it("survives KIP-101's double failover: a follower restarts, then the leader dies", () => {
    const h = cluster(3);
    createTopic(h, "t", { configs: durable });
    const leader = h.leaderOf("t", 0);
    const follower = h.ids.find((id) => id !== leader)!;
    const acked: string[] = [];
    for (let i = 0; i < 5; i++) {
      const value = `v${i}`;
      if (produceTo(h, leader, "t", 0, [value]).errorCode === 0) acked.push(value);
    }
    h.crash(follower);
    h.restart(follower);
    h.runFor(50);
    h.crash(leader);
    const next = awaitNewLeader(h, "t", leader, 40_000);
    // The new leader's ISR is itself alone until the restarted follower rejoins: then the HW moves.
    const hw = () => replicasOf(h, "t", 0).find((r) => r.role === "leader")?.highWatermark ?? 0;
    expect(h.runUntil(() => hw() >= acked.length, 30_000)).toBe(true);
    const read = readAll(h, next, "t", 0).map((r) => r.value);
    for (const value of acked) expect(read).toContain(value);
  });
});

describe("controller failover", () => {
  it("elects a new controller that keeps fencing and creating topics", () => {
    const h = cluster(4);
    const controller = h.activeController()!;
    h.crash(controller);
    expect(
      h.runUntil(() => {
        const active = h.activeController();
        return active !== undefined && active !== controller;
      }, 20_000),
    ).toBe(true);
    const survivor = h.ids.find((id) => id !== controller)!;
    createTopic(h, "after", { replicationFactor: 2, via: survivor });
    // The crashed controller's broker is fenced by the new controller once its session expires.
    expect(
      h.runUntil(
        () => h.view(survivor)?.brokers.find((b) => b.brokerId === controller)?.fenced === true,
        20_000,
      ),
    ).toBe(true);
    expect(h.events("broker-session-expired").some((e) => e.brokerId === controller)).toBe(true);
  });
});

function produceRecords(values: string[]): Uint8Array {
  return batch(values);
}

import { batchOf as batch } from "./support/requests.ts";
