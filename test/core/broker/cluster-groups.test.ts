// Consumer groups on a 3-broker cluster (__consumer_offsets RF 3, min.insync.replicas 2): the
// coordinator is the leader of the group's offsets partition; when it crashes the new leader loads
// the partition's log and serves the committed offsets and the group; the old one, back as a
// follower, answers NOT_COORDINATOR.

import { describe, expect, it } from "vitest";
import { coordinatorPartitionFor } from "../../../core/client/java-string-hash.ts";
import { ErrorCode } from "../../../core/error-codes.ts";
import type { GroupRequest } from "../../../core/groups/group-coordinator.ts";
import type { ResponseOf } from "../../../core/protocol/index.ts";
import {
  assignment,
  commit,
  fetchOffsets,
  heartbeat,
  join,
  sync,
} from "../groups/support/requests.ts";
import { ClusterHarness } from "./support/cluster-harness.ts";
import { createTopic, replicasOf } from "./support/cluster-ops.ts";

const OFFSETS = "__consumer_offsets";
const PARTITIONS = 3;

function cluster(seed = 1): ClusterHarness {
  return new ClusterHarness({
    seed,
    config: {
      replicaLagTimeMaxMs: 3_000,
      minInsyncReplicas: 2,
      offsetsTopicNumPartitions: PARTITIONS,
      groupInitialRebalanceDelayMs: 0,
    },
  }).startAndWait();
}

function call<N extends GroupRequest["api"]>(
  h: ClusterHarness,
  to: number,
  api: N,
  request: GroupRequest,
): ResponseOf<N> {
  expect(request.api).toBe(api);
  return h.call(to, api, request.body as never);
}

/** FindCoordinator through `via` until it names a coordinator other than `not`. */
function findCoordinator(h: ClusterHarness, via: number, group: string, not = -1): number {
  let found = -1;
  const ok = h.runUntil(() => {
    const answer = h.call(via, "FindCoordinator", { key: group, keyType: 0 });
    if (answer.errorCode === ErrorCode.NONE && answer.nodeId !== not) found = answer.nodeId;
    else h.runFor(200);
    return found !== -1;
  }, 30_000);
  expect(ok).toBe(true);
  return found;
}

/** OffsetFetch on `to` until its answer is not a loading / moving coordinator's. */
function fetchWhenLoaded(h: ClusterHarness, to: number, group: string, topic: string) {
  let answer: ResponseOf<"OffsetFetch"> | undefined;
  h.runUntil(() => {
    answer = call(
      h,
      to,
      "OffsetFetch",
      fetchOffsets(group, [{ name: topic, partitionIndexes: [0, 1] }]),
    );
    if (answer.errorCode === ErrorCode.NONE) return true;
    h.runFor(200);
    return false;
  }, 30_000);
  expect(answer?.errorCode).toBe(ErrorCode.NONE);
  return answer;
}

