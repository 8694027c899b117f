// Consumer groups served by one broker through its step(): FindCoordinator creating
// __consumer_offsets, JoinGroup/SyncGroup/Heartbeat/LeaveGroup, offsets committed to the log and
// loaded back after a restart, the groups in the broker's view and trace.

import { describe, expect, it } from "vitest";
import { decodeAssignment } from "../../../core/client/consumer-protocol.ts";
import { ErrorCode } from "../../../core/error-codes.ts";
import type { GroupRequest } from "../../../core/groups/group-coordinator.ts";
import type { ResponseOf } from "../../../core/protocol/index.ts";
import {
  assignment,
  commit,
  deleteGroups,
  describe as describeGroups,
  fetchOffsets,
  heartbeat,
  join,
  leave,
  listGroups,
  sync,
} from "../groups/support/requests.ts";
import { BrokerHarness } from "./support/harness.ts";
import { batchOf, createTopic, produceBody } from "./support/requests.ts";

const groupConfig = {
  offsetsTopicReplicationFactor: 1,
  offsetsTopicNumPartitions: 3,
  groupInitialRebalanceDelayMs: 0,
};

function send(h: BrokerHarness, request: GroupRequest, connection = 1): number {
  return h.send(request.api, request.body as never, connection);
}

/** Sends a group request and returns its answer, which must come without advancing time. */
function call<N extends GroupRequest["api"]>(
  h: BrokerHarness,
  api: N,
  request: GroupRequest,
  connection = 1,
): ResponseOf<N> {
  expect(request.api).toBe(api);
  const answer = h.answer(api, send(h, request, connection));
  if (answer === undefined) throw new Error(`${api} got no answer`);
  return answer;
}

/** Runs time until `answer` is there (bounded). */
function await_<T>(h: BrokerHarness, answer: () => T | undefined, maxMs = 10_000): T {
  for (let waited = 0; waited <= maxMs; waited += 50) {
    const found = answer();
    if (found !== undefined) return found;
    h.advance(50);
  }
  throw new Error("no answer in time");
}

/** FindCoordinator until the coordinator is known and its partition loaded. */
function coordinatorReady(h: BrokerHarness, group: string): void {
  const first = h.call("FindCoordinator", { key: group, keyType: 0 });
  expect(first.errorCode).toBe(ErrorCode.COORDINATOR_NOT_AVAILABLE);
  await_(h, () => {
    const found = h.call("FindCoordinator", { key: group, keyType: 0 });
    if (found.errorCode !== ErrorCode.NONE) return undefined;
    expect(found).toMatchObject({ nodeId: 1, port: 9092 });
    const probe = call(h, "OffsetFetch", fetchOffsets(group, null));
    return probe.errorCode === ErrorCode.NONE ? true : undefined;
  });
}

/** One member joined (MEMBER_ID_REQUIRED, rejoin) and synced as leader of generation 1. */
function joinAlone(h: BrokerHarness, group: string, topics: string[]) {
  const required = call(h, "JoinGroup", join(group, { topics, clientId: "c1" }));
  expect(required.errorCode).toBe(ErrorCode.MEMBER_ID_REQUIRED);
  const memberId = required.memberId;
  const joinId = send(h, join(group, { topics, memberId, clientId: "c1" }));
  const joined = await_(h, () => h.answer("JoinGroup", joinId));
  expect(joined).toMatchObject({ errorCode: 0, generationId: 1, leader: memberId });
  const mine = assignment([{ topic: topics[0] ?? "t", partitions: [0, 1] }]);
  const syncId = send(h, sync(group, memberId, 1, [{ memberId, assignment: mine }]));
  const synced = await_(h, () => h.answer("SyncGroup", syncId));
  expect(synced.errorCode).toBe(0);
  expect(decodeAssignment(synced.assignment)).toMatchObject({
    ok: true,
    value: { assignedPartitions: [{ topic: topics[0], partitions: [0, 1] }] },
  });
  return memberId;
}

