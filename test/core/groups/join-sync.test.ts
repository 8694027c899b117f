// Scenarios of the classic protocol's join and sync phases: member ids, the initial rebalance
// delay, protocol selection, generations, fencing errors and rebalances triggered by joiners.

import { describe, expect, it } from "vitest";
import { ErrorCode } from "../../../core/error-codes.ts";
import type { JoinGroupResponse } from "../../../core/protocol/index.ts";
import { CoordinatorHarness } from "./support/coordinator-harness.ts";
import { groupOf, joined, settle, stableGroup, startJoin } from "./support/members.ts";
import { assignment, heartbeat, join, sync } from "./support/requests.ts";

describe("JoinGroup", () => {
  it("hands out a member id first (KIP-394), then parks the join until the initial delay ends", () => {
    const h = new CoordinatorHarness();
    const first = h.answer(h.send(join("g", { clientId: "app" })), "JoinGroup");
    expect(first?.errorCode).toBe(ErrorCode.MEMBER_ID_REQUIRED);
    expect(first?.memberId).toMatch(
      /^app-[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/,
    );
    const memberId = first?.memberId ?? "";
    const parked = h.send(join("g", { memberId }));
    expect(h.answer(parked, "JoinGroup")).toBeUndefined();
    expect(groupOf(h, "g")?.state).toBe("PreparingRebalance");
    h.advance(2_999);
    expect(h.answer(parked, "JoinGroup")).toBeUndefined();
    h.advance(1);
    const answer = joined(h, parked);
    expect(answer).toMatchObject({ errorCode: 0, generationId: 1, protocolName: "range" });
    expect(answer.leader).toBe(memberId);
    expect(answer.members.map((m) => m.memberId)).toEqual([memberId]);
    expect(groupOf(h, "g")?.state).toBe("CompletingRebalance");
  });

  it("adds a member at once for JoinGroup v0-v3 (no MEMBER_ID_REQUIRED)", () => {
    const h = new CoordinatorHarness();
    const id = h.send(join("g", { requireKnownMemberId: false }));
    expect(h.answer(id, "JoinGroup")).toBeUndefined();
    expect(groupOf(h, "g")?.members).toHaveLength(1);
    h.advance(3_000);
    expect(joined(h, id).generationId).toBe(1);
  });

  it("extends the initial delay while members keep coming, up to the rebalance timeout", () => {
    const h = new CoordinatorHarness({ config: { groupInitialRebalanceDelayMs: 1_000 } });
    const a = startJoin(h, "g", { rebalanceTimeoutMs: 2_500 });
    h.advance(900);
    const b = startJoin(h, "g", { rebalanceTimeoutMs: 2_500 });
    h.advance(100);
    expect(h.answer(a.request, "JoinGroup")).toBeUndefined();
    expect(h.marks()).toContain("group-initial-rebalance-extended");
    h.advance(1_000);
    expect(joined(h, a.request).generationId).toBe(1);
    expect(joined(h, b.request).members).toEqual([]);
    expect(joined(h, a.request).members).toHaveLength(2);
  });

  it.each([
    [5_999, ErrorCode.INVALID_SESSION_TIMEOUT],
    [1_800_001, ErrorCode.INVALID_SESSION_TIMEOUT],
    [6_000, ErrorCode.MEMBER_ID_REQUIRED],
    [1_800_000, ErrorCode.MEMBER_ID_REQUIRED],
  ])("session timeout %i -> error %i", (sessionTimeoutMs, errorCode) => {
    const h = new CoordinatorHarness();
    expect(h.answer(h.send(join("g", { sessionTimeoutMs })), "JoinGroup")?.errorCode).toBe(
      errorCode,
    );
  });

  it.each([
    ["empty group id", join("", {}), ErrorCode.INVALID_GROUP_ID],
    [
      "unknown member of an unknown group",
      join("g", { memberId: "ghost" }),
      ErrorCode.UNKNOWN_MEMBER_ID,
    ],
    ["no protocols at all", join("g", { protocols: [] }), ErrorCode.INCONSISTENT_GROUP_PROTOCOL],
    ["empty protocol type", join("g", { protocolType: "" }), ErrorCode.INCONSISTENT_GROUP_PROTOCOL],
  ])("%s", (_name, request, errorCode) => {
    const h = new CoordinatorHarness();
    expect(h.answer(h.send(request), "JoinGroup")?.errorCode).toBe(errorCode);
    expect(h.coordinator.view().groups).toEqual([]);
  });

  it("refuses a joiner whose protocols or protocol type the group does not share", () => {
    const h = new CoordinatorHarness();
    stableGroup(h, "g", 1, { protocols: ["range", "roundrobin"] });
    const kafkajs = h.send(join("g", { protocols: ["RoundRobinAssigner"] }));
    expect(h.answer(kafkajs, "JoinGroup")?.errorCode).toBe(ErrorCode.INCONSISTENT_GROUP_PROTOCOL);
    const connect = h.send(join("g", { protocolType: "connect", protocols: ["range"] }));
    expect(h.answer(connect, "JoinGroup")?.errorCode).toBe(ErrorCode.INCONSISTENT_GROUP_PROTOCOL);
    expect(groupOf(h, "g")?.state).toBe("Stable");
  });

  it.each([
    // Each member votes for its favourite among the protocols all support; most votes win.
    [[["range", "roundrobin"], ["roundrobin", "range"], ["roundrobin"]], "roundrobin"],
    [
      [
        ["range", "roundrobin"],
        ["range", "roundrobin"],
        ["roundrobin", "range"],
      ],
      "range",
    ],
    // A tie goes to the smallest name, whoever joined first.
    [
      [
        ["roundrobin", "range"],
        ["range", "roundrobin"],
      ],
      "range",
    ],
    [
      [
        ["roundrobin", "range"],
        ["roundrobin", "range"],
        ["range", "roundrobin"],
        ["range", "roundrobin"],
      ],
      "range",
    ],
    [[["cooperative-sticky", "range"], ["range"]], "range"],
  ])("protocol selection %j -> %s", (preferences, expected) => {
    const h = new CoordinatorHarness();
    const joins = preferences.map((protocols) => startJoin(h, "g", { protocols }));
    const answers = settle(
      h,
      joins.map((j) => j.request),
    );
    for (const a of answers) expect(a.protocolName).toBe(expected);
  });

  it("makes an existing member's rejoin in Stable a no-op for followers, a rebalance for the leader", () => {
    const h = new CoordinatorHarness();
    const { members, generation } = stableGroup(h, "g", 2);
    const [leader, follower] = members;
    const again = h.send(join("g", { memberId: follower?.memberId ?? "" }));
    expect(joined(h, again)).toMatchObject({ errorCode: 0, generationId: generation, members: [] });
    expect(groupOf(h, "g")?.state).toBe("Stable");
    const leaderJoin = h.send(join("g", { memberId: leader?.memberId ?? "" }));
    expect(h.answer(leaderJoin, "JoinGroup")).toBeUndefined();
    expect(groupOf(h, "g")?.state).toBe("PreparingRebalance");
  });

  it("rebalances when a member joins a Stable group; heartbeats say REBALANCE_IN_PROGRESS", () => {
    const h = new CoordinatorHarness();
    const { members, generation } = stableGroup(h, "g", 2);
    const newcomer = startJoin(h, "g");
    expect(groupOf(h, "g")?.state).toBe("PreparingRebalance");
    for (const m of members) {
      const hb = h.send(heartbeat("g", m.memberId, generation));
      expect(h.answer(hb, "Heartbeat")?.errorCode).toBe(ErrorCode.REBALANCE_IN_PROGRESS);
    }
    const rejoins = members.map((m) => h.send(join("g", { memberId: m.memberId })));
    const answers = [...rejoins, newcomer.request].map((id) => joined(h, id));
    expect(new Set(answers.map((a) => a.generationId))).toEqual(new Set([generation + 1]));
    expect(answers.filter((a) => a.members.length === 3)).toHaveLength(1);
  });

  it("removes dynamic members that do not rejoin within the rebalance timeout", () => {
    const h = new CoordinatorHarness();
    const o = { rebalanceTimeoutMs: 20_000, sessionTimeoutMs: 30_000 };
    const { members, generation } = stableGroup(h, "g", 2, o);
    const [leader, follower] = members;
    // New subscription metadata: a rebalance the leader never rejoins.
    const memberId = follower?.memberId ?? "";
    const rejoin = h.send(join("g", { ...o, memberId, topics: ["t", "u"] }));
    h.advance(19_999);
    expect(h.answer(rejoin, "JoinGroup")).toBeUndefined();
    h.advance(1);
    const answer = joined(h, rejoin);
    // The leader did not rejoin: the follower that did leads the new generation.
    expect(answer).toMatchObject({ generationId: generation + 1, leader: follower?.memberId });
    expect(answer.members.map((m) => m.memberId)).toEqual([follower?.memberId]);
    const left = h.tracesOf("group-member-left").map((e) => [e.memberId, e.reason]);
    expect(left).toContainEqual([leader?.memberId, "not-rejoined"]);
  });

  it("turns away new members past group.max.size", () => {
    const h = new CoordinatorHarness({ config: { groupMaxSize: 2 } });
    stableGroup(h, "g", 2);
    const third = h.send(join("g", { requireKnownMemberId: false }));
    expect(h.answer(third, "JoinGroup")?.errorCode).toBe(ErrorCode.GROUP_MAX_SIZE_REACHED);
    expect(groupOf(h, "g")?.members).toHaveLength(2);
  });

  it("forgets a member id handed out with MEMBER_ID_REQUIRED after its session timeout", () => {
    const h = new CoordinatorHarness();
    const first = h.answer(h.send(join("g", { sessionTimeoutMs: 6_000 })), "JoinGroup");
    expect(groupOf(h, "g")?.pendingMembers).toEqual([first?.memberId]);
    h.advance(6_000);
    expect(h.marks()).toContain("group-pending-member-expired");
    const late = h.send(join("g", { memberId: first?.memberId ?? "" }));
    expect(h.answer(late, "JoinGroup")?.errorCode).toBe(ErrorCode.UNKNOWN_MEMBER_ID);
  });
});

describe("SyncGroup", () => {
  it("parks followers until the leader's assignment is stored, then gives each its own", () => {
    const h = new CoordinatorHarness({ holdAppends: true });
    const a = startJoin(h, "g", { clientId: "a" });
    const b = startJoin(h, "g", { clientId: "b" });
    const [ja, jb] = settle(h, [a.request, b.request]) as [JoinGroupResponse, JoinGroupResponse];
    const leader = ja.leader === ja.memberId ? ja : jb;
    const follower = leader === ja ? jb : ja;
    const followerSync = h.send(sync("g", follower.memberId, follower.generationId));
    expect(h.answer(followerSync, "SyncGroup")).toBeUndefined();
    const plan = [
      { memberId: leader.memberId, assignment: assignment([{ topic: "t", partitions: [0] }]) },
      { memberId: follower.memberId, assignment: assignment([{ topic: "t", partitions: [1] }]) },
    ];
    const leaderSync = h.send(sync("g", leader.memberId, leader.generationId, plan));
    expect(h.answer(leaderSync, "SyncGroup")).toBeUndefined();
    expect(h.held).toHaveLength(1);
    h.commitAppends();
    expect(h.answer(leaderSync, "SyncGroup")?.assignment).toEqual(plan[0]?.assignment);
    expect(h.answer(followerSync, "SyncGroup")?.assignment).toEqual(plan[1]?.assignment);
    expect(groupOf(h, "g")?.state).toBe("Stable");
    const state = h.tracesOf("group-state").at(-1);
    expect(state?.members.map((m) => m.assignment)).toEqual([
      [{ topic: "t", partitions: [leader === ja ? 0 : 1] }],
      [{ topic: "t", partitions: [leader === ja ? 1 : 0] }],
    ]);
  });

  it("fences with UNKNOWN_MEMBER_ID, ILLEGAL_GENERATION and REBALANCE_IN_PROGRESS", () => {
    const h = new CoordinatorHarness();
    const { members, generation } = stableGroup(h, "g", 2);
    const id = members[0]?.memberId ?? "";
    const answer = (request: ReturnType<typeof sync>) =>
      h.answer(h.send(request), "SyncGroup")?.errorCode;
    expect(answer(sync("nope", id, generation))).toBe(ErrorCode.UNKNOWN_MEMBER_ID);
    expect(answer(sync("g", "ghost", generation))).toBe(ErrorCode.UNKNOWN_MEMBER_ID);
    expect(answer(sync("g", id, generation - 1))).toBe(ErrorCode.ILLEGAL_GENERATION);
    expect(answer(sync("g", id, generation))).toBe(ErrorCode.NONE);
    startJoin(h, "g");
    expect(answer(sync("g", id, generation))).toBe(ErrorCode.REBALANCE_IN_PROGRESS);
  });

  it("tells every syncing member to rejoin when storing the assignment fails", () => {
    const h = new CoordinatorHarness({ holdAppends: true });
    const a = startJoin(h, "g");
    h.advance(3_000);
    const ja = joined(h, a.request);
    const s = h.send(
      sync("g", ja.memberId, ja.generationId, [
        { memberId: ja.memberId, assignment: assignment([]) },
      ]),
    );
    h.failAppends(ErrorCode.NOT_ENOUGH_REPLICAS);
    expect(h.answer(s, "SyncGroup")?.errorCode).toBe(ErrorCode.COORDINATOR_NOT_AVAILABLE);
    expect(groupOf(h, "g")?.state).toBe("PreparingRebalance");
    expect(h.marks()).toContain("group-sync-append-failed");
  });

  it("removes members that never sync and rebalances", () => {
    const h = new CoordinatorHarness();
    // Sessions outlast the sync phase, so it is the sync deadline that removes the silent member.
    const o = { rebalanceTimeoutMs: 10_000, sessionTimeoutMs: 30_000 };
    const a = startJoin(h, "g", o);
    const b = startJoin(h, "g", o);
    const [ja, jb] = settle(h, [a.request, b.request]) as [JoinGroupResponse, JoinGroupResponse];
    const leader = ja.leader === ja.memberId ? ja : jb;
    h.send(sync("g", leader.memberId, leader.generationId, []));
    h.advance(10_000);
    expect(h.marks()).toContain("group-sync-expired");
    const view = groupOf(h, "g");
    expect(view?.members.map((m) => m.memberId)).toEqual([leader.memberId]);
    expect(view?.state).toBe("PreparingRebalance");
  });
});
