// The published replication failures as scripted regression scenarios in the model world: KIP-101's
// double failover (and the pre-KIP-101 follower that truncates to its high watermark, which the
// checker must catch), KIP-101's power failure with divergent offsets, and KIP-279's fast failover.

import { describe, expect, it } from "vitest";
import { nodeId } from "../../../core/ids.ts";
import type { TraceEvent } from "../../../core/trace.ts";
import { HighWatermarkTruncatingFollower } from "./support/planted-bugs.ts";
import { ReplicationChecker } from "./support/replication-checker.ts";
import { ReplicationWorld, type WorldOptions } from "./support/replication-world.ts";

/** A quiet, fast, scripted world: 1 ms links and disks, no spontaneous fencing or ISR shrinks. */
function scenarioWorld(options: Partial<WorldOptions>, seed: string) {
  const world = new ReplicationWorld(
    {
      produceEveryMaxMs: 0,
      networkDelayMaxMs: 1,
      diskDelayMaxMs: 1,
      sessionTimeoutMs: 60_000,
      replicaLagTimeMaxMs: 60_000,
      ...options,
    },
    seed,
  );
  const checker = new ReplicationChecker();
  world.onEvent((w) => checker.check(w));
  return { world, checker };
}

function runUntil(world: ReplicationWorld, done: () => boolean, maxMs: number): void {
  const until = world.now + maxMs;
  while (!done()) {
    expect(world.now, "scenario step did not happen in time").toBeLessThan(until);
    world.runFor(1);
  }
}

function traces(world: ReplicationWorld, node: number): TraceEvent[] {
  return world
    .node(node)
    .outbox.take()
    .flatMap((e) => (e.type === "trace" ? [e.event] : []));
}

function crashAndFence(world: ReplicationWorld, node: number): void {
  world.inject({ type: "crash", node, downMs: 60_000 });
  world.inject({ type: "fence", node });
}

/**
 * Leader 1 acknowledges m1, m2 and dies before the followers learn the new HW (they learn it on
 * their next fetch answer); leader 2 dies before follower 3 fetches again; 3 is elected.
 */
function kip101DoubleFailover(options: Partial<WorldOptions>) {
  const { world, checker } = scenarioWorld({ minInsyncReplicas: 1, ...options }, "kip-101");
  world.runFor(100);
  world.node(1).produce(["m1", "m2"]);
  runUntil(world, () => world.acked.length === 2, 200);
  expect(world.node(3).log.highWatermark).toBeLessThan(2);
  crashAndFence(world, 1);
  runUntil(
    world,
    () => world.node(2).leader !== null && world.node(3).follower?.leaderId === 2,
    50,
  );
  crashAndFence(world, 2);
  runUntil(world, () => world.node(3).leader !== null, 50);
  world.runFor(200);
  return { world, checker };
}

describe("KIP-101: truncation by leader epoch, never to the high watermark", () => {
  it("a double failover keeps every acknowledged record on the last leader", () => {
    const { world } = kip101DoubleFailover({});
    expect(world.controller.assignment).toMatchObject({ leader: 3, isr: [3], leaderEpoch: 2 });
    expect([world.node(3).log.valueAt(0), world.node(3).log.valueAt(1)]).toEqual(["m1", "m2"]);
    expect(traces(world, 3).filter((e) => e.type === "follower-truncated")).toEqual([]);
  });

  it("the checker catches the pre-KIP-101 follower that truncates to its HW", () => {
    const planted = {
      followerFactory: (...args: ConstructorParameters<typeof HighWatermarkTruncatingFollower>) =>
        new HighWatermarkTruncatingFollower(...args),
    };
    expect(() => kip101DoubleFailover(planted)).toThrow(/acknowledged/);
  });

  it("replicas that lost different unsynced suffixes in a power failure converge by epoch", () => {
    const { world, checker } = scenarioWorld({ brokers: 2, minInsyncReplicas: 1 }, "kip-101-2");
    world.runFor(100);
    world.node(1).produce(["m1"]);
    runUntil(world, () => world.acked.length === 1, 200);
    // Broker 2 fetches m2 but cannot sync it, so never acknowledges it; broker 1 syncs it.
    world.inject({ type: "stall-disk", node: 2, ms: 60_000 });
    world.node(1).produce(["m2"]);
    runUntil(
      world,
      () => world.node(2).log.valueAt(1) === "m2" && world.node(1).log.durableOffset === 2,
      100,
    );
    expect(world.acked.length).toBe(1);
    world.inject({ type: "crash", node: 1, downMs: 500 });
    world.inject({ type: "fence", node: 1 });
    world.inject({ type: "crash", node: 2, downMs: 20 });
    world.inject({ type: "fence", node: 2 });
    // Broker 2 comes back first without m2, leads again, and takes m3 at offset 1.
    runUntil(world, () => world.node(2).leader !== null, 200);
    world.node(2).produce(["m3"]);
    runUntil(world, () => world.acked.length === 2, 100);
    // Broker 1 returns with m2 at offset 1 from epoch 0: it must cut it and take m3.
    runUntil(world, () => world.node(1).log.valueAt(1) === "m3", 1_000);
    world.runFor(200);
    checker.checkConverged(world);
    expect(traces(world, 1)).toContainEqual(
      expect.objectContaining({
        type: "follower-truncated",
        from: 2,
        to: 1,
        reason: "diverging-epoch",
      }),
    );
  });
});