describe("groups on one broker", () => {
  it("creates __consumer_offsets on the first FindCoordinator, compacted, with its own size", () => {
    const h = new BrokerHarness({ config: groupConfig }).start();
    coordinatorReady(h, "g");
    const md = h.call("Metadata", {
      topics: null,
      allowAutoTopicCreation: false,
      includeTopicAuthorizedOperations: false,
    } as never);
    expect(md.topics.map((t: { name: string }) => t.name)).toContain("__consumer_offsets");
    const offsets = h.view.partitions.filter((p) => p.topic === "__consumer_offsets");
    expect(offsets).toHaveLength(3);
    expect(h.events("coordinator-loaded").map((e) => e.partition)).toEqual([0, 1, 2]);
  });

  it("refuses produces to __consumer_offsets except from Kafka's admin client id", () => {
    const h = new BrokerHarness({ config: groupConfig }).start();
    coordinatorReady(h, "g");
    const body = produceBody("__consumer_offsets", 0, batchOf([{ key: "k", value: "forged" }]), 1);
    const answer = (clientId: string) => {
      const response = h.answer("Produce", h.send("Produce", body, 1, clientId));
      return response?.responses[0]?.partitionResponses[0]?.errorCode;
    };
    expect(answer("kcat")).toBe(ErrorCode.INVALID_TOPIC_EXCEPTION);
    expect(h.marks()).toContain("produce-to-internal-topic-refused");
    expect(answer("__admin_client")).toBe(ErrorCode.NONE);
  });

  it("refuses to create __consumer_offsets while fewer brokers than its RF are alive", () => {
    const h = new BrokerHarness({ config: { offsetsTopicNumPartitions: 3 } }).start();
    for (let i = 0; i < 3; i++) {
      expect(h.call("FindCoordinator", { key: "g", keyType: 0 }).errorCode).toBe(
        ErrorCode.COORDINATOR_NOT_AVAILABLE,
      );
      h.advance(1_000);
    }
    expect(h.view.topics).not.toContain("__consumer_offsets");
    expect(h.marks()).toContain("offsets-topic-too-few-brokers");
  });

  it("joins, syncs, heartbeats, commits and fetches through the broker", () => {
    const h = new BrokerHarness({ config: groupConfig }).start();
    createTopic(h, "t", 2);
    coordinatorReady(h, "g");
    const memberId = joinAlone(h, "g", ["t"]);
    expect(call(h, "Heartbeat", heartbeat("g", memberId, 1)).errorCode).toBe(0);
    expect(call(h, "Heartbeat", heartbeat("g", memberId, 0)).errorCode).toBe(
      ErrorCode.ILLEGAL_GENERATION,
    );
    const commitId = send(
      h,
      commit(
        "g",
        [
          ["t", 0, 5],
          ["t", 1, 7],
        ],
        { generationId: 1, memberId },
      ),
    );
    const committed = await_(h, () => h.answer("OffsetCommit", commitId));
    expect(committed.topics[0]?.partitions.map((p) => p.errorCode)).toEqual([0, 0]);
    const fetched = call(
      h,
      "OffsetFetch",
      fetchOffsets("g", [{ name: "t", partitionIndexes: [0, 1] }]),
    );
    expect(fetched.topics[0]?.partitions.map((p) => p.committedOffset)).toEqual([5, 7]);

    const group = h.view.groups.find((g) => g.groupId === "g");
    expect(group).toMatchObject({ state: "Stable", generation: 1, protocol: "range" });
    expect(group?.offsets.map((o) => [o.topic, o.partition, o.offset])).toEqual([
      ["t", 0, 5],
      ["t", 1, 7],
    ]);
    const states = h.events("group-state").filter((e) => e.group === "g");
    expect(states.at(-1)).toMatchObject({
      state: "Stable",
      generation: 1,
      leader: memberId,
      members: [{ memberId, assignment: [{ topic: "t", partitions: [0, 1] }] }],
    });
    expect(h.events("offset-committed").map((e) => e.offset)).toEqual([5, 7]);

    const described = call(h, "DescribeGroups", describeGroups(["g"]));
    expect(described.groups[0]).toMatchObject({ errorCode: 0, groupState: "Stable" });
    expect(call(h, "ListGroups", listGroups()).groups).toEqual([
      { groupId: "g", protocolType: "consumer" },
    ]);
    const left = call(h, "LeaveGroup", leave("g", [{ memberId, groupInstanceId: null }]));
    expect(left.errorCode).toBe(0);
    expect(h.events("group-member-left").at(-1)).toMatchObject({ reason: "leave-group" });
    expect(h.view.groups.find((g) => g.groupId === "g")?.state).toBe("Empty");
  });

  it("loads groups and offsets back from the log after a restart and a crash", () => {
    const h = new BrokerHarness({ config: groupConfig }).start();
    createTopic(h, "t", 2);
    coordinatorReady(h, "g");
    const memberId = joinAlone(h, "g", ["t"]);
    const commitId = send(h, commit("g", [["t", 0, 42]], { generationId: 1, memberId }));
    await_(h, () => h.answer("OffsetCommit", commitId));
    h.restart();
    const reloaded = await_(h, () => {
      const r = call(h, "OffsetFetch", fetchOffsets("g", [{ name: "t", partitionIndexes: [0] }]));
      return r.errorCode === 0 ? r : undefined;
    });
    expect(reloaded.topics[0]?.partitions[0]?.committedOffset).toBe(42);
    expect(h.view.groups.find((g) => g.groupId === "g")).toMatchObject({ generation: 1 });
    h.crashAndRestart();
    const afterCrash = await_(h, () => {
      const r = call(h, "OffsetFetch", fetchOffsets("g", [{ name: "t", partitionIndexes: [0] }]));
      return r.errorCode === 0 ? r : undefined;
    });
    // acks=all with fsync-before-ack: an answered commit is durable.
    expect(afterCrash.topics[0]?.partitions[0]?.committedOffset).toBe(42);
  });

  it("answers the group APIs as Kafka does before the coordinator exists", () => {
    const h = new BrokerHarness({ config: groupConfig }).start();
    expect(call(h, "Heartbeat", heartbeat("g", "m", 1)).errorCode).toBe(ErrorCode.NOT_COORDINATOR);
    expect(call(h, "OffsetFetch", fetchOffsets("g", null)).errorCode).toBe(
      ErrorCode.NOT_COORDINATOR,
    );
    expect(call(h, "ListGroups", listGroups())).toMatchObject({ errorCode: 0, groups: [] });
    expect(call(h, "DeleteGroups", deleteGroups(["g"])).results[0]?.errorCode).toBe(
      ErrorCode.NOT_COORDINATOR,
    );
  });

  it("deletes an empty group and its offsets", () => {
    const h = new BrokerHarness({ config: groupConfig }).start();
    createTopic(h, "t", 1);
    coordinatorReady(h, "g");
    const commitId = send(h, commit("g", [["t", 0, 3]]));
    expect(await_(h, () => h.answer("OffsetCommit", commitId)).topics[0]?.partitions[0]).toEqual({
      partitionIndex: 0,
      errorCode: 0,
    });
    const deleteId = send(h, deleteGroups(["g"]));
    expect(await_(h, () => h.answer("DeleteGroups", deleteId)).results[0]?.errorCode).toBe(0);
    expect(h.view.groups).toEqual([]);
    h.restart();
    const r = await_(h, () => {
      const f = call(h, "OffsetFetch", fetchOffsets("g", [{ name: "t", partitionIndexes: [0] }]));
      return f.errorCode === 0 ? f : undefined;
    });
    expect(r.topics[0]?.partitions[0]?.committedOffset).toBe(-1);
  });
});
