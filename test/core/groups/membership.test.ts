// Heartbeats and sessions, LeaveGroup (by member id and by group instance id), and static
// membership (KIP-345): a restart within the session timeout is no rebalance, the old id is fenced.

import { describe, expect, it } from "vitest";
import { ErrorCode } from "../../../core/error-codes.ts";
import { CoordinatorHarness } from "./support/coordinator-harness.ts";
import { groupOf, joined, stableGroup, startJoin } from "./support/members.ts";
import { assignment, commit, heartbeat, join, leave, sync } from "./support/requests.ts";

describe("Heartbeat", () => {
  it.each([
    ["an unknown group", "nope", "m", 1, ErrorCode.UNKNOWN_MEMBER_ID],
    ["an unknown member", "g", "ghost", 1, ErrorCode.UNKNOWN_MEMBER_ID],
    ["a stale generation", "g", "", 0, ErrorCode.ILLEGAL_GENERATION],
    ["a current member", "g", "", 1, ErrorCode.NONE],
  ])("from %s", (_name, groupId, memberId, generationId, errorCode) => {
    const h = new CoordinatorHarness();
    const { members } = stableGroup(h, "g", 1);
    const id = memberId === "" ? (members[0]?.memberId ?? "") : memberId;
    expect(h.answer(h.send(heartbeat(groupId, id, generationId)), "Heartbeat")?.errorCode).toBe(
      errorCode,
    );
  });

  it("keeps a member while it heartbeats; a silent one expires and the group rebalances", () => {
    const h = new CoordinatorHarness();
    const { members, generation } = stableGroup(h, "g", 2, { sessionTimeoutMs: 10_000 });
    const [alive, silent] = members;
    for (let i = 0; i < 4; i++) {
      h.advance(3_000);
      h.send(heartbeat("g", alive?.memberId ?? "", generation));
    }
    expect(h.tracesOf("group-member-expired").map((e) => e.memberId)).toEqual([silent?.memberId]);
    expect(groupOf(h, "g")?.state).toBe("PreparingRebalance");
    const hb = h.send(heartbeat("g", alive?.memberId ?? "", generation));
    expect(h.answer(hb, "Heartbeat")?.errorCode).toBe(ErrorCode.REBALANCE_IN_PROGRESS);
    const rejoin = h.send(join("g", { memberId: alive?.memberId ?? "" }));
    expect(joined(h, rejoin).generationId).toBe(generation + 1);
  });

  it("lets a commit keep the session alive (Stable)", () => {
    const h = new CoordinatorHarness();
    const { members, generation } = stableGroup(h, "g", 1, { sessionTimeoutMs: 10_000 });
    const memberId = members[0]?.memberId ?? "";
    for (let i = 0; i < 5; i++) {
      h.advance(5_000);
      h.send(commit("g", [["t", 0, i]], { generationId: generation, memberId }));
    }
    expect(h.tracesOf("group-member-expired")).toEqual([]);
    expect(groupOf(h, "g")?.state).toBe("Stable");
  });

  it("times out a new member whose JoinGroup waits too long", () => {
    const h = new CoordinatorHarness({ config: { newMemberJoinTimeoutMs: 5_000 } });
    const { members, generation } = stableGroup(h, "g", 1, { sessionTimeoutMs: 60_000 });
    const newcomer = startJoin(h, "g", { rebalanceTimeoutMs: 60_000 });
    h.advance(5_000);
    expect(h.answer(newcomer.request, "JoinGroup")?.errorCode).toBe(ErrorCode.UNKNOWN_MEMBER_ID);
    expect(h.marks()).toContain("group-new-member-join-timeout");
    const rejoin = h.send(join("g", { memberId: members[0]?.memberId ?? "" }));
    expect(joined(h, rejoin)).toMatchObject({ generationId: generation + 1 });
  });
});

