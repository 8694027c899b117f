// The ISR in a 3-node cluster: a stalled follower leaves it after replica.lag.time.max.ms and rejoins
// once caught up; acks=all with the ISR below min.insync.replicas is refused before the append, or
// answered NOT_ENOUGH_REPLICAS_AFTER_APPEND when the ISR shrinks under a waiting produce;
// REQUEST_TIMED_OUT when no ISR change comes; consumers get FENCED_LEADER_EPOCH from a stale epoch.

import { describe, expect, it } from "vitest";
import { ErrorCode } from "../../../core/error-codes.ts";
import { ClusterHarness } from "./support/cluster-harness.ts";
import { awaitConverged, createTopic, produceTo, replicasOf } from "./support/cluster-ops.ts";
import { batchOf, fetchBody, produceBody } from "./support/requests.ts";

const durable = { "min.insync.replicas": "2" };

function cluster(seed = 1): ClusterHarness {
  return new ClusterHarness({ seed, config: { replicaLagTimeMaxMs: 2_000 } }).startAndWait();
}

function leaderIsr(h: ClusterHarness, topic: string): readonly number[] {
  return replicasOf(h, topic, 0).find((r) => r.role === "leader")?.isr ?? [];
}

describe("ISR shrink and expand", () => {
  it("drops a stalled follower from the ISR and takes it back once it catches up", () => {
    const h = cluster();
    createTopic(h, "t", { configs: durable });
    const leader = h.leaderOf("t", 0);
    const slow = h.ids.find((id) => id !== leader)!;
    h.holdDisk(slow, true);
    // The stalled follower cannot acknowledge (its appends never sync): writes still commit with two.
    expect(produceTo(h, leader, "t", 0, ["a"]).errorCode).toBe(0);
    expect(h.runUntil(() => !leaderIsr(h, "t").includes(slow), 10_000)).toBe(true);
    const shrink = h.events("isr-shrink-proposed", leader).at(-1);
    expect(shrink?.lagging.map((l) => l.replicaId)).toEqual([slow]);
    expect(produceTo(h, leader, "t", 0, ["b"]).errorCode).toBe(0);
    h.holdDisk(slow, false);
    expect(h.runUntil(() => leaderIsr(h, "t").includes(slow), 10_000)).toBe(true);
    expect(h.events("isr-expand-proposed", leader).at(-1)?.replicaId).toBe(slow);
    awaitConverged(h, "t", 0);
  });
});

describe("min.insync.replicas", () => {
  // RF 2 on brokers 1 and 2: stalling broker 2 leaves the metadata quorum a majority (1 and 3).
  it("refuses acks=all with NOT_ENOUGH_REPLICAS once the ISR is below the minimum", () => {
    const h = cluster(2);
    createTopic(h, "t", { configs: durable, assignments: [[1, 2]] });
    const leader = h.leaderOf("t", 0);
    expect(leader).toBe(1);
    h.holdDisk(2, true);
    // acks=1 appends without the ISR; the stalled follower cannot acknowledge it, so it lags.
    expect(produceTo(h, leader, "t", 0, ["y"], 1).errorCode).toBe(0);
    expect(h.runUntil(() => leaderIsr(h, "t").length === 1, 10_000)).toBe(true);
    expect(produceTo(h, leader, "t", 0, ["x"]).errorCode).toBe(ErrorCode.NOT_ENOUGH_REPLICAS);
    const rejected = h.events("produce-rejected", leader);
    expect(rejected.at(-1)?.errorCode).toBe(ErrorCode.NOT_ENOUGH_REPLICAS);
  });

  it("answers NOT_ENOUGH_REPLICAS_AFTER_APPEND when the ISR shrinks under a waiting produce", () => {
    const h = cluster(3);
    createTopic(h, "t", { configs: durable, assignments: [[1, 2]] });
    const leader = h.leaderOf("t", 0);
    h.holdDisk(2, true);
    const id = h.send(leader, "Produce", produceBody("t", 0, batchOf(["w"]), -1, 20_000), 2);
    expect(h.runUntil(() => h.answer("Produce", id) !== undefined, 15_000)).toBe(true);
    const answer = h.answer("Produce", id)?.responses[0]?.partitionResponses[0];
    expect(answer?.errorCode).toBe(ErrorCode.NOT_ENOUGH_REPLICAS_AFTER_APPEND);
  });

  it("answers REQUEST_TIMED_OUT when the ISR neither acknowledges nor shrinks in time", () => {
    const h = cluster(4);
    createTopic(h, "t", { configs: durable });
    const leader = h.leaderOf("t", 0);
    for (const f of h.ids.filter((id) => id !== leader)) h.holdDisk(f, true);
    const id = h.send(leader, "Produce", produceBody("t", 0, batchOf(["w"]), -1, 500), 2);
    expect(h.runUntil(() => h.answer("Produce", id) !== undefined, 5_000)).toBe(true);
    const answer = h.answer("Produce", id)?.responses[0]?.partitionResponses[0];
    expect(answer?.errorCode).toBe(ErrorCode.REQUEST_TIMED_OUT);
  });
});

describe("leader epochs for consumers", () => {
  it("answers FENCED_LEADER_EPOCH for an older epoch and UNKNOWN_LEADER_EPOCH for a newer one", () => {
    const h = cluster(5);
    createTopic(h, "t", { configs: durable });
    const leader = h.leaderOf("t", 0);
    expect(produceTo(h, leader, "t", 0, ["a"]).errorCode).toBe(0);
    awaitConverged(h, "t", 0);
    const epoch = replicasOf(h, "t", 0)[0]!.leaderEpoch;
    const fetch = (currentLeaderEpoch: number) =>
      h.call(
        leader,
        "Fetch",
        fetchBody([{ topic: "t", partition: 0, offset: 0 }], { currentLeaderEpoch }),
        3,
      ).responses[0]?.partitions[0]?.errorCode;
    expect(fetch(epoch)).toBe(0);
    if (epoch > 0) expect(fetch(epoch - 1)).toBe(ErrorCode.FENCED_LEADER_EPOCH);
    expect(fetch(epoch + 1)).toBe(ErrorCode.UNKNOWN_LEADER_EPOCH);
  });
});