describe("KIP-279: two leader changes before a follower fetches the new epoch", () => {
  it("followers with different divergent tails both truncate to the common prefix", () => {
    const { world, checker } = scenarioWorld({ minInsyncReplicas: 1 }, "kip-279");
    world.runFor(100);
    world.node(1).produce(["m1", "m2"]);
    runUntil(world, () => world.acked.length === 2, 200);
    // Broker 3 is cut off: it will not see m3 (epoch 0) nor m4 (epoch 1).
    world.inject({ type: "isolate", node: 3, ms: 60_000 });
    world.node(1).produce(["m3"]);
    runUntil(world, () => world.node(2).log.valueAt(2) === "m3", 50);
    crashAndFence(world, 1);
    runUntil(world, () => world.node(2).leader?.leaderEpoch === 1, 50);
    world.node(2).produce(["m4"]);
    runUntil(world, () => world.node(2).log.durableOffset === 4, 50);
    crashAndFence(world, 2);
    world.node(3).heal();
    runUntil(world, () => world.node(3).leader?.leaderEpoch === 2, 50);
    world.node(3).produce(["m5"]);
    runUntil(world, () => world.acked.length === 3, 100);
    world.node(1).restart();
    world.node(2).restart();
    world.runFor(500);
    checker.checkConverged(world);
    expect([0, 1, 2].map((o) => world.node(1).log.valueAt(o))).toEqual(["m1", "m2", "m5"]);
    const cut = (node: number) =>
      traces(world, node)
        .filter((e) => e.type === "follower-truncated")
        .map((e) => e.type === "follower-truncated" && [e.from, e.to]);
    expect(cut(1)).toEqual([[3, 2]]);
    expect(cut(2)).toEqual([[4, 2]]);
  });
});

describe("ISR expansion after a failover", () => {
  it("a lagging follower joins only once it reached the new leader's epoch start, not just its stale HW", () => {
    const { world, checker } = scenarioWorld(
      { minInsyncReplicas: 1, replicaLagTimeMaxMs: 200 },
      "expand",
    );
    world.runFor(100);
    world.node(1).produce(["m0", "m1"]);
    runUntil(world, () => world.acked.length === 2, 200);
    // Broker 3 falls behind and out of the ISR; m2, m3 are acknowledged by brokers 1 and 2.
    world.inject({ type: "isolate", node: 3, ms: 60_000 });
    world.node(1).produce(["m2", "m3"]);
    runUntil(world, () => world.acked.length === 4, 1_000);
    expect(world.controller.assignment.isr).toEqual([1, 2]);
    crashAndFence(world, 1);
    runUntil(world, () => world.node(2).leader !== null, 50);
    // Broker 2 leads with a stale HW: broker 3's log end already reaches it, but lacks m2, m3.
    expect(world.node(2).leader?.highWatermark).toBe(2);
    expect(world.node(3).log.logEndOffset).toBe(2);
    world.node(3).heal();
    runUntil(world, () => world.controller.assignment.isr.includes(nodeId(3)), 1_000);
    expect(world.node(3).log.valueAt(3)).toBe("m3");
    world.node(1).restart();
    world.runFor(1_000);
    checker.checkConverged(world);
  });
});
