// Scenario tests of the consumer's group membership against the real GroupCoordinator component:
// joins and rebalances (eager and cooperative), commits with generation fencing, crashes, pauses
// past the session timeout, static members, LeaveGroup on close and coordinator failover.

import { describe, expect, it } from "vitest";
import { ErrorCode } from "../../../core/error-codes.ts";
import { nodeId } from "../../../core/ids.ts";
import { GroupWorld } from "./support/group-setup.ts";

/** Every key is owned by exactly one member (and every member's lists are disjoint). */
function expectPartitioned(world: GroupWorld, keyCount: number): void {
  const seen = new Map<number, number>();
  for (const [id, keys] of world.owned()) {
    for (const key of keys) {
      expect(seen.has(key), `key ${key} owned twice`).toBe(false);
      seen.set(key, id);
    }
  }
  expect([...seen.keys()].sort((a, b) => a - b)).toEqual([...Array(keyCount).keys()]);
}

describe("consumer group membership", () => {
  it("three members join one generation and split the partitions", () => {
    const w = new GroupWorld();
    for (const id of [201, 202, 203]) w.start(id);
    w.h.runFor(3_000);
    expectPartitioned(w, 6);
    const generations = [...w.consumers.values()].map((c) => c.view().group?.generation);
    expect(new Set(generations).size).toBe(1);
    expect(generations[0]).toBeGreaterThanOrEqual(1);
    expect(w.h.marks()).toContain("consumer-member-id-required");
    expect(w.h.marks()).toContain("consumer-leader-assigns");
    for (const id of [201, 202, 203]) {
      const last = w.rebalances(id).at(-1)!;
      expect(last.callback).toBe("assigned");
      expect(last.owned).toHaveLength(2);
    }
  });

  it("waits for a JoinGroup the coordinator holds past request.timeout.ms (the rebalance timeout + 5 s, as Java)", () => {
    // The initial rebalance delay (3 s) holds the first JoinGroup longer than request.timeout.ms
    // (2 s): timing it out would drop the connection and rejoin as a new member.
    const w = new GroupWorld({}, { groupInitialRebalanceDelayMs: 3_000 });
    w.start(201, { maxPollIntervalMs: 10_000 });
    w.h.runFor(6_000);
    expect(w.h.marks()).not.toContain("client-request-timed-out");
    const assigned = w.rebalances(201).filter((r) => r.callback === "assigned");
    expect(assigned).toHaveLength(1);
    expect(assigned[0]?.owned).toHaveLength(6);
  });

  it("polls read the owned partitions and a commit carries the generation", () => {
    const w = new GroupWorld();
    w.start(201);
    w.h.runFor(2_000);
    for (let key = 0; key < 6; key++) w.append(key, [key * 10, key * 10 + 1]);
    for (let i = 0; i < 10; i++) w.pollAll();
    const polled = w
      .history(201)
      .flatMap((op) => (op.type === "poll" && op.phase === "ok" ? op.reads : []))
      .flatMap((r) => r.records.map(([, v]) => v));
    expect(polled.sort((a, b) => a - b)).toEqual([0, 1, 10, 11, 20, 21, 30, 31, 40, 41, 50, 51]);
    w.command(201, { type: "commit" });
    w.h.runFor(500);
    const commit = w.commits(201).at(-1)!;
    expect(commit.phase).toBe("ok");
    expect(commit.group?.generation).toBe(w.consumers.get(201)!.view().group?.generation);
    expect(commit.offsets.map((o) => o.offset)).toEqual([2, 2, 2, 2, 2, 2]);
  });

  it("a crashed member's partitions move after its session times out; the new owner resumes at the commit", () => {
    const w = new GroupWorld();
    w.start(201);
    w.start(202);
    w.h.runFor(3_000);
    for (let key = 0; key < 6; key++) w.append(key, [key * 10]);
    for (let i = 0; i < 10; i++) w.pollAll();
    w.command(201, { type: "commit" });
    w.h.runFor(300);
    const ownedBy201 = w.owned().get(201)!;
    for (const key of ownedBy201) w.append(key, [key * 10 + 5]);
    w.crash(201);
    w.h.runFor(3_000);
    expectPartitioned(w, 6);
    for (let i = 0; i < 10; i++) w.pollAll();
    const reads = w
      .history(202)
      .flatMap((op) => (op.type === "poll" && op.phase === "ok" ? op.reads : []))
      .filter((r) => ownedBy201.includes(r.key))
      .flatMap((r) => r.records.map(([, v]) => v));
    // Only what 201 had not committed: the records appended after its commit.
    expect(reads.sort((a, b) => a - b)).toEqual(ownedBy201.map((k) => k * 10 + 5));
  });

  it("a member paused past its session timeout is a zombie: its commit is rejected and its partitions are lost", () => {
    const w = new GroupWorld();
    w.start(201);
    w.start(202);
    w.h.runFor(3_000);
    for (let key = 0; key < 6; key++) w.append(key, [key]);
    for (let i = 0; i < 5; i++) w.pollAll();
    const before = w.consumers.get(201)!.view().group!.generation;
    w.command(201, { type: "pause", durationMs: 3_000 });
    w.h.runFor(2_000);
    // Called during the pause: it goes out when the process wakes, under the old generation.
    w.command(201, { type: "commit" });
    w.h.runFor(3_000);
    const rejected = w.commits(201).find((c) => c.phase === "fail");
    expect(rejected?.group?.generation).toBe(before);
    expect([ErrorCode.UNKNOWN_MEMBER_ID, ErrorCode.ILLEGAL_GENERATION]).toContain(
      rejected?.errorCode,
    );
    expect(w.rebalances(201).some((r) => r.callback === "lost")).toBe(true);
    w.h.runFor(3_000);
    expectPartitioned(w, 6);
  });

  it("a member waking from a pause past its session finds the coordinator and rejoins by itself", () => {
    const w = new GroupWorld();
    const coop = { partitionAssignmentStrategy: ["cooperative-sticky"] };
    w.start(201, coop);
    w.command(201, { type: "poll" });
    w.h.runFor(120);
    w.start(202, coop);
    w.command(201, { type: "poll" });
    w.h.runFor(120);
    // 202 joined with nothing yet (201 must revoke first); 201 leaves, 202 freezes past its session.
    w.command(201, { type: "close" });
    w.h.runFor(20);
    w.crash(201);
    w.command(202, { type: "pause", durationMs: 2_500 });
    // No poll, no commit: only the member's own timers can bring it back.
    w.h.runFor(4_000);
    expect(w.h.marks()).toContain("consumer-heartbeat-session-expired");
    expect(w.consumers.get(202)!.view().group?.coordinator).toBe(2);
    expect(w.owned().get(202)).toEqual([0, 1, 2, 3, 4, 5]);
  });

  it("cooperative-sticky never has two owners of a partition and revokes only what moves", () => {
    const w = new GroupWorld();
    const coop = { partitionAssignmentStrategy: ["cooperative-sticky"] };
    w.start(201, coop);
    w.h.runFor(1_000);
    expect(w.owned().get(201)).toHaveLength(6);
    w.start(202, coop);
    for (let t = 0; t < 40; t++) {
      w.h.runFor(100);
      const all = [...w.owned().values()].flat();
      expect(new Set(all).size).toBe(all.length);
    }
    expectPartitioned(w, 6);
    const revoked = w.rebalances(201).filter((r) => r.callback === "revoked");
    expect(revoked).toHaveLength(1);
    expect(revoked[0]!.keys).toHaveLength(3);
    expect(revoked[0]!.protocol).toBe("cooperative");
  });

  it("eager members revoke everything before they rejoin", () => {
    const w = new GroupWorld();
    const eager = { partitionAssignmentStrategy: ["range"] };
    w.start(201, eager);
    w.h.runFor(1_000);
    w.start(202, eager);
    w.h.runFor(3_000);
    const revoked = w.rebalances(201).filter((r) => r.callback === "revoked");
    expect(revoked[0]?.keys).toEqual([0, 1, 2, 3, 4, 5]);
    expect(revoked[0]?.owned).toEqual([]);
    expectPartitioned(w, 6);
  });

  it("a static member restarting within the session timeout gets its partitions back without a rebalance", () => {
    const w = new GroupWorld();
    w.start(201, { groupInstanceId: "a" });
    w.start(202, { groupInstanceId: "b" });
    w.h.runFor(3_000);
    const before = w.owned();
    const generation = w.consumers.get(202)!.view().group!.generation;
    w.command(201, { type: "close" });
    const close = w.history(201).find((op) => op.type === "close");
    expect(close?.type === "close" && close.leftGroup).toBe(false);
    w.h.remove(201);
    w.consumers.delete(201);
    w.h.runFor(200);
    w.start(211, { groupInstanceId: "a" });
    w.h.runFor(2_000);
    expect(w.owned().get(211)).toEqual(before.get(201));
    expect(w.consumers.get(202)!.view().group!.generation).toBe(generation);
  });

  it("a second process with the same group.instance.id fences the first (FENCED_INSTANCE_ID)", () => {
    const w = new GroupWorld();
    w.start(201, { groupInstanceId: "a" });
    w.h.runFor(2_000);
    const old = w.owned().get(201);
    w.start(211, { groupInstanceId: "a" });
    w.h.runFor(2_000);
    expect(w.consumers.get(201)!.view().group?.state).toBe("fenced");
    expect(w.owned().get(201)).toEqual([]);
    expect(w.owned().get(211)).toEqual(old);
    const lost = w.rebalances(201).at(-1)!;
    expect(lost.callback).toBe("lost");
    expect(w.h.marks()).toContain("consumer-group-error-fenced");
  });

  it("a member not polled for max.poll.interval.ms leaves the group and rejoins at its next poll", () => {
    const w = new GroupWorld();
    const slow = { maxPollIntervalMs: 1_500, sessionTimeoutMs: 30_000 };
    w.start(201, slow);
    w.start(202, slow);
    w.h.runFor(1_000);
    for (let i = 0; i < 8; i++) {
      w.command(202, { type: "poll" });
      w.h.runFor(200);
    }
    // 201 never polled: it left (its heartbeats alone do not keep it in), 202 took everything.
    expect(w.h.marks()).toContain("consumer-poll-timeout-leaves-group");
    expect(w.h.requests("LeaveGroup").map((r) => r.client)).toEqual([201]);
    expect(w.rebalances(201).at(-1)?.callback).toBe("lost");
    expect(w.owned().get(202)).toEqual([0, 1, 2, 3, 4, 5]);
    w.command(201, { type: "poll" });
    for (let i = 0; i < 10; i++) {
      w.command(201, { type: "poll" });
      w.command(202, { type: "poll" });
      w.h.runFor(200);
    }
    expect(w.owned().get(201)).toHaveLength(3);
  });

  it("LeaveGroup on close hands the partitions over before any session timeout", () => {
    const w = new GroupWorld();
    w.start(201, { sessionTimeoutMs: 30_000, heartbeatIntervalMs: 200 });
    w.start(202, { sessionTimeoutMs: 30_000, heartbeatIntervalMs: 200 });
    w.h.runFor(3_000);
    w.command(201, { type: "close" });
    expect(w.h.requests("LeaveGroup")).toHaveLength(1);
    w.h.runFor(20);
    w.h.remove(201);
    w.consumers.delete(201);
    w.h.runFor(2_000);
    expect(w.owned().get(202)).toHaveLength(6);
  });

  it("coordinator failover: members find the new coordinator, rejoin, and committed offsets survive", () => {
    const w = new GroupWorld();
    w.start(201);
    w.start(202);
    w.h.runFor(3_000);
    for (let key = 0; key < 6; key++) w.append(key, [key]);
    for (let i = 0; i < 5; i++) w.pollAll();
    w.command(201, { type: "commit" });
    w.command(202, { type: "commit" });
    w.h.runFor(300);
    w.h.deliverGroupAnswers(w.groups.move(w.h.now, nodeId(3)));
    w.h.runFor(5_000);
    expect(w.consumers.get(201)!.view().group!.coordinator).toBe(3);
    expectPartitioned(w, 6);
    w.command(201, { type: "commit" });
    w.h.runFor(500);
    expect(w.commits(201).at(-1)?.phase).toBe("ok");
    expect(w.groups.view().groups[0]?.groupId).toBe("g");
  });

  it("auto-commit commits the previous polls' positions", () => {
    const w = new GroupWorld({ keyCount: 2, partitionsPerTopic: 2 });
    w.start(201, { enableAutoCommit: true, autoCommitIntervalMs: 500 });
    w.h.runFor(2_000);
    w.append(0, [7]);
    for (let i = 0; i < 10; i++) w.pollAll(200);
    const auto = w.commits(201).filter((c) => c.auto === true && c.phase === "ok");
    expect(auto.length).toBeGreaterThan(0);
    expect(auto.at(-1)!.offsets.find((o) => o.key === 0)?.offset).toBe(1);
  });
});
