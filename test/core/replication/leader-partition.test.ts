// The leader side in isolation: HW from the maximal ISR and the leader's synced end, never
// backwards and never under min.insync.replicas; lag-driven shrinks and catch-up expansions with
// one AlterPartition in flight; fetch answers (fencing, divergence, range); acks=all outcomes.

import { describe, expect, it } from "vitest";
import { ErrorCode } from "../../../core/error-codes.ts";
import { type NodeId, nodeId } from "../../../core/ids.ts";
import { Outbox } from "../../../core/outbox.ts";
import type { PartitionAssignment, ReplicationConfig } from "../../../core/replication/config.ts";
import { LeaderPartition } from "../../../core/replication/leader-partition.ts";
import type {
  AlterPartitionItem,
  ReplicaFetchPartition,
} from "../../../core/replication/messages.ts";
import {
  config,
  ids,
  ManualLog,
  marks,
  PID,
  registry,
  traceEvents,
} from "./support/unit-fixtures.ts";

function setup(
  options: { isr?: number[]; overrides?: Partial<ReplicationConfig>; epoch?: number } = {},
) {
  const log = new ManualLog();
  const outbox = new Outbox();
  const brokers = registry();
  const assignment: PartitionAssignment = {
    replicas: ids(1, 2, 3),
    isr: ids(...(options.isr ?? [1, 2, 3])),
    leader: 1,
    leaderEpoch: options.epoch ?? 0,
    partitionEpoch: 10,
  };
  const cfg = config({ minInsyncReplicas: 2, ...options.overrides });
  const leader = new LeaderPartition(
    0,
    { id: PID, localId: nodeId(1), config: cfg, log, brokers, outbox },
    assignment,
  );
  const fetch = (
    now: number,
    replica: number,
    fetchOffset: number,
    extra: Partial<ReplicaFetchPartition> = {},
  ) =>
    leader.onFollowerFetch(now, nodeId(replica), replica * 100, {
      ...PID,
      currentLeaderEpoch: leader.leaderEpoch,
      fetchOffset,
      lastFetchedEpoch: fetchOffset === 0 ? -1 : log.latestEpoch(),
      logStartOffset: 0,
      maxBytes: 1_000,
      ...extra,
    });
  return { log, outbox, brokers, leader, fetch };
}

describe("high watermark", () => {
  it("is the lowest synced end over the ISR, and waits for every follower's first fetch", () => {
    const { log, leader, fetch } = setup();
    log.fill(5, 0);
    expect(leader.onLogAdvanced(1)).toBe(false);
    fetch(2, 2, 5);
    expect(leader.highWatermark).toBe(0);
    fetch(3, 3, 3);
    expect(leader.highWatermark).toBe(3);
    fetch(4, 3, 5);
    expect(leader.highWatermark).toBe(5);
    expect(log.highWatermark).toBe(5);
  });

  it("counts the leader's own records only once they are synced", () => {
    const { log, leader, fetch } = setup();
    log.appendAsLeader(["a", "b"], 0);
    fetch(1, 2, 2);
    fetch(1, 3, 2);
    expect(leader.highWatermark).toBe(0);
    log.sync();
    log.syncAll();
    expect(leader.onLogAdvanced(2)).toBe(true);
    expect(leader.highWatermark).toBe(2);
  });

  it("never moves back within an epoch (Kafka's page-cache mode, a follower restarting lower)", () => {
    const { log, leader, fetch } = setup({ overrides: { ackRequiresSync: false } });
    log.fill(4, 0);
    fetch(1, 2, 4);
    fetch(1, 3, 4);
    expect(leader.highWatermark).toBe(4);
    fetch(2, 3, 2);
    expect(leader.highWatermark).toBe(4);
  });

  it("stops while the committed ISR is below min.insync.replicas (KAFKA-15583)", () => {
    const { log, leader, fetch } = setup({ isr: [1] });
    log.fill(3, 0);
    expect(leader.onLogAdvanced(1)).toBe(false);
    expect(leader.acksAllError()).toBe(ErrorCode.NOT_ENOUGH_REPLICAS);
    fetch(2, 2, 3);
    expect(leader.highWatermark).toBe(0);
  });

  it("keeps waiting for a member whose removal is only proposed", () => {
    const { log, leader, fetch } = setup();
    log.fill(2, 0);
    fetch(1, 2, 2);
    fetch(1, 3, 2);
    log.fill(2, 0);
    fetch(2, 2, 4);
    leader.onTimer(1_200); // 3 last caught up at 1: it lags
    expect(leader.pollAlterPartition(1_200)?.newIsr.map((m) => m.brokerId)).toEqual([1, 2]);
    expect(leader.highWatermark).toBe(2);
  });
});

