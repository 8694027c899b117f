// OffsetCommit fencing (Kafka's validateOffsetCommit), simple commits, commits visible only once
// their record is committed, OffsetFetch, OffsetDelete and the KIP-211 retention rules.

import { describe, expect, it } from "vitest";
import { ErrorCode } from "../../../core/error-codes.ts";
import type { OffsetCommitResponse } from "../../../core/protocol/index.ts";
import { CoordinatorHarness } from "./support/coordinator-harness.ts";
import { groupOf, settle, stableGroup, startJoin } from "./support/members.ts";
import { commit, deleteOffsets, fetchOffsets, join, leave } from "./support/requests.ts";

function codes(response: OffsetCommitResponse | undefined): number[] {
  return response?.topics.flatMap((t) => t.partitions.map((p) => p.errorCode)) ?? [];
}

function committed(h: CoordinatorHarness, groupId: string, topic = "t", partition = 0): number {
  const answer = h.answer(
    h.send(fetchOffsets(groupId, [{ name: topic, partitionIndexes: [partition] }])),
    "OffsetFetch",
  );
  return answer?.topics[0]?.partitions[0]?.committedOffset ?? Number.NaN;
}

describe("OffsetCommit", () => {
  it.each([
    ["the current generation", 0, "", ErrorCode.NONE],
    ["a stale generation", -1, "", ErrorCode.ILLEGAL_GENERATION],
    ["an unknown member", 0, "ghost", ErrorCode.UNKNOWN_MEMBER_ID],
    ["a simple commit to a group with members", -2, "", ErrorCode.UNKNOWN_MEMBER_ID],
  ])("from %s", (_name, generationDelta, memberOverride, errorCode) => {
    const h = new CoordinatorHarness();
    const { members, generation } = stableGroup(h, "g", 1);
    const simple = generationDelta === -2;
    const memberId = simple ? "" : memberOverride || (members[0]?.memberId ?? "");
    const generationId = simple ? -1 : generation + generationDelta;
    const response = h.answer(
      h.send(commit("g", [["t", 0, 7]], { generationId, memberId })),
      "OffsetCommit",
    );
    expect(codes(response)).toEqual([errorCode]);
    expect(committed(h, "g")).toBe(errorCode === ErrorCode.NONE ? 7 : -1);
  });

  it("refuses commits while the group completes a rebalance, accepts them while it prepares one", () => {
    const h = new CoordinatorHarness();
    const { members, generation } = stableGroup(h, "g", 2);
    const memberId = members[1]?.memberId ?? "";
    startJoin(h, "g");
    expect(groupOf(h, "g")?.state).toBe("PreparingRebalance");
    const during = h.send(commit("g", [["t", 0, 1]], { generationId: generation, memberId }));
    expect(codes(h.answer(during, "OffsetCommit"))).toEqual([ErrorCode.NONE]);
    for (const m of members) h.send(join("g", { memberId: m.memberId }));
    h.advance(3_000);
    expect(groupOf(h, "g")?.state).toBe("CompletingRebalance");
    const next = generation + 1;
    const completing = h.send(commit("g", [["t", 0, 2]], { generationId: next, memberId }));
    expect(codes(h.answer(completing, "OffsetCommit"))).toEqual([ErrorCode.REBALANCE_IN_PROGRESS]);
    const zombie = h.send(commit("g", [["t", 0, 3]], { generationId: generation, memberId }));
    expect(codes(h.answer(zombie, "OffsetCommit"))).toEqual([ErrorCode.ILLEGAL_GENERATION]);
    expect(committed(h, "g")).toBe(1);
  });

  it("accepts simple commits (generation -1) for a group nobody joined, creating it", () => {
    const h = new CoordinatorHarness();
    const response = h.answer(
      h.send(
        commit("simple", [
          ["t", 0, 5],
          ["t", 1, 6],
        ]),
      ),
      "OffsetCommit",
    );
    expect(codes(response)).toEqual([0, 0]);
    expect(groupOf(h, "simple")).toMatchObject({ state: "Empty", protocolType: null });
    expect(committed(h, "simple", "t", 1)).toBe(6);
    const unknown = h.send(commit("other", [["t", 0, 5]], { generationId: 3, memberId: "m" }));
    expect(codes(h.answer(unknown, "OffsetCommit"))).toEqual([ErrorCode.ILLEGAL_GENERATION]);
  });

  it("rejects only the partitions whose metadata is too large", () => {
    const h = new CoordinatorHarness({ config: { offsetMetadataMaxBytes: 4 } });
    const ok = h.answer(h.send(commit("g", [["t", 0, 1]], { metadata: "four" })), "OffsetCommit");
    const big = h.answer(h.send(commit("g", [["t", 1, 1]], { metadata: "fives" })), "OffsetCommit");
    expect([codes(ok), codes(big)]).toEqual([[0], [ErrorCode.OFFSET_METADATA_TOO_LARGE]]);
  });

  it("makes a commit visible only when its record is committed, and never on a failed append", () => {
    const h = new CoordinatorHarness({ holdAppends: true });
    const id = h.send(commit("g", [["t", 0, 10]]));
    expect(h.answer(id, "OffsetCommit")).toBeUndefined();
    expect(committed(h, "g")).toBe(-1);
    h.commitAppends();
    expect(codes(h.answer(id, "OffsetCommit"))).toEqual([0]);
    expect(committed(h, "g")).toBe(10);
    expect(h.tracesOf("offset-committed")).toEqual([
      { type: "offset-committed", group: "g", topic: "t", partition: 0, offset: 10 },
    ]);
    const failed = h.send(commit("g", [["t", 0, 11]]));
    h.failAppends(ErrorCode.NOT_ENOUGH_REPLICAS);
    expect(codes(h.answer(failed, "OffsetCommit"))).toEqual([ErrorCode.COORDINATOR_NOT_AVAILABLE]);
    expect(committed(h, "g")).toBe(10);
  });

  it.each([
    [ErrorCode.NOT_LEADER_OR_FOLLOWER, ErrorCode.NOT_COORDINATOR],
    [ErrorCode.REQUEST_TIMED_OUT, ErrorCode.COORDINATOR_NOT_AVAILABLE],
    [ErrorCode.MESSAGE_TOO_LARGE, ErrorCode.INVALID_COMMIT_OFFSET_SIZE],
    [ErrorCode.KAFKA_STORAGE_ERROR, ErrorCode.NOT_COORDINATOR],
  ])("maps append error %i to %i", (appendError, expected) => {
    const h = new CoordinatorHarness({ holdAppends: true });
    const id = h.send(commit("g", [["t", 0, 1]]));
    h.failAppends(appendError);
    expect(codes(h.answer(id, "OffsetCommit"))).toEqual([expected]);
  });
});

