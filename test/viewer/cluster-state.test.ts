// The cluster state the panels draw, event by event: leader and epoch move forward only, the ISR
// comes from the leader with the broker's reason or an inferred one, crashes mark replicas offline,
// faults come and go (clogs nest, skipped faults never show, stabilize lifts the core's faults),
// groups follow group-state and offset events.

import { describe, expect, it } from "vitest";
import {
  applyRecord,
  type ClusterState,
  emptyState,
  groupLag,
  type NotableKind,
} from "../../viewer/cluster-state.ts";
import type { AnyRecord } from "../../viewer/records.ts";

const nodes = [
  { id: 1, role: "server" },
  { id: 2, role: "server" },
  { id: 3, role: "server" },
  { id: 100, role: "client" },
];
const clients = new Set([100]);

function run(events: readonly Partial<AnyRecord>[]): {
  state: ClusterState;
  notables: NotableKind[][];
} {
  const state = emptyState(nodes);
  const notables = events.map((e, i) =>
    applyRecord(state, { seq: i + 1, t: i, ...e } as AnyRecord, i, clients),
  );
  return { state, notables };
}

const ps = (node: number, fields: Partial<Record<string, unknown>>) => ({
  type: "partition-state",
  node,
  topic: "t",
  partition: 0,
  leader: 1,
  leaderEpoch: 0,
  isr: [1, 2, 3],
  logStartOffset: 0,
  logEndOffset: 0,
  highWatermark: 0,
  durableOffset: 0,
  ...fields,
});

describe("partitions", () => {
  it("takes leader and epoch from the newest epoch, never from a stale replica", () => {
    const { state, notables } = run([
      ps(1, {}),
      ps(2, { leader: 2, leaderEpoch: 1, isr: [2, 3] }),
      ps(1, { leader: 1, leaderEpoch: 0 }),
    ]);
    const p = state.partitions["t-0"]!;
    expect([p.leader, p.leaderEpoch, p.isr]).toEqual([2, 1, [2, 3]]);
    expect(p.replicas[1]!.leaderEpoch).toBe(0);
    expect(notables[1]).toEqual(["leader", "isr"]);
    expect(p.isrChanges.at(-1)).toMatchObject({
      before: [1, 2, 3],
      after: [2, 3],
      reason: "leader election",
    });
  });

  it("uses the leader's reason for an ISR shrink it proposed", () => {
    const { state, notables } = run([
      ps(1, {}),
      {
        type: "isr-shrink-proposed",
        node: 1,
        topic: "t",
        partition: 0,
        leaderEpoch: 0,
        partitionEpoch: 0,
        isr: [1, 2, 3],
        proposedIsr: [1, 2],
        lagging: [{ replicaId: 3, lagMs: 65, logEndOffset: 7 }],
        replicaLagTimeMaxMs: 30_000,
      },
      {
        type: "isr-committed",
        node: 1,
        topic: "t",
        partition: 0,
        leaderEpoch: 0,
        partitionEpoch: 1,
        isr: [1, 2],
        source: "alter-partition",
      },
      ps(1, { isr: [1, 2] }),
    ]);
    expect(notables[3]).toEqual(["isr"]);
    expect(state.partitions["t-0"]!.isrChanges.at(-1)).toMatchObject({
      reason:
        "3 left: not caught up for 65 ms > replica.lag.time.max.ms (30000 ms), its log end offset 7",
      inferred: false,
    });
  });

  it("explains a leader change with the controller's election and records truncations", () => {
    const { state, notables } = run([
      ps(1, {}),
      { type: "broker-session-expired", node: 2, brokerId: 1, brokerEpoch: 5, silentMs: 18_000 },
      {
        type: "leader-elected",
        node: 2,
        topic: "t",
        partition: 0,
        leader: 2,
        previousLeader: 1,
        leaderEpoch: 1,
        partitionEpoch: 2,
        isr: [2, 3],
        unclean: false,
        reason: "broker-fenced",
      },
      ps(2, { leader: 2, leaderEpoch: 1, isr: [2, 3] }),
      {
        type: "follower-truncated",
        node: 3,
        topic: "t",
        partition: 0,
        leaderEpoch: 1,
        from: 12,
        to: 9,
        target: 9,
        reason: "diverging-epoch",
        divergingEpoch: { epoch: 0, endOffset: 9 },
      },
    ]);
    const p = state.partitions["t-0"]!;
    expect(notables[1]).toEqual(["fence"]);
    expect(state.nodes[1]!.fenced).toBe(true);
    expect(p.lastElection).toMatchObject({
      leader: 2,
      previousLeader: 1,
      reason: "broker-fenced",
      unclean: false,
    });
    expect(p.isrChanges.at(-1)).toMatchObject({
      reason: "leader 1 → 2 (broker-fenced)",
      inferred: false,
    });
    expect(notables[4]).toEqual(["truncation"]);
    expect(p.truncations.at(-1)).toMatchObject({
      node: 3,
      logEndOffset: 9,
      reason: "from 12 to 9: diverging epoch: the leader's epoch 0 ends at offset 9",
    });
  });

  it.each([
    [[{ type: "proc-crash", node: 3, incarnation: 1 }], "3 left: its broker is down"],
    [[{ type: "proc-pause", node: 3 }], "3 left: its broker is paused"],
    [
      [
        {
          type: "fault",
          fault: {
            type: "partition",
            id: 4,
            shape: "isolate",
            oneWay: false,
            sides: [[3], [1, 2]],
          },
        },
      ],
      "3 left: cut off by partition#4 isolate [3] <-/-> [1,2]",
    ],
    [[], "3 left: fell behind for replica.lag.time.max.ms"],
  ])("infers why a replica left the ISR (%#)", (before, reason) => {
    const { state } = run([ps(1, {}), ...before, ps(1, { isr: [1, 2] })]);
    expect(state.partitions["t-0"]!.isrChanges.at(-1)).toMatchObject({ reason, inferred: true });
  });

  it("notes a high watermark move only from the leader", () => {
    const { notables } = run([ps(1, {}), ps(2, { highWatermark: 5 }), ps(1, { highWatermark: 5 })]);
    expect(notables[1]).toEqual([]);
    expect(notables[2]).toEqual(["hw"]);
  });

  it("marks a crashed broker's replicas offline, keeping their last values", () => {
    const { state } = run([
      ps(3, { logEndOffset: 9 }),
      { type: "proc-crash", node: 3, incarnation: 1 },
    ]);
    expect(state.partitions["t-0"]!.replicas[3]).toMatchObject({ offline: true, logEndOffset: 9 });
    expect(state.nodes[3]!.status).toBe("down");
  });
});

