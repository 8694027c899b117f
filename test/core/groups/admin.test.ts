// DescribeGroups, ListGroups, DeleteGroups, and which coordinator answers: NOT_COORDINATOR for a
// partition led elsewhere, COORDINATOR_LOAD_IN_PROGRESS while its log is being replayed.

import { describe, expect, it } from "vitest";
import { coordinatorPartitionFor } from "../../../core/client/java-string-hash.ts";
import { ErrorCode } from "../../../core/error-codes.ts";
import { CoordinatorHarness } from "./support/coordinator-harness.ts";
import { groupOf, stableGroup, startJoin } from "./support/members.ts";
import {
  assignment,
  commit,
  deleteGroups,
  describe as describeGroups,
  fetchOffsets,
  heartbeat,
  join,
  listGroups,
  subscription,
  sync as syncRequest,
} from "./support/requests.ts";

describe("DescribeGroups", () => {
  it("shows a Stable group's members with metadata and assignment; unknown groups are Dead", () => {
    const h = new CoordinatorHarness();
    const { members } = stableGroup(h, "g", 2, { topics: ["t"] });
    const response = h.answer(
      h.send(describeGroups(["g", "nobody"]), { clientHost: "/10.0.0.1" }),
      "DescribeGroups",
    );
    const [g, nobody] = response?.groups ?? [];
    expect(g).toMatchObject({
      errorCode: 0,
      groupState: "Stable",
      protocolType: "consumer",
      protocolData: "range",
    });
    expect(g?.members.map((m) => m.memberId)).toEqual(members.map((m) => m.memberId));
    expect(g?.members[0]?.memberMetadata).toEqual(subscription(["t"]));
    expect(g?.members[1]?.memberAssignment).toEqual(assignment([{ topic: "t", partitions: [1] }]));
    expect(nobody).toMatchObject({ errorCode: 0, groupState: "Dead", members: [] });
  });

  it("hides metadata outside Stable", () => {
    const h = new CoordinatorHarness();
    startJoin(h, "g");
    const g = h.answer(h.send(describeGroups(["g"])), "DescribeGroups")?.groups[0];
    expect(g).toMatchObject({ groupState: "PreparingRebalance", protocolData: "" });
    expect(g?.members[0]?.memberMetadata).toEqual(new Uint8Array(0));
  });
});

describe("ListGroups", () => {
  it("lists every group, optionally filtered by state (case-insensitive)", () => {
    const h = new CoordinatorHarness();
    stableGroup(h, "stable", 1);
    startJoin(h, "joining");
    h.send(commit("simple", [["t", 0, 1]]));
    const all = h.answer(h.send(listGroups()), "ListGroups");
    expect(all?.groups).toEqual([
      { groupId: "joining", protocolType: "consumer" },
      { groupId: "simple", protocolType: "" },
      { groupId: "stable", protocolType: "consumer" },
    ]);
    const filtered = h.answer(
      h.send(listGroups(), { statesFilter: ["STABLE", " empty "] }),
      "ListGroups",
    );
    expect(filtered?.groups.map((g) => g.groupId)).toEqual(["simple", "stable"]);
  });
});

describe("DeleteGroups", () => {
  it("deletes empty groups with their offsets; refuses non-empty and unknown ones", () => {
    const h = new CoordinatorHarness();
    h.send(
      commit("simple", [
        ["t", 0, 1],
        ["t", 1, 2],
      ]),
    );
    stableGroup(h, "busy", 1);
    const response = h.answer(
      h.send(deleteGroups(["simple", "busy", "nobody", "simple"])),
      "DeleteGroups",
    );
    expect(response?.results).toEqual([
      { groupId: "simple", errorCode: ErrorCode.NONE },
      { groupId: "busy", errorCode: ErrorCode.NON_EMPTY_GROUP },
      { groupId: "nobody", errorCode: ErrorCode.GROUP_ID_NOT_FOUND },
    ]);
    expect(groupOf(h, "simple")).toBeUndefined();
    const fetched = h.answer(h.send(fetchOffsets("simple", null)), "OffsetFetch");
    expect(fetched?.topics).toEqual([]);
    const tombstones = h.committedRecords().filter((r) => r.group === "simple" && r.value === null);
    expect(tombstones.map((r) => r.type)).toEqual([
      "offset-commit",
      "offset-commit",
      "group-metadata",
    ]);
  });

  it("keeps the group when its tombstones cannot be written", () => {
    const h = new CoordinatorHarness();
    h.send(commit("simple", [["t", 0, 1]]));
    h.holdAppends = true;
    const id = h.send(deleteGroups(["simple"]));
    expect(groupOf(h, "simple")?.state).toBe("Dead");
    const join = h.send(joinRequest());
    expect(h.answer(join, "JoinGroup")?.errorCode).toBe(ErrorCode.COORDINATOR_NOT_AVAILABLE);
    h.failAppends(ErrorCode.NOT_ENOUGH_REPLICAS);
    expect(h.answer(id, "DeleteGroups")?.results).toEqual([
      { groupId: "simple", errorCode: ErrorCode.COORDINATOR_NOT_AVAILABLE },
    ]);
    expect(groupOf(h, "simple")).toMatchObject({ state: "Empty", offsets: [{ offset: 1 }] });
  });
});