describe("OffsetFetch", () => {
  it("answers -1 for what was never committed and everything for a null topic list", () => {
    const h = new CoordinatorHarness();
    h.send(
      commit("g", [
        ["b", 1, 4],
        ["a", 2, 3],
        ["a", 0, 1],
      ]),
    );
    expect(committed(h, "g", "a", 9)).toBe(-1);
    expect(committed(h, "nobody")).toBe(-1);
    const all = h.answer(h.send(fetchOffsets("g", null)), "OffsetFetch");
    expect(
      all?.topics.map((t) => [
        t.name,
        t.partitions.map((p) => [p.partitionIndex, p.committedOffset]),
      ]),
    ).toEqual([
      [
        "a",
        [
          [0, 1],
          [2, 3],
        ],
      ],
      ["b", [[1, 4]]],
    ]);
    expect(h.answer(h.send(fetchOffsets("nobody", null)), "OffsetFetch")?.topics).toEqual([]);
  });
});

describe("OffsetDelete", () => {
  it("deletes offsets of an empty group, and answers GROUP_ID_NOT_FOUND for unknown groups", () => {
    const h = new CoordinatorHarness();
    h.send(
      commit("g", [
        ["t", 0, 1],
        ["t", 1, 2],
      ]),
    );
    const response = h.answer(h.send(deleteOffsets("g", "t", [0])), "OffsetDelete");
    expect(response).toMatchObject({
      errorCode: 0,
      topics: [{ name: "t", partitions: [{ partitionIndex: 0, errorCode: 0 }] }],
    });
    expect([committed(h, "g", "t", 0), committed(h, "g", "t", 1)]).toEqual([-1, 2]);
    expect(h.committedRecords().at(-1)).toMatchObject({
      type: "offset-commit",
      partition: 0,
      value: null,
    });
    const unknown = h.answer(h.send(deleteOffsets("nobody", "t", [0])), "OffsetDelete");
    expect(unknown?.errorCode).toBe(ErrorCode.GROUP_ID_NOT_FOUND);
  });

  it("refuses topics a consumer group subscribes to, and non-consumer groups with members", () => {
    const h = new CoordinatorHarness();
    const { members, generation } = stableGroup(h, "g", 1, { topics: ["t"] });
    const memberId = members[0]?.memberId ?? "";
    h.send(
      commit(
        "g",
        [
          ["t", 0, 1],
          ["old", 0, 2],
        ],
        { generationId: generation, memberId },
      ),
    );
    const subscribed = h.answer(h.send(deleteOffsets("g", "t", [0])), "OffsetDelete");
    expect(subscribed?.topics[0]?.partitions[0]?.errorCode).toBe(
      ErrorCode.GROUP_SUBSCRIBED_TO_TOPIC,
    );
    const old = h.answer(h.send(deleteOffsets("g", "old", [0])), "OffsetDelete");
    expect(old?.topics[0]?.partitions[0]?.errorCode).toBe(ErrorCode.NONE);
    expect(committed(h, "g", "old", 0)).toBe(-1);
    const connect = settle(h, [startJoin(h, "c", { protocolType: "connect" }).request]);
    expect(connect[0]?.errorCode).toBe(0);
    const nonEmpty = h.answer(h.send(deleteOffsets("c", "t", [0])), "OffsetDelete");
    expect(nonEmpty?.errorCode).toBe(ErrorCode.NON_EMPTY_GROUP);
  });
});