describe("ISR changes", () => {
  function answer(
    item: AlterPartitionItem,
    errorCode: number = ErrorCode.NONE,
    partitionEpoch = item.partitionEpoch + 1,
  ) {
    return {
      topic: item.topic,
      topicId: item.topicId,
      partition: item.partition,
      errorCode: errorCode as ErrorCode,
      leaderId: 1,
      leaderEpoch: item.leaderEpoch,
      isr: item.newIsr.map((m) => m.brokerId),
      partitionEpoch,
    };
  }

  it("shrinks a follower not caught up within replica.lag.time.max.ms, saying by how much", () => {
    const { log, outbox, leader, fetch } = setup();
    log.fill(2, 0);
    fetch(100, 2, 2);
    fetch(100, 3, 2);
    log.fill(1, 0);
    fetch(500, 2, 3);
    expect(leader.nextWakeupMs()).toBe(1_101);
    leader.onTimer(1_100);
    expect(leader.pollAlterPartition(1_100)).toBeNull();
    leader.onTimer(1_101);
    const item = leader.pollAlterPartition(1_101);
    expect(item).toMatchObject({
      leaderEpoch: 0,
      partitionEpoch: 10,
      newIsr: [
        { brokerId: 1, brokerEpoch: 100 },
        { brokerId: 2, brokerEpoch: 200 },
      ],
    });
    expect(traceEvents(outbox)).toContainEqual(
      expect.objectContaining({
        type: "isr-shrink-proposed",
        proposedIsr: [1, 2],
        lagging: [{ replicaId: 3, lagMs: 1_001, logEndOffset: 2 }],
      }),
    );
    if (item === null) return;
    // Committed: follower 3 no longer holds the HW back.
    expect(leader.onAlterPartitionResponse(1_102, item, answer(item))).toBe(true);
    expect(leader.highWatermark).toBe(3);
    expect(leader.isr).toEqual([1, 2]);
    expect(leader.partitionEpoch).toBe(11);
  });

  it("a follower chasing a busy leader stays in sync while it reaches the previous log end", () => {
    const { log, leader, fetch } = setup();
    for (let t = 0; t < 10; t++) {
      log.fill(1, 0);
      fetch(t * 400, 2, log.logEndOffset - 1);
      fetch(t * 400, 3, log.logEndOffset);
    }
    leader.onTimer(4_000);
    expect(leader.pollAlterPartition(4_000)).toBeNull();
  });

  it("expands when a follower reaches the HW in this epoch; the HW waits for it meanwhile", () => {
    const { log, outbox, leader, fetch } = setup({ isr: [1, 2], epoch: 3 });
    log.fill(4, 3);
    fetch(1, 2, 4);
    expect(leader.highWatermark).toBe(4);
    fetch(2, 3, 2);
    expect(leader.pollAlterPartition(2)).toBeNull();
    log.fill(2, 3);
    fetch(3, 3, 4);
    const item = leader.pollAlterPartition(3);
    expect(item?.newIsr.map((m) => m.brokerId)).toEqual([1, 2, 3]);
    expect(leader.maximalIsr).toEqual([1, 2, 3]);
    fetch(4, 2, 6);
    expect(leader.highWatermark).toBe(4);
    expect(traceEvents(outbox)).toContainEqual(
      expect.objectContaining({ type: "isr-expand-proposed", replicaId: 3, caughtUpOffset: 4 }),
    );
  });

  it("never proposes a fenced or shutting-down follower (KIP-841)", () => {
    const { log, brokers, leader, fetch } = setup({ isr: [1, 2] });
    log.fill(2, 0);
    brokers.set(3, { fenced: true });
    fetch(1, 3, 2);
    expect(leader.pollAlterPartition(1)).toBeNull();
    brokers.set(3, { fenced: false, inControlledShutdown: true });
    fetch(2, 3, 2);
    expect(leader.pollAlterPartition(2)).toBeNull();
  });

  it("keeps one proposal in flight, sends it again when unanswered, and settles it once", () => {
    const { log, outbox, leader, fetch } = setup({ isr: [1, 2] });
    log.fill(2, 0);
    fetch(1, 2, 2);
    fetch(1, 3, 2);
    const item = leader.pollAlterPartition(1);
    expect(item).not.toBeNull();
    if (item === null) return;
    expect(leader.pollAlterPartition(2)).toBeNull();
    expect(leader.nextWakeupMs()).toBe(501);
    expect(leader.pollAlterPartition(501)).toEqual(item);
    expect(marks(traceEvents(outbox))).toContain("alter-partition-resent");
    leader.onAlterPartitionResponse(502, item, answer(item));
    expect(leader.isr).toEqual([1, 2, 3]);
    leader.onAlterPartitionResponse(503, item, answer(item));
    expect(marks(traceEvents(outbox))).toContain("alter-partition-stale-answer");
  });

  it("on INVALID_UPDATE_VERSION waits for metadata instead of resending", () => {
    const { log, leader, fetch } = setup({ isr: [1, 2] });
    log.fill(2, 0);
    fetch(1, 2, 2);
    fetch(1, 3, 2);
    const item = leader.pollAlterPartition(1);
    if (item === null) throw new Error("no proposal");
    leader.onAlterPartitionResponse(2, item, answer(item, ErrorCode.INVALID_UPDATE_VERSION, -1));
    expect(leader.nextWakeupMs()).toBeUndefined();
    expect(leader.pollAlterPartition(10_000)).toBeNull();
    leader.onMetadata(10_001, {
      replicas: ids(1, 2, 3),
      isr: ids(1, 2, 3),
      leader: 1,
      leaderEpoch: 0,
      partitionEpoch: 12,
    });
    expect(leader.view().proposal).toBeNull();
    expect(leader.isr).toEqual([1, 2, 3]);
  });

  it("drops an INELIGIBLE_REPLICA proposal and may propose again; retries NOT_CONTROLLER", () => {
    const { log, leader, fetch } = setup({ isr: [1, 2] });
    log.fill(2, 0);
    fetch(1, 2, 2);
    fetch(1, 3, 2);
    const first = leader.pollAlterPartition(1);
    if (first === null) throw new Error("no proposal");
    leader.onAlterPartitionResponse(2, first, answer(first, ErrorCode.NOT_CONTROLLER, -1));
    expect(leader.pollAlterPartition(60)).toEqual(first);
    leader.onAlterPartitionResponse(61, first, answer(first, ErrorCode.INELIGIBLE_REPLICA, -1));
    expect(leader.view().proposal).toBeNull();
    fetch(70, 3, 2);
    expect(leader.pollAlterPartition(70)).not.toBeNull();
  });
});

