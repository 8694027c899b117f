// The follower side in isolation: fetch from the log end with the last epoch, acknowledge only
// synced offsets, append and learn the HW, truncate by epochs over as many rounds as it takes
// (KIP-279) against a real LeaderPartition, and the error paths (fenced, out of range, bad bytes).

import { describe, expect, it } from "vitest";
import { ErrorCode } from "../../../core/error-codes.ts";
import { nodeId } from "../../../core/ids.ts";
import { Outbox } from "../../../core/outbox.ts";
import { FollowerPartition } from "../../../core/replication/follower-partition.ts";
import { LeaderPartition } from "../../../core/replication/leader-partition.ts";
import type {
  ReplicaFetchPartition,
  ReplicaFetchPartitionResponse,
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

function follower(log = new ManualLog(), leaderEpoch = 0) {
  const outbox = new Outbox();
  const partition = new FollowerPartition(
    0,
    { id: PID, localId: nodeId(2), config: config(), log, outbox },
    1,
    leaderEpoch,
  );
  return { log, outbox, partition };
}

function answer(fields: Partial<ReplicaFetchPartitionResponse>): ReplicaFetchPartitionResponse {
  return {
    ...PID,
    errorCode: ErrorCode.NONE,
    highWatermark: 0,
    logStartOffset: 0,
    divergingEpoch: null,
    records: new Uint8Array(0),
    ...fields,
  };
}

/** A leader with its own log, answering fetches as the broker would with LeaderPartition. */
function leaderFor(log: ManualLog, leaderEpoch: number) {
  const leader = new LeaderPartition(
    0,
    {
      id: PID,
      localId: nodeId(1),
      config: config({ minInsyncReplicas: 1 }),
      log,
      brokers: registry(),
      outbox: new Outbox(),
    },
    { replicas: ids(1, 2), isr: ids(1, 2), leader: 1, leaderEpoch, partitionEpoch: 0 },
  );
  return (now: number, request: ReplicaFetchPartition): ReplicaFetchPartitionResponse => {
    const outcome = leader.onFollowerFetch(now, nodeId(2), 200, request);
    return answer({
      errorCode: outcome.type === "error" ? outcome.errorCode : ErrorCode.NONE,
      highWatermark: outcome.highWatermark,
      divergingEpoch: outcome.type === "diverging" ? outcome.divergingEpoch : null,
      records:
        outcome.type === "read"
          ? log.read(outcome.fetchOffset, outcome.maxBytes, outcome.upperBound)
          : new Uint8Array(0),
    });
  };
}

/** Fetches and handles answers until nothing more happens; returns the truncations traced. */
function replicate(
  f: ReturnType<typeof follower>,
  fetchFrom: ReturnType<typeof leaderFor>,
  rounds = 10,
) {
  for (let now = 1; now <= rounds; now++) {
    f.log.syncAll();
    f.log.finishTruncations();
    const request = f.partition.pollFetch(now);
    if (request === null) continue;
    f.partition.onFetchResponse(now, request, fetchFrom(now, request));
  }
  return traceEvents(f.outbox).filter((e) => e.type === "follower-truncated");
}

describe("fetching", () => {
  it("fetches from the log end with its last epoch, one fetch at a time", () => {
    const log = new ManualLog();
    log.fill(3, 2);
    const { partition } = follower(log, 4);
    expect(partition.pollFetch(1)).toMatchObject({
      fetchOffset: 3,
      lastFetchedEpoch: 2,
      currentLeaderEpoch: 4,
    });
    expect(partition.pollFetch(2)).toBeNull();
  });

  it("appends, syncs, and fetches again only once the append is synced; the HW only rises", () => {
    const leaderLog = new ManualLog();
    leaderLog.fill(4, 0);
    const f = follower();
    const request = f.partition.pollFetch(1);
    if (request === null) throw new Error("no fetch");
    f.partition.onFetchResponse(
      1,
      request,
      answer({ highWatermark: 3, records: leaderLog.read(0, 1_000, 4) }),
    );
    expect([f.log.logEndOffset, f.log.highWatermark, f.log.durableOffset]).toEqual([4, 3, 0]);
    expect(f.partition.pollFetch(2)).toBeNull();
    expect(f.log.syncs).toHaveLength(1);
    f.log.syncAll();
    const next = f.partition.pollFetch(3);
    expect(next?.fetchOffset).toBe(4);
    if (next === null) return;
    f.partition.onFetchResponse(3, next, answer({ highWatermark: 1 }));
    expect(f.log.highWatermark).toBe(3);
  });

  it("ignores an answer to a fetch it no longer waits for", () => {
    const f = follower();
    const request = f.partition.pollFetch(1);
    if (request === null) throw new Error("no fetch");
    f.partition.onLeaderChange(2, 3, 1);
    f.partition.onFetchResponse(3, request, answer({ highWatermark: 5 }));
    expect(marks(traceEvents(f.outbox))).toContain("follower-stale-fetch-response");
    expect(f.partition.pollFetch(4)?.currentLeaderEpoch).toBe(1);
  });
});

describe("truncation by leader epoch", () => {
  it("cuts a divergent tail once, to where the epochs part, and never below it", () => {
    const leaderLog = new ManualLog();
    leaderLog.fill(3, 0);
    leaderLog.fill(3, 2);
    const log = new ManualLog();
    log.fill(3, 0);
    log.fill(4, 1, "x");
    const f = follower(log, 2);
    const cuts = replicate(f, leaderFor(leaderLog, 2));
    expect(cuts).toEqual([
      expect.objectContaining({
        from: 7,
        to: 3,
        reason: "diverging-epoch",
        divergingEpoch: { epoch: 0, endOffset: 3 },
      }),
    ]);
    expect(log.logEndOffset).toBe(6);
    expect([3, 4, 5].map((o) => log.valueAt(o))).toEqual(["r3", "r4", "r5"]);
  });

  it("takes two rounds when the follower lacks the leader's answering epoch (KIP-279)", () => {
    // Leader: epoch 0 [0,2), epoch 1 [2,5), epoch 3 [5,7). Follower: epoch 0 [0,2), epoch 2 [2,7).
    const leaderLog = new ManualLog();
    leaderLog.fill(2, 0);
    leaderLog.fill(3, 1);
    leaderLog.fill(2, 3);
    const log = new ManualLog();
    log.fill(2, 0);
    log.fill(5, 2, "x");
    const f = follower(log, 3);
    const fetchFrom = leaderFor(leaderLog, 3);
    const request = f.partition.pollFetch(1);
    if (request === null) throw new Error("no fetch");
    f.partition.onFetchResponse(1, request, fetchFrom(1, request));
    expect(marks(traceEvents(f.outbox))).toEqual([
      "follower-truncated-divergent-tail",
      "follower-truncation-needs-another-round",
    ]);
    const cuts = replicate(f, fetchFrom);
    expect(cuts.map((e) => e.type === "follower-truncated" && [e.from, e.to])).toEqual([[7, 2]]);
    expect(log.logEndOffset).toBe(7);
    expect(Array.from({ length: 7 }, (_, o) => log.valueAt(o))).toEqual(
      Array.from({ length: 7 }, (_, o) => leaderLog.valueAt(o)),
    );
  });

  it("fetches nothing while a truncation is in flight", () => {
    const leaderLog = new ManualLog();
    leaderLog.fill(2, 0);
    leaderLog.fill(1, 2);
    const log = new ManualLog();
    log.fill(2, 0);
    log.fill(2, 1, "x");
    const f = follower(log, 2);
    const fetchFrom = leaderFor(leaderLog, 2);
    const request = f.partition.pollFetch(1);
    if (request === null) throw new Error("no fetch");
    f.partition.onFetchResponse(1, request, fetchFrom(1, request));
    expect(f.partition.truncating).toBe(true);
    expect(f.partition.pollFetch(2)).toBeNull();
    log.finishTruncations();
    expect(f.partition.pollFetch(3)).toMatchObject({ fetchOffset: 2, lastFetchedEpoch: 0 });
  });
});

describe("errors", () => {
  it("FENCED_LEADER_EPOCH waits for newer metadata; UNKNOWN_LEADER_EPOCH backs off", () => {
    const f = follower();
    const first = f.partition.pollFetch(1);
    if (first === null) throw new Error("no fetch");
    f.partition.onFetchResponse(1, first, answer({ errorCode: ErrorCode.FENCED_LEADER_EPOCH }));
    expect(f.partition.phase.type).toBe("awaiting-metadata");
    expect(f.partition.pollFetch(5_000)).toBeNull();
    f.partition.onLeaderChange(5_001, 1, 1);
    const second = f.partition.pollFetch(5_002);
    if (second === null) throw new Error("no fetch after metadata");
    f.partition.onFetchResponse(
      5_003,
      second,
      answer({ errorCode: ErrorCode.UNKNOWN_LEADER_EPOCH }),
    );
    expect(f.partition.nextWakeupMs()).toBe(5_103);
    expect(f.partition.pollFetch(5_102)).toBeNull();
    expect(f.partition.pollFetch(5_103)).not.toBeNull();
    expect(traceEvents(f.outbox).filter((e) => e.type === "fenced-leader-epoch")).toHaveLength(2);
  });

  it("OFFSET_OUT_OF_RANGE below the leader's log start starts the log over there", () => {
    const log = new ManualLog();
    log.fill(3, 0);
    const f = follower(log);
    const request = f.partition.pollFetch(1);
    if (request === null) throw new Error("no fetch");
    f.partition.onFetchResponse(
      1,
      request,
      answer({ errorCode: ErrorCode.OFFSET_OUT_OF_RANGE, logStartOffset: 10 }),
    );
    expect([log.logStartOffset, log.logEndOffset]).toEqual([10, 10]);
    expect(f.partition.pollFetch(2)).toMatchObject({ fetchOffset: 10, lastFetchedEpoch: -1 });
  });

  it("an empty log starting inside the leader's first batch starts at that batch", () => {
    const leaderLog = new ManualLog();
    leaderLog.fill(5, 0);
    const log = new ManualLog();
    log.truncateFullyAndStartAt(3);
    const f = follower(log);
    const request = f.partition.pollFetch(1);
    if (request === null) throw new Error("no fetch");
    f.partition.onFetchResponse(
      1,
      request,
      answer({ highWatermark: 5, records: leaderLog.read(3, 1_000, 5) }),
    );
    expect([log.logStartOffset, log.logEndOffset]).toEqual([0, 5]);
  });

  it("bad bytes from the leader are refused and fetched again after a backoff", () => {
    const leaderLog = new ManualLog();
    leaderLog.fill(2, 0);
    const bytes = leaderLog.read(0, 1_000, 2).slice();
    bytes[bytes.length - 1] = bytes[bytes.length - 1]! ^ 0xff;
    const f = follower();
    const request = f.partition.pollFetch(1);
    if (request === null) throw new Error("no fetch");
    f.partition.onFetchResponse(1, request, answer({ records: bytes }));
    expect(f.log.logEndOffset).toBe(0);
    expect(marks(traceEvents(f.outbox))).toContain("follower-fetched-invalid-batches");
    expect(f.partition.phase.type).toBe("backoff");
  });
});
