// The cluster checkers catch what they exist for, on hand-made views and disks: two leaders of a
// partition in one leader epoch, two quorum leaders in one Raft epoch, a high watermark moving
// back, a fenced broker leading, replicas disagreeing below the HW; and the verdict excuses
// exactly what the contract allows (retries, unclean elections, partitions allowed offline).

import { describe, expect, it } from "vitest";
import type { BrokerView, PartitionView } from "../../../core/broker/broker-view.ts";
import type { HistoryOp } from "../../../core/client/history.ts";
import { KeyMap } from "../../../core/client/workload-keys.ts";
import { type NodeId, nodeId } from "../../../core/ids.ts";
import { encodeBatch, stampBatch } from "../../../core/log/record-batch.ts";
import { AckedDurability } from "../../../sim/checks-cluster/acked-durability.ts";
import { excusedKeys } from "../../../sim/checks-cluster/cluster-liveness.ts";
import { clusterVerdict } from "../../../sim/checks-cluster/cluster-verdict.ts";
import { ClusterInvariants } from "../../../sim/checks-cluster/invariants.ts";
import { checkReplicaLogs, ReplicaLogChecker } from "../../../sim/checks-cluster/replica-logs.ts";
import { SimDisk } from "../../../sim/disk.ts";
import { testRng } from "../../support/test-rng.ts";

function partition(overrides: Partial<PartitionView> = {}): PartitionView {
  return {
    topic: "t",
    topicId: "t-id",
    partition: 0,
    leader: 1,
    leaderEpoch: 1,
    partitionEpoch: 1,
    replicas: [1, 2, 3] as NodeId[],
    isr: [1, 2, 3] as NodeId[],
    role: "leader",
    maximalIsr: [],
    status: "online",
    logStartOffset: 0,
    logEndOffset: 10,
    highWatermark: 10,
    durableOffset: 10,
    ...overrides,
  };
}

function view(id: number, partitions: PartitionView[], overrides: Partial<BrokerView> = {}) {
  return {
    kind: "broker",
    nodeId: nodeId(id),
    roles: ["broker", "controller"],
    phase: "ready",
    ready: true,
    controllerId: 1,
    activeController: false,
    brokerEpoch: id,
    incarnationId: `i${id}`,
    fenced: false,
    logDirFailed: false,
    metadataOffset: 10,
    brokers: [],
    topics: ["t"],
    partitions,
    connections: 0,
    pendingProduces: 0,
    parkedFetches: 0,
    raft: {
      nodeId: nodeId(id),
      isVoter: true,
      role: "follower",
      epoch: 1,
      leaderId: nodeId(1),
      votedFor: null,
      logStartOffset: 0,
      logEndOffset: 0,
      syncedEndOffset: 0,
      highWatermark: 0,
      appliedOffset: 0,
      lastEpoch: 0,
      snapshotId: null,
      voterStates: [],
      haltedReason: null,
    },
    ...overrides,
  } as BrokerView;
}

describe("cluster invariants", () => {
  it("accepts one leader per epoch, and a new leader in a new epoch", () => {
    const check = new ClusterInvariants();
    expect(check.checkView(view(1, [partition()]))).toBeUndefined();
    expect(check.checkView(view(2, [partition({ leader: 2, leaderEpoch: 2 })]))).toBeUndefined();
  });

  it.each<[string, () => string | undefined]>([
    [
      "two leaders of t-0 in leader epoch 1",
      () => {
        const check = new ClusterInvariants();
        check.checkView(view(1, [partition()]));
        return check.checkView(view(2, [partition({ leader: 2 })]));
      },
    ],
    [
      "moved its high watermark back",
      () => {
        const check = new ClusterInvariants();
        check.checkView(view(1, [partition({ highWatermark: 8 })]));
        return check.checkView(view(1, [partition({ highWatermark: 7 })]));
      },
    ],
    [
      "two metadata quorum leaders in epoch 3",
      () => {
        const check = new ClusterInvariants();
        const raft = (id: number) => ({ ...view(id, []).raft, role: "leader" as const, epoch: 3 });
        check.checkView(view(1, [], { raft: raft(1) }));
        return check.checkView(view(2, [], { raft: raft(2) }));
      },
    ],
    [
      "leads t-0 while its metadata says it is fenced",
      () => new ClusterInvariants().checkView(view(1, [partition()], { fenced: true })),
    ],
  ])("reports %s", (message, run) => {
    expect(run()).toContain(message);
  });
});