function joinRequest() {
  return join("simple");
}

describe("coordinator placement and loading", () => {
  // Two partitions: find group ids on each.
  const onPartition = (p: number) =>
    ["a", "b", "c", "d", "e", "f"].filter((g) => coordinatorPartitionFor(g, 2) === p);

  it("answers NOT_COORDINATOR for groups of partitions it does not lead", () => {
    const h = new CoordinatorHarness({ config: { offsetsTopicNumPartitions: 2 }, partitions: [0] });
    const here = onPartition(0)[0] ?? "";
    const elsewhere = onPartition(1)[0] ?? "";
    expect(h.answer(h.send(join(here)), "JoinGroup")?.errorCode).toBe(ErrorCode.MEMBER_ID_REQUIRED);
    expect(h.answer(h.send(join(elsewhere)), "JoinGroup")?.errorCode).toBe(
      ErrorCode.NOT_COORDINATOR,
    );
    expect(h.answer(h.send(heartbeat(elsewhere, "m", 1)), "Heartbeat")?.errorCode).toBe(
      ErrorCode.NOT_COORDINATOR,
    );
    const fetched = h.answer(h.send(fetchOffsets(elsewhere, null)), "OffsetFetch");
    expect(fetched?.errorCode).toBe(ErrorCode.NOT_COORDINATOR);
    const described = h.answer(h.send(describeGroups([elsewhere])), "DescribeGroups");
    expect(described?.groups[0]?.errorCode).toBe(ErrorCode.NOT_COORDINATOR);
    const deleted = h.answer(h.send(deleteGroups([elsewhere])), "DeleteGroups");
    expect(deleted?.results[0]?.errorCode).toBe(ErrorCode.NOT_COORDINATOR);
  });

  it("answers COORDINATOR_LOAD_IN_PROGRESS until loading completes", () => {
    const h = new CoordinatorHarness({ partitions: [] });
    h.coordinator.beginLoading(h.now, 0);
    expect(h.answer(h.send(join("g")), "JoinGroup")?.errorCode).toBe(
      ErrorCode.COORDINATOR_LOAD_IN_PROGRESS,
    );
    const commitAnswer = h.answer(h.send(commit("g", [["t", 0, 1]])), "OffsetCommit");
    expect(commitAnswer?.topics[0]?.partitions[0]?.errorCode).toBe(
      ErrorCode.COORDINATOR_LOAD_IN_PROGRESS,
    );
    expect(h.answer(h.send(listGroups()), "ListGroups")?.errorCode).toBe(
      ErrorCode.COORDINATOR_LOAD_IN_PROGRESS,
    );
    h.coordinator.completeLoading(h.now, 0);
    expect(h.answer(h.send(join("g")), "JoinGroup")?.errorCode).toBe(ErrorCode.MEMBER_ID_REQUIRED);
  });

  it("answers a sync whose assignment is being stored NOT_COORDINATOR and writes nothing more", () => {
    const h = new CoordinatorHarness({ holdAppends: true });
    const a = startJoin(h, "g");
    h.advance(3_000);
    const answer = h.answer(a.request, "JoinGroup");
    const s = h.send(join("g"));
    const leaderSync = h.send(syncRequest("g", answer?.memberId ?? "", answer?.generationId ?? 0));
    expect(h.held).toHaveLength(1);
    h.unload(0);
    expect(h.answer(leaderSync, "SyncGroup")?.errorCode).toBe(ErrorCode.NOT_COORDINATOR);
    expect(h.answer(s, "JoinGroup")).toBeDefined();
    expect(h.held).toHaveLength(1);
    expect(h.coordinator.view()).toMatchObject({ groups: [], partitions: [] });
  });

  it("answers parked requests NOT_COORDINATOR when the partition moves away", () => {
    const h = new CoordinatorHarness();
    const parked = startJoin(h, "g");
    h.holdAppends = true;
    const pendingCommit = h.send(commit("simple", [["t", 0, 1]]));
    h.unload(0);
    expect(h.answer(parked.request, "JoinGroup")?.errorCode).toBe(ErrorCode.NOT_COORDINATOR);
    const commitAnswer = h.answer(pendingCommit, "OffsetCommit");
    expect(commitAnswer?.topics[0]?.partitions[0]?.errorCode).toBe(ErrorCode.NOT_COORDINATOR);
    expect(h.coordinator.view().groups).toEqual([]);
    expect(h.coordinator.nextDeadline()).toBeUndefined();
    expect(h.tracesOf("coordinator-unloaded")).toEqual([
      { type: "coordinator-unloaded", partition: 0, groups: 1 },
    ]);
  });
});
