// Targeted scenarios of the metadata quorum, each on a fixed seed: pre-vote, stale logs, diverging
// epochs, snapshot install, crashes around vote persistence, graceful resignation, observers.

import { describe, expect, it } from "vitest";
import type { RaftMessage } from "../../../../core/metadata/messages.ts";
import { Cluster } from "../support/cluster.ts";
import { healAll } from "../support/faults.ts";
import { checkLiveness } from "../support/run-property.ts";
import { SeededRng } from "../support/seeded-rng.ts";

function settled(c: Cluster, until: number): void {
  c.runUntil(until);
  c.assertSafe();
}

function others(c: Cluster, id: number): number[] {
  return c.nodes.map((n) => n.id).filter((n) => n !== id);
}

describe("metadata quorum scenarios", () => {
  it("pre-vote keeps a partitioned voter from disrupting a stable leader when it rejoins", () => {
    const c = new Cluster({ voters: 3, seed: "pre-vote", proposeEveryMs: 50 });
    settled(c, 3_000);
    const leader = c.stableLeader()!;
    const epoch = leader.view().epoch;
    const isolated = others(c, leader.id)[0]!;
    c.partition([isolated], others(c, isolated));
    settled(c, 13_000);
    expect(c.node(isolated).marks.get("raft-follower-fetch-timeout")).toBeGreaterThan(0);
    // Its pre-votes never won, so it never bumped its epoch.
    expect(c.node(isolated).view().epoch).toBe(epoch);
    c.heal();
    settled(c, 18_000);
    expect(c.stableLeader()?.id).toBe(leader.id);
    expect(c.stableLeader()?.view().epoch).toBe(epoch);
    expect(c.node(isolated).view()).toMatchObject({ role: "follower", leaderId: leader.id });
    c.proposing = false;
    settled(c, 20_000);
    checkLiveness(c);
  });

  it("a candidate with a stale log is refused and cannot win", () => {
    const c = new Cluster({ voters: 3, seed: "stale-log", proposeEveryMs: 50 });
    settled(c, 3_000);
    const leader = c.stableLeader()!;
    const [stale, fresh] = others(c, leader.id) as [number, number];
    c.partition([stale], others(c, stale));
    settled(c, 6_000);
    const view = c.node(stale).view();
    const reply = c.inject(fresh, stale, {
      type: "raft-vote-request",
      correlationId: 999,
      epoch: view.epoch + 1,
      candidateId: view.nodeId,
      lastEpoch: view.lastEpoch,
      lastEndOffset: view.logEndOffset,
      preVote: false,
    });
    expect(reply).toContainEqual(expect.objectContaining({ voteGranted: false }));
    expect(c.mark("raft-vote-rejected-stale-log")).toBeGreaterThan(0);
    c.crash(leader.id);
    c.heal();
    settled(c, 20_000);
    const newLeaders = [...c.checker.leaders.entries()].filter(([e]) => e > view.epoch);
    expect(newLeaders.length).toBeGreaterThan(0);
    expect(newLeaders.every(([, id]) => id === fresh)).toBe(true);
  });

  it("a deposed leader truncates its uncommitted tail through a diverging epoch", () => {
    // No snapshots here: the deposed leader must meet the new log through Fetch, not a snapshot.
    const config = { snapshotThresholdBytes: 1_000_000 };
    const c = new Cluster({ voters: 3, seed: "diverge", proposeEveryMs: 40, config });
    settled(c, 3_000);
    const old = c.stableLeader()!;
    c.partition([old.id], others(c, old.id));
    settled(c, 9_000);
    expect(c.accepted.some((p) => p.node === old.id && p.at > 3_000)).toBe(true);
    c.heal();
    settled(c, 16_000);
    expect(c.node(old.id).marks.get("follower-truncated-divergent-tail")).toBeGreaterThan(0);
    expect(c.mark("raft-leader-answered-diverging-epoch")).toBeGreaterThan(0);
    expect(c.stableLeader()?.id).not.toBe(old.id);
    c.proposing = false;
    settled(c, 20_000);
    checkLiveness(c);
  });

  it("a far-behind follower installs the leader's snapshot, then fetches on", () => {
    const c = new Cluster({ voters: 3, seed: "snapshot", proposeEveryMs: 20 });
    settled(c, 2_000);
    const behind = others(c, c.stableLeader()!.id)[0]!;
    c.crash(behind);
    settled(c, 12_000);
    const leader = c.stableLeader()!;
    expect(leader.view().logStartOffset).toBeGreaterThan(c.node(behind).model.entries.size);
    c.restart(behind);
    settled(c, 20_000);
    const node = c.node(behind);
    expect(node.marks.get("raft-follower-fetching-snapshot")).toBeGreaterThan(0);
    // The snapshot came in several FetchSnapshot chunks (fetchSnapshotMaxBytes is small here).
    expect(c.sent.get("raft-fetch-snapshot-response")).toBeGreaterThan(1);
    expect(node.view().snapshotId).not.toBeNull();
    expect(node.view().logStartOffset).toBeGreaterThan(0);
    c.proposing = false;
    settled(c, 24_000);
    checkLiveness(c);
  });

  it("crashes during vote persistence never let a vote out early or twice", () => {
    let hits = 0;
    for (let s = 0; s < 6; s++) {
      const c = new Cluster({ voters: 3, seed: `vote-crash-${s}`, diskLatencyMaxMs: 40 });
      const rng = new SeededRng(`storm-${s}`);
      for (let t = 200; t < 10_000; t += 150 + rng.int("gap", 300)) {
        const victim = 1 + rng.int("victim", 3);
        c.at(t, () => c.crash(victim));
        c.at(t + 50 + rng.int("down", 200), () => {
          if (!c.node(victim).alive) c.restart(victim);
        });
      }
      settled(c, 10_500);
      healAll(c);
      settled(c, 30_000);
      checkLiveness(c);
      hits += c.crashesDuringElectionWrite;
    }
    expect(hits).toBeGreaterThan(0);
  });

  it.each([
    ["resigns first (EndQuorumEpoch)", true],
    ["just stops", false],
  ])("a leader that %s is replaced", (_name, resign) => {
    const c = new Cluster({ voters: 3, seed: "resign", proposeEveryMs: 50 });
    settled(c, 3_000);
    const old = c.stableLeader()!.id;
    if (resign) expect(c.resign(old)).toBe(true);
    c.at(5, () => c.crash(old));
    const start = c.now;
    while (c.stableLeader() === undefined || c.stableLeader()!.id === old) {
      expect(c.now - start, "a new leader within 10 s").toBeLessThan(10_000);
      settled(c, c.now + 10);
    }
    const gap = c.now - start;
    if (resign) {
      expect(gap).toBeLessThan(1_000);
      expect(c.mark("raft-end-quorum-epoch-received")).toBeGreaterThan(0);
    } else {
      expect(gap).toBeGreaterThan(2_000);
    }
  });

  it("an observer replicates the log but never votes or leads", () => {
    const c = new Cluster({ voters: 3, observers: 2, seed: "observer", proposeEveryMs: 30 });
    settled(c, 6_000);
    const observer = c.node(4);
    const reply = c.inject(4, 1, {
      type: "raft-vote-request",
      correlationId: 1,
      epoch: observer.view().epoch + 1,
      candidateId: observer.view().nodeId,
      lastEpoch: 99,
      lastEndOffset: 10_000,
      preVote: false,
    } satisfies RaftMessage);
    expect(reply).toContainEqual(expect.objectContaining({ voteGranted: false }));
    c.proposing = false;
    settled(c, 9_000);
    for (const id of [4, 5]) {
      expect(c.node(id).view()).toMatchObject({ isVoter: false, role: "follower" });
    }
    expect([...c.checker.leaders.values()].every((id) => id <= 3)).toBe(true);
    checkLiveness(c);
  });
});