describe("LeaveGroup", () => {
  it("removes members by id and rebalances; the last to leave empties the group", () => {
    const h = new CoordinatorHarness();
    const { members, generation } = stableGroup(h, "g", 2);
    const [a, b] = members;
    const first = h.answer(
      h.send(leave("g", [{ memberId: a?.memberId ?? "", groupInstanceId: null }])),
      "LeaveGroup",
    );
    expect(first).toMatchObject({
      errorCode: 0,
      members: [{ memberId: a?.memberId, errorCode: 0 }],
    });
    expect(groupOf(h, "g")?.state).toBe("PreparingRebalance");
    const second = h.send(leave("g", [{ memberId: b?.memberId ?? "", groupInstanceId: null }]));
    expect(h.answer(second, "LeaveGroup")?.errorCode).toBe(ErrorCode.NONE);
    const view = groupOf(h, "g");
    expect(view).toMatchObject({ state: "Empty", generation: generation + 1, members: [] });
    const last = h.committedRecords().at(-1);
    expect(last).toMatchObject({
      type: "group-metadata",
      value: { generation: generation + 1, members: [] },
    });
  });

  it("answers per member: unknown ids, fenced instance ids, and admin removal by instance id", () => {
    const h = new CoordinatorHarness();
    const { members } = stableGroup(h, "g", 2, { instanceIds: ["i0", "i1"] });
    const [a] = members;
    const response = h.answer(
      h.send(
        leave("g", [
          { memberId: "ghost", groupInstanceId: null },
          { memberId: "ghost", groupInstanceId: "i0" },
          { memberId: "", groupInstanceId: "nobody" },
          { memberId: "", groupInstanceId: "i1" },
        ]),
      ),
      "LeaveGroup",
    );
    expect(response?.members.map((m) => m.errorCode)).toEqual([
      ErrorCode.UNKNOWN_MEMBER_ID,
      ErrorCode.FENCED_INSTANCE_ID,
      ErrorCode.UNKNOWN_MEMBER_ID,
      ErrorCode.NONE,
    ]);
    expect(groupOf(h, "g")?.members.map((m) => m.memberId)).toEqual([a?.memberId]);
    expect(h.marks()).toContain("group-leave-by-instance-id");
  });

  it("answers UNKNOWN_MEMBER_ID for a group it does not know", () => {
    const h = new CoordinatorHarness();
    const response = h.answer(
      h.send(leave("g", [{ memberId: "m", groupInstanceId: null }])),
      "LeaveGroup",
    );
    expect(response).toEqual({
      throttleTimeMs: 0,
      errorCode: ErrorCode.UNKNOWN_MEMBER_ID,
      members: [],
    });
  });
});