describe("follower fetches", () => {
  it.each([
    { why: "an older leader epoch", epoch: 4, code: ErrorCode.FENCED_LEADER_EPOCH },
    { why: "a newer leader epoch", epoch: 6, code: ErrorCode.UNKNOWN_LEADER_EPOCH },
  ])("refuses $why", ({ epoch, code }) => {
    const { outbox, fetch } = setup({ epoch: 5 });
    expect(fetch(1, 2, 0, { currentLeaderEpoch: epoch })).toMatchObject({
      type: "error",
      errorCode: code,
    });
    expect(traceEvents(outbox)).toContainEqual(
      expect.objectContaining({
        type: "fenced-leader-epoch",
        side: "leader",
        requestEpoch: epoch,
        currentEpoch: 5,
      }),
    );
  });

  it("refuses a replica outside the assignment and a stale broker epoch", () => {
    const { leader, brokers, fetch } = setup();
    const request = {
      ...PID,
      currentLeaderEpoch: 0,
      fetchOffset: 0,
      lastFetchedEpoch: -1,
      logStartOffset: 0,
      maxBytes: 1,
    };
    expect(leader.onFollowerFetch(1, nodeId(9), 900, request)).toMatchObject({
      errorCode: ErrorCode.UNKNOWN_LEADER_EPOCH,
    });
    brokers.set(2, { brokerEpoch: 201 });
    expect(fetch(1, 2, 0)).toMatchObject({ errorCode: ErrorCode.NOT_LEADER_OR_FOLLOWER });
  });

  it("answers a divergent follower with where its epoch ended, and records nothing", () => {
    const { log, leader, fetch } = setup({ epoch: 2 });
    log.fill(3, 0);
    log.fill(2, 2);
    const outcome = fetch(1, 2, 4, { lastFetchedEpoch: 1 });
    expect(outcome).toMatchObject({
      type: "diverging",
      divergingEpoch: { epoch: 0, endOffset: 3 },
    });
    expect(leader.view().followers.find((f) => f.replicaId === 2)?.logEndOffset).toBe(-1);
  });

  it("answers OFFSET_OUT_OF_RANGE past the log end, and reads up to the log end otherwise", () => {
    const { log, fetch } = setup();
    log.fill(3, 0);
    expect(fetch(1, 2, 7, { lastFetchedEpoch: -1 })).toMatchObject({
      type: "error",
      errorCode: ErrorCode.OFFSET_OUT_OF_RANGE,
    });
    expect(fetch(1, 2, 1)).toMatchObject({ type: "read", fetchOffset: 1, upperBound: 3 });
  });
});