describe("replica logs", () => {
  const batch = (value: string, baseOffset: number, epoch: number) => {
    const bytes = encodeBatch({
      baseTimestamp: 1,
      records: [{ key: null, value: new TextEncoder().encode(value) }],
    });
    stampBatch(bytes, baseOffset, epoch);
    return bytes;
  };
  const diskWith = (...batches: Uint8Array[]) => {
    const disk = new SimDisk(testRng("replica-logs"));
    const bytes = new Uint8Array(batches.reduce((n, b) => n + b.length, 0));
    let at = 0;
    for (const b of batches) {
      bytes.set(b, at);
      at += b.length;
    }
    disk.execute({ type: "append", path: "t-0/00000000000000000000.log", bytes });
    return disk;
  };
  const views = (followerHw: number) => [
    view(1, [partition({ logEndOffset: 2, highWatermark: 2 })]),
    view(2, [partition({ role: "follower", logEndOffset: 2, highWatermark: followerHw })]),
  ];

  it("accepts a follower holding the leader's batches", () => {
    const disks = new Map([
      [nodeId(1), diskWith(batch("a", 0, 1), batch("b", 1, 1))],
      [nodeId(2), diskWith(batch("a", 0, 1), batch("b", 1, 1))],
    ]);
    expect(checkReplicaLogs(views(2), { disks, excused: () => false })).toBeUndefined();
  });

  it("reports a batch below the follower's HW that the leader does not hold", () => {
    const disks = new Map([
      [nodeId(1), diskWith(batch("a", 0, 1), batch("b", 1, 1))],
      [nodeId(2), diskWith(batch("a", 0, 1), batch("x", 1, 0))],
    ]);
    expect(checkReplicaLogs(views(2), { disks, excused: () => false })).toContain(
      "broker 2 holds batch [1..1]",
    );
    // Above the follower's own HW a divergent tail is legitimate (it will truncate it).
    expect(checkReplicaLogs(views(1), { disks, excused: () => false })).toBeUndefined();
    // After an unclean election the partition is excused.
    expect(checkReplicaLogs(views(2), { disks, excused: () => true })).toBeUndefined();
  });

  describe("kept across steps (compared from where the last check ended)", () => {
    const path = "t-0/00000000000000000000.log";
    const checkerOf = (leader: SimDisk, follower: SimDisk) =>
      new ReplicaLogChecker({
        disks: new Map([
          [nodeId(1), leader],
          [nodeId(2), follower],
        ]),
        excused: () => false,
      });
    const viewsAt = (hw: number, leo = hw) => [
      view(1, [partition({ logEndOffset: leo, highWatermark: hw })]),
      view(2, [partition({ role: "follower", logEndOffset: leo, highWatermark: hw })]),
    ];

    it("finds a divergent batch appended after earlier checks passed", () => {
      const leader = diskWith(batch("a", 0, 1));
      const follower = diskWith(batch("a", 0, 1));
      const checker = checkerOf(leader, follower);
      expect(checker.check(viewsAt(1))).toBeUndefined();
      leader.execute({ type: "append", path, bytes: batch("b", 1, 1) });
      follower.execute({ type: "append", path, bytes: batch("x", 1, 1) });
      // Not below the follower's HW yet: legitimate.
      expect(checker.check(viewsAt(1, 2))).toBeUndefined();
      expect(checker.check(viewsAt(2))).toContain("broker 2 holds batch [1..1]");
    });

    it("finds a batch changed in place below the HW after it was verified", () => {
      const leader = diskWith(batch("a", 0, 1), batch("b", 1, 1));
      const follower = diskWith(batch("a", 0, 1), batch("b", 1, 1));
      const checker = checkerOf(leader, follower);
      expect(checker.check(viewsAt(2))).toBeUndefined();
      // Flip a bit of the follower's first batch's stored CRC (bytes 17..20 of the batch).
      follower.corrupt(path, 18, 0x10);
      expect(checker.check(viewsAt(2))).toContain("broker 2 holds batch [0..0]");
    });

    it("compares a replica again from the start after its log was cut and rewritten", () => {
      const leader = diskWith(batch("a", 0, 1), batch("b", 1, 1));
      const follower = diskWith(batch("a", 0, 1), batch("b", 1, 1));
      const checker = checkerOf(leader, follower);
      expect(checker.check(viewsAt(2))).toBeUndefined();
      follower.execute({ type: "truncate", path, size: 0 });
      follower.execute({ type: "append", path, bytes: batch("z", 0, 0) });
      follower.execute({ type: "append", path, bytes: batch("b", 1, 1) });
      expect(checker.check(viewsAt(2))).toContain("broker 2 holds batch [0..0]");
    });
  });
});