describe("offset retention (KIP-211)", () => {
  const retention = { offsetsRetentionMs: 60_000, offsetsRetentionCheckIntervalMs: 10_000 };

  it("expires an Empty group's offsets a retention period after it became Empty, then the group", () => {
    const h = new CoordinatorHarness({ config: retention });
    const { members, generation } = stableGroup(h, "g", 1, { sessionTimeoutMs: 600_000 });
    const memberId = members[0]?.memberId ?? "";
    h.send(commit("g", [["t", 0, 5]], { generationId: generation, memberId }));
    h.advance(100_000);
    h.send(commit("g", [["t", 0, 6]], { generationId: generation, memberId }));
    expect(committed(h, "g")).toBe(6);
    h.send(leave("g", [{ memberId, groupInstanceId: null }]));
    const emptyAt = h.now;
    h.advance(59_999);
    h.maintain();
    expect(committed(h, "g")).toBe(6);
    h.advance(emptyAt + 60_000 - h.now);
    h.maintain();
    expect(committed(h, "g")).toBe(-1);
    expect(groupOf(h, "g")).toBeUndefined();
    expect(h.tracesOf("offset-removed").map((e) => e.reason)).toEqual(["retention"]);
    expect(
      h
        .committedRecords()
        .slice(-2)
        .map((r) => [r.type, r.value]),
    ).toEqual([
      ["offset-commit", null],
      ["group-metadata", null],
    ]);
  });

  it("keeps a Stable consumer group's subscribed offsets; expires the others by commit time", () => {
    const h = new CoordinatorHarness({ config: retention });
    const { members, generation } = stableGroup(h, "g", 1, {
      topics: ["t"],
      sessionTimeoutMs: 600_000,
    });
    const memberId = members[0]?.memberId ?? "";
    h.send(
      commit(
        "g",
        [
          ["t", 0, 1],
          ["gone", 0, 2],
        ],
        { generationId: generation, memberId },
      ),
    );
    h.advance(200_000);
    expect(committed(h, "g", "t", 0)).toBe(1);
    expect(committed(h, "g", "gone", 0)).toBe(-1);
    expect(groupOf(h, "g")?.state).toBe("Stable");
  });

  it("expires a simple group's offsets by commit time, and honours an explicit retention time", () => {
    const h = new CoordinatorHarness({ config: retention });
    h.send(commit("simple", [["t", 0, 1]]));
    h.send(commit("short", [["t", 0, 1]], { retentionTimeMs: 5_000 }));
    h.advance(10_000);
    expect([committed(h, "simple"), committed(h, "short")]).toEqual([1, -1]);
    h.advance(60_000);
    expect(committed(h, "simple")).toBe(-1);
    expect(h.coordinator.view().groups).toEqual([]);
  });
});