describe("acks=all", () => {
  it("completes once the HW covers the records", () => {
    const { log, leader, fetch } = setup();
    log.fill(3, 0);
    expect(leader.checkEnoughReplicasReachOffset(3)).toEqual({
      done: false,
      errorCode: ErrorCode.NONE,
    });
    fetch(1, 2, 3);
    fetch(1, 3, 3);
    expect(leader.checkEnoughReplicasReachOffset(3)).toEqual({
      done: true,
      errorCode: ErrorCode.NONE,
    });
  });

  it("answers NOT_ENOUGH_REPLICAS_AFTER_APPEND when the ISR shrank below the minimum while waiting", () => {
    const { log, leader, fetch } = setup({ isr: [1, 2] });
    log.fill(2, 0);
    fetch(1, 2, 2);
    log.fill(1, 0);
    leader.onTimer(1_500);
    const item = leader.pollAlterPartition(1_500);
    if (item === null) throw new Error("no shrink");
    leader.onAlterPartitionResponse(1_501, item, {
      ...item,
      errorCode: ErrorCode.NONE,
      leaderId: 1,
      isr: ids(1),
      partitionEpoch: 11,
    });
    expect(leader.isr).toEqual([1]);
    expect(leader.checkEnoughReplicasReachOffset(3)).toEqual({
      done: true,
      errorCode: ErrorCode.NOT_ENOUGH_REPLICAS_AFTER_APPEND,
    });
    expect(leader.acksAllError()).toBe(ErrorCode.NOT_ENOUGH_REPLICAS);
  });
});

describe("leader epochs", () => {
  it("a new epoch of the same leader forgets follower positions and restarts the term", () => {
    const { log, leader, fetch } = setup();
    log.fill(2, 0);
    fetch(1, 2, 2);
    fetch(1, 3, 2);
    log.fill(1, 0);
    leader.onMetadata(2, {
      replicas: ids(1, 2, 3),
      isr: ids(1, 2, 3),
      leader: 1,
      leaderEpoch: 1,
      partitionEpoch: 11,
    });
    expect(leader.view()).toMatchObject({
      leaderEpoch: 1,
      leaderEpochStartOffset: 3,
      highWatermark: 2,
    });
    expect(leader.view().followers.map((f) => f.logEndOffset)).toEqual([-1, -1]);
    expect(fetch(3, 2, 3, { currentLeaderEpoch: 0 })).toMatchObject({
      errorCode: ErrorCode.FENCED_LEADER_EPOCH,
    });
  });

  it("ignores metadata older than what it has", () => {
    const { outbox, leader } = setup();
    const stale = {
      replicas: ids(1, 2, 3),
      isr: ids(1) as NodeId[],
      leader: 1,
      leaderEpoch: 0,
      partitionEpoch: 9,
    };
    expect(leader.onMetadata(1, stale)).toBe(false);
    expect(leader.isr).toEqual([1, 2, 3]);
    expect(marks(traceEvents(outbox))).toContain("leader-stale-metadata-ignored");
  });
});
