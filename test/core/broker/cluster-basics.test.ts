// A 3-node cluster in combined mode: one controller elected, every broker registered and unfenced,
// topics created with replication factor 3, records replicated to every replica and acknowledged
// with acks=all only once the ISR has them, Metadata listing every broker and the ISR.

import { describe, expect, it } from "vitest";
import { ClusterHarness } from "./support/cluster-harness.ts";
import {
  awaitConverged,
  createTopic,
  produceTo,
  readAll,
  replicasOf,
} from "./support/cluster-ops.ts";

describe("a three-node cluster", () => {
  it("elects one controller and registers and unfences every broker", () => {
    const h = new ClusterHarness().startAndWait();
    const views = h.views();
    expect(views.filter((v) => v.activeController)).toHaveLength(1);
    for (const v of views) {
      expect(v.phase).toBe("ready");
      expect(v.brokerEpoch).toBeGreaterThanOrEqual(0);
      expect(v.brokers.map((b) => [b.brokerId, b.fenced])).toEqual([
        [1, false],
        [2, false],
        [3, false],
      ]);
    }
  });

  it("replicates an acks=all produce to every replica before answering", () => {
    const h = new ClusterHarness().startAndWait();
    createTopic(h, "t", { partitions: 2 });
    const leader = h.leaderOf("t", 0);
    expect(leader).toBeGreaterThan(0);
    const answer = produceTo(h, leader, "t", 0, ["a", "b", "c"]);
    expect(answer.errorCode).toBe(0);
    expect(answer.baseOffset).toBe(0);
    awaitConverged(h, "t", 0);
    for (const r of replicasOf(h, "t", 0)) {
      expect(r.isr).toEqual(expect.arrayContaining([1, 2, 3]));
      expect(r.logEndOffset).toBe(3);
    }
    expect(readAll(h, leader, "t", 0).map((r) => r.value)).toEqual(["a", "b", "c"]);
  });

  it("forwards CreateTopics from any broker and lists every broker in Metadata", () => {
    const h = new ClusterHarness().startAndWait();
    const controller = h.activeController();
    const other = h.ids.find((id) => id !== controller)!;
    createTopic(h, "fwd", { partitions: 3, via: other });
    const meta = h.call(other, "Metadata", { topics: null, allowAutoTopicCreation: false });
    expect(meta.brokers.map((b) => b.nodeId).sort()).toEqual([1, 2, 3]);
    expect(meta.controllerId).toBe(controller);
    const topic = meta.topics.find((t) => t.name === "fwd");
    expect(topic?.partitions).toHaveLength(3);
    for (const p of topic?.partitions ?? []) {
      expect(p.replicaNodes).toHaveLength(3);
      expect(p.isrNodes).toHaveLength(3);
      expect(p.replicaNodes).toContain(p.leaderId);
    }
    expect(h.marks(other)).toContain("admin-request-forwarded");
  });

  it("answers NOT_LEADER_OR_FOLLOWER from a follower", () => {
    const h = new ClusterHarness().startAndWait();
    createTopic(h, "t");
    const leader = h.leaderOf("t", 0);
    const follower = h.ids.find((id) => id !== leader)!;
    expect(produceTo(h, follower, "t", 0, ["x"]).errorCode).toBe(6);
  });
});