describe("faults", () => {
  const f = (fault: Record<string, unknown>, type = "fault") => ({ type, fault });

  it("nests clogs and lifts one level per unclog", () => {
    const clog = { type: "clog", from: 1, to: 2 };
    const unclog = { type: "unclog", from: 1, to: 2 };
    expect(run([f(clog), f(clog), f(unclog)]).state.faults.map((x) => x.key)).toEqual([
      "clog 1->2",
    ]);
    expect(run([f(clog), f(clog), f(unclog), f(unclog)]).state.faults).toEqual([]);
  });

  it("never shows a fault the world skipped", () => {
    const stall = { type: "disk-stall", node: 2, factor: 5 };
    expect(
      run([
        { ...f(stall), t: 4 },
        { ...f(stall, "fault-skipped"), t: 4 },
      ]).state.faults,
    ).toEqual([]);
  });

  it("lifts faults among the core and clients at stabilize, keeps the others", () => {
    const { state } = run([
      f({ type: "partition", id: 1, shape: "halves", oneWay: false, sides: [[1], [2, 100]] }),
      f({ type: "disk-errors", node: 3, mode: "eio" }),
      f({ type: "stabilize", core: [1, 2] }),
    ]);
    expect(state.faults.map((x) => x.key)).toEqual(["disk-errors 3"]);
  });

  it("heals a partition by id and keeps the first failure", () => {
    const { state, notables } = run([
      f({ type: "partition", id: 7, shape: "isolate", oneWay: true, sides: [[1], [2, 3]] }),
      f({ type: "heal", id: 7 }),
      { type: "failure", kind: "global-invariant", message: "first" },
      { type: "failure", kind: "final-check", message: "second" },
    ]);
    expect(state.faults).toEqual([]);
    expect(state.failure).toMatchObject({ message: "first", idx: 2 });
    expect(notables[0]).toEqual(["fault"]);
    expect(notables[3]).toEqual(["anomaly"]);
  });
});

describe("controller and groups", () => {
  it("follows the metadata quorum leader and forgets it when it crashes", () => {
    const { state, notables } = run([
      { type: "raft-role-changed", node: 2, role: "leader", epoch: 3, leaderId: 2, reason: "won" },
      {
        type: "raft-role-changed",
        node: 1,
        role: "follower",
        epoch: 3,
        leaderId: 2,
        reason: "new leader",
      },
    ]);
    expect([state.controller, state.controllerEpoch]).toEqual([2, 3]);
    expect(notables[0]).toEqual(["election"]);
    applyRecord(
      state,
      { seq: 9, t: 9, node: 2, type: "proc-crash", incarnation: 1 } as AnyRecord,
      9,
      clients,
    );
    expect(state.controller).toBe(-1);
  });

  it("tracks a group's generation, members, committed offsets and lag", () => {
    const { state, notables } = run([
      ps(1, { logEndOffset: 50, highWatermark: 40 }),
      {
        type: "group-state",
        node: 1,
        group: "g",
        state: "Stable",
        generation: 2,
        protocolType: "consumer",
        protocol: "range",
        leader: "m1",
        members: [
          {
            memberId: "m1",
            groupInstanceId: null,
            clientId: "c",
            assignment: [{ topic: "t", partitions: [0] }],
          },
        ],
      },
      { type: "offset-committed", node: 1, group: "g", topic: "t", partition: 0, offset: 25 },
    ]);
    const g = state.groups["g@1"]!;
    expect(notables[1]).toEqual(["rebalance"]);
    expect([g.state, g.generation, g.members[0]!.assignment]).toEqual(["Stable", 2, ["t-0"]]);
    expect(groupLag(state, g)).toEqual({ "t-0": 15 });
  });
});