describe("the cluster verdict", () => {
  const op = (o: Partial<HistoryOp> & { type: HistoryOp["type"] }) =>
    ({ processId: 0, opId: 0, time: 0, ...o }) as HistoryOp;
  // One value acknowledged at offset 0 of key 0, never read; a later value read at offset 1.
  const history: HistoryOp[] = [
    op({ type: "send", phase: "invoke", opId: 1, sends: [{ key: 0, value: 1, offset: null }] }),
    op({ type: "send", phase: "ok", opId: 1, sends: [{ key: 0, value: 1, offset: 0 }] }),
    op({ type: "send", phase: "invoke", opId: 2, sends: [{ key: 0, value: 2, offset: null }] }),
    op({ type: "send", phase: "ok", opId: 2, sends: [{ key: 0, value: 2, offset: 1 }] }),
    op({ type: "poll", phase: "invoke", processId: 1, opId: 1, reads: [] }),
    op({
      type: "poll",
      phase: "ok",
      processId: 1,
      opId: 1,
      reads: [{ key: 0, records: [[1, 2]] }],
    }),
  ];
  const input = { history, sends: new Map<number, number>(), uncleanKeys: new Set<number>() };

  it("fails a lost acknowledged write", () => {
    const verdict = clusterVerdict({ ...input, offlineKeys: new Set() });
    expect(verdict.ok).toBe(false);
    expect(verdict.unexcused["lost-write"]).toBe(1);
  });

  it("excuses it only on a partition that saw an unclean election", () => {
    const verdict = clusterVerdict({ ...input, uncleanKeys: new Set([0]), offlineKeys: new Set() });
    expect(verdict.ok).toBe(true);
    expect(verdict.excused["lost-write"]).toBe(1);
  });

  it("keys of partitions whose ISR left the healthy core are excused from liveness", () => {
    const keyMap = new KeyMap({ keyCount: 2, partitionsPerTopic: 2, topicPrefix: "t" });
    const topic = keyMap.topicPartitionOf(0).topic;
    const views = [
      view(1, [
        partition({ topic, partition: 0, isr: [3] as NodeId[], leader: -1, role: "follower" }),
        partition({ topic, partition: 1 }),
      ]),
      view(2, [partition({ topic, partition: 1, role: "follower" })]),
    ];
    const excused = excusedKeys(views, [nodeId(1), nodeId(2)], keyMap, 2);
    expect([...excused]).toEqual([0]);
  });
});

describe("acknowledged durability", () => {
  const state = (durableOffset: number) => ({
    type: "partition-state" as const,
    topic: "t",
    partition: 0,
    leader: 1,
    leaderEpoch: 1,
    isr: [1, 2, 3],
    logStartOffset: 0,
    logEndOffset: 10,
    highWatermark: 5,
    durableOffset,
  });
  const ack = {
    type: "produce-acknowledged" as const,
    topic: "t",
    partition: 0,
    baseOffset: 5,
    count: 3,
    acks: -1,
  };

  it("accepts an acks=all acknowledgement held synced by min.insync.replicas replicas", () => {
    const check = new AckedDurability(2);
    check.observe(nodeId(1), state(8));
    check.observe(nodeId(2), state(8));
    check.observe(nodeId(1), ack);
    expect(check.violation).toBeUndefined();
    expect(check.checked).toBe(1);
  });

  it("reports one held synced by fewer (a follower acknowledged before its sync)", () => {
    const check = new AckedDurability(2);
    check.observe(nodeId(1), state(8));
    check.observe(nodeId(2), state(6));
    check.observe(nodeId(1), ack);
    expect(check.violation).toContain("only [1] held them synced");
  });

  it("forgets what a truncation cut, not what a crash kept", () => {
    const check = new AckedDurability(2);
    check.observe(nodeId(1), state(8));
    check.observe(nodeId(2), state(8));
    check.observe(nodeId(2), { ...state(3), durableOffset: 3 }); // recovery reports less: kept 8
    check.observe(nodeId(1), ack);
    expect(check.violation).toBeUndefined();
    check.observe(nodeId(2), {
      type: "follower-truncated",
      topic: "t",
      partition: 0,
      leaderEpoch: 2,
      from: 10,
      to: 6,
      target: 6,
      reason: "diverging-epoch",
      divergingEpoch: null,
    });
    check.observe(nodeId(1), ack);
    expect(check.violation).toContain("only [1]");
  });
});