describe("groups on a cluster", () => {
  it("fails over: the new leader of the offsets partition loads and serves the group", () => {
    const h = cluster();
    createTopic(h, "t", { partitions: 2 });
    const coordinator = findCoordinator(h, 1, "g");
    const partition = coordinatorPartitionFor("g", PARTITIONS);
    h.runUntil(() => h.leaderOf(OFFSETS, partition) === coordinator, 10_000);
    expect(h.leaderOf(OFFSETS, partition)).toBe(coordinator);
    fetchWhenLoaded(h, coordinator, "g", "t");

    const required = call(h, coordinator, "JoinGroup", join("g", { topics: ["t"] }));
    expect(required.errorCode).toBe(ErrorCode.MEMBER_ID_REQUIRED);
    const memberId = required.memberId;
    const joined = call(h, coordinator, "JoinGroup", join("g", { topics: ["t"], memberId }));
    expect(joined).toMatchObject({ errorCode: 0, generationId: 1, leader: memberId });
    const mine = assignment([{ topic: "t", partitions: [0, 1] }]);
    const synced = call(
      h,
      coordinator,
      "SyncGroup",
      sync("g", memberId, 1, [{ memberId, assignment: mine }]),
    );
    expect(synced.errorCode).toBe(0);
    const committed = call(
      h,
      coordinator,
      "OffsetCommit",
      commit(
        "g",
        [
          ["t", 0, 10],
          ["t", 1, 20],
        ],
        { generationId: 1, memberId },
      ),
    );
    expect(committed.topics[0]?.partitions.map((p) => p.errorCode)).toEqual([0, 0]);

    h.crash(coordinator);
    const survivor = h.ids.find((id) => id !== coordinator) ?? 1;
    const next = findCoordinator(h, survivor, "g", coordinator);
    expect(next).not.toBe(coordinator);
    const fetched = fetchWhenLoaded(h, next, "g", "t");
    expect(fetched?.topics[0]?.partitions.map((p) => p.committedOffset)).toEqual([10, 20]);
    expect(h.view(next)?.groups.find((g) => g.groupId === "g")).toMatchObject({
      state: "Stable",
      generation: 1,
      leader: memberId,
    });
    expect(h.events("coordinator-loaded", next).some((e) => e.partition === partition)).toBe(true);
    // The member carries on with the new coordinator: same generation, a fresh session.
    expect(call(h, next, "Heartbeat", heartbeat("g", memberId, 1)).errorCode).toBe(0);
    const more = call(
      h,
      next,
      "OffsetCommit",
      commit("g", [["t", 0, 11]], { generationId: 1, memberId }),
    );
    expect(more.topics[0]?.partitions[0]?.errorCode).toBe(0);

    // The old coordinator comes back as a follower of the partition: it coordinates nothing.
    h.restart(coordinator);
    h.runUntil(() => h.allReady(), 20_000);
    expect(h.allReady()).toBe(true);
    expect(h.leaderOf(OFFSETS, partition)).toBe(next);
    expect(call(h, coordinator, "Heartbeat", heartbeat("g", memberId, 1)).errorCode).toBe(
      ErrorCode.NOT_COORDINATOR,
    );
    const stale = call(h, coordinator, "OffsetFetch", fetchOffsets("g", null));
    expect(stale.errorCode).toBe(ErrorCode.NOT_COORDINATOR);
  });

  it("refuses commits while the offsets partition's ISR is below min.insync.replicas", () => {
    const h = cluster(3);
    createTopic(h, "t");
    const coordinator = findCoordinator(h, 1, "g");
    const partition = coordinatorPartitionFor("g", PARTITIONS);
    fetchWhenLoaded(h, coordinator, "g", "t");
    const altered = h.call(coordinator, "AlterConfigs", {
      resources: [
        {
          resourceType: 2,
          resourceName: OFFSETS,
          configs: [
            { name: "cleanup.policy", value: "compact" },
            { name: "segment.bytes", value: "104857600" },
            { name: "min.insync.replicas", value: "3" },
          ],
        },
      ],
      validateOnly: false,
    });
    expect(altered.responses[0]?.errorCode).toBe(0);
    const follower = h.ids.find((id) => id !== coordinator) ?? 1;
    h.crash(follower);
    const shrunk = () =>
      replicasOf(h, OFFSETS, partition).some((r) => r.leader === coordinator && r.isr.length === 2);
    expect(h.runUntil(shrunk, 30_000)).toBe(true);
    const refused = call(h, coordinator, "OffsetCommit", commit("g", [["t", 0, 1]]));
    expect(refused.topics[0]?.partitions[0]?.errorCode).toBe(ErrorCode.COORDINATOR_NOT_AVAILABLE);
    expect(h.marks(coordinator)).toContain("group-append-not-enough-replicas");
    h.restart(follower);
    const grown = () => replicasOf(h, OFFSETS, partition).every((r) => r.isr.length === 3);
    expect(h.runUntil(grown, 30_000)).toBe(true);
    const accepted = call(h, coordinator, "OffsetCommit", commit("g", [["t", 0, 1]]));
    expect(accepted.topics[0]?.partitions[0]?.errorCode).toBe(0);
  });

  it("answers COORDINATOR_NOT_AVAILABLE until enough brokers are alive for the offsets topic", () => {
    const h = new ClusterHarness({
      nodes: 2,
      config: { offsetsTopicNumPartitions: PARTITIONS },
    }).startAndWait();
    for (let i = 0; i < 3; i++) {
      expect(h.call(1, "FindCoordinator", { key: "g", keyType: 0 }).errorCode).toBe(
        ErrorCode.COORDINATOR_NOT_AVAILABLE,
      );
      h.runFor(500);
    }
    expect(h.views().every((v) => !v.topics.includes(OFFSETS))).toBe(true);
  });
});