describe("static membership (KIP-345)", () => {
  it("replaces the member id on a restart without a rebalance and fences the old id", () => {
    const h = new CoordinatorHarness();
    const { members, generation } = stableGroup(h, "g", 2, { instanceIds: ["i0", "i1"] });
    const [leader, follower] = members;
    const states = h.tracesOf("group-state").length;
    const restart = h.send(join("g", { instanceId: "i1", clientId: "c1" }));
    const answer = joined(h, restart);
    expect(answer.errorCode).toBe(ErrorCode.NONE);
    expect(answer.memberId).not.toBe(follower?.memberId);
    expect(answer.memberId.startsWith("i1-")).toBe(true);
    expect(answer).toMatchObject({
      generationId: generation,
      leader: leader?.memberId,
      members: [],
    });
    expect(groupOf(h, "g")).toMatchObject({ state: "Stable", generation });
    expect(h.marks()).toContain("group-static-member-replaced-without-rebalance");
    // The next SyncGroup gives the restarted member its current assignment.
    const s = h.answer(h.send(sync("g", answer.memberId, generation, [], "i1")), "SyncGroup");
    expect(s?.assignment).toEqual(assignment([{ topic: "t", partitions: [1] }]));
    // The zombie with the old member id is fenced everywhere.
    const old = follower?.memberId ?? "";
    expect(h.answer(h.send(heartbeat("g", old, generation, "i1")), "Heartbeat")?.errorCode).toBe(
      ErrorCode.FENCED_INSTANCE_ID,
    );
    const zombie = commit("g", [["t", 1, 99]], {
      generationId: generation,
      memberId: old,
      instanceId: "i1",
    });
    const zc = h.answer(h.send(zombie), "OffsetCommit");
    expect(zc?.topics[0]?.partitions[0]?.errorCode).toBe(ErrorCode.FENCED_INSTANCE_ID);
    expect(
      h
        .tracesOf("group-state")
        .slice(states)
        .every((e) => e.generation === generation),
    ).toBe(true);
  });

  it("does not leave on close: a silent static member expires only after its session", () => {
    const h = new CoordinatorHarness();
    const o = { sessionTimeoutMs: 20_000, instanceIds: ["i0"] };
    const { generation } = stableGroup(h, "g", 1, o);
    h.advance(19_999);
    expect(groupOf(h, "g")?.members).toHaveLength(1);
    const restart = h.send(join("g", { instanceId: "i0", sessionTimeoutMs: 20_000 }));
    expect(joined(h, restart).generationId).toBe(generation);
    h.advance(19_999);
    expect(groupOf(h, "g")?.members).toHaveLength(1);
    h.advance(1);
    expect(groupOf(h, "g")).toMatchObject({ state: "Empty", members: [] });
  });

  it("rebalances when a static member comes back with a different protocol choice", () => {
    const h = new CoordinatorHarness();
    const protocols = ["range", "roundrobin"];
    const { generation } = stableGroup(h, "g", 2, { instanceIds: ["i0", "i1"], protocols });
    const restart = h.send(join("g", { instanceId: "i0", protocols: ["roundrobin"] }));
    expect(h.answer(restart, "JoinGroup")).toBeUndefined();
    expect(groupOf(h, "g")?.state).toBe("PreparingRebalance");
    const other = groupOf(h, "g")?.members.find((m) => m.groupInstanceId === "i1")?.memberId ?? "";
    h.send(join("g", { memberId: other, instanceId: "i1", protocols }));
    expect(joined(h, restart)).toMatchObject({
      generationId: generation + 1,
      protocolName: "roundrobin",
    });
  });

  it("reverts to the old member id when the new one cannot be stored", () => {
    const h = new CoordinatorHarness();
    const { members, generation } = stableGroup(h, "g", 1, { instanceIds: ["i0"] });
    h.holdAppends = true;
    const restart = h.send(join("g", { instanceId: "i0" }));
    h.failAppends(ErrorCode.NOT_LEADER_OR_FOLLOWER);
    expect(h.answer(restart, "JoinGroup")?.errorCode).toBe(ErrorCode.NOT_COORDINATOR);
    expect(groupOf(h, "g")?.members.map((m) => m.memberId)).toEqual([members[0]?.memberId]);
    const hb = h.send(heartbeat("g", members[0]?.memberId ?? "", generation, "i0"));
    expect(h.answer(hb, "Heartbeat")?.errorCode).toBe(ErrorCode.NONE);
  });

  it("fences a parked JoinGroup of the old member id when the instance restarts", () => {
    const h = new CoordinatorHarness();
    const { members } = stableGroup(h, "g", 3, { instanceIds: ["i0", "i1", "i2"] });
    const [leader, follower, third] = members;
    const leaderRejoin = h.send(join("g", { memberId: leader?.memberId ?? "", instanceId: "i0" }));
    const oldFollower = h.send(join("g", { memberId: follower?.memberId ?? "", instanceId: "i1" }));
    expect(h.answer(oldFollower, "JoinGroup")).toBeUndefined();
    const restart = h.send(join("g", { instanceId: "i1" }));
    expect(h.answer(oldFollower, "JoinGroup")?.errorCode).toBe(ErrorCode.FENCED_INSTANCE_ID);
    expect(h.answer(restart, "JoinGroup")).toBeUndefined();
    const thirdRejoin = h.send(join("g", { memberId: third?.memberId ?? "", instanceId: "i2" }));
    const answers = [leaderRejoin, restart, thirdRejoin].map((id) => joined(h, id));
    expect(new Set(answers.map((a) => a.generationId)).size).toBe(1);
    const leaderAnswer = answers.find((a) => a.members.length > 0);
    expect(leaderAnswer?.members.map((m) => m.groupInstanceId).sort()).toEqual(["i0", "i1", "i2"]);
  });
});

describe("time", () => {
  it("survives a clock that jumps back: deadlines just come later", () => {
    const h = new CoordinatorHarness();
    const { members, generation } = stableGroup(h, "g", 1, { sessionTimeoutMs: 10_000 });
    h.now -= 5_000;
    const hb = h.send(heartbeat("g", members[0]?.memberId ?? "", generation));
    expect(h.answer(hb, "Heartbeat")?.errorCode).toBe(ErrorCode.NONE);
    expect(h.marks()).toContain("group-clock-went-back");
    h.advance(9_999);
    expect(groupOf(h, "g")?.members).toHaveLength(1);
    h.advance(1);
    expect(groupOf(h, "g")?.members).toHaveLength(0);
  });
});
