// The replication components over the real PartitionLog on simulated disks (zero-latency driver):
// the ports in replica-log.ts fit the log, a divergent tail is cut by the log's asynchronous
// truncation, a follower crash loses only what it never acknowledged, and the replicas end equal.

import { describe, expect, it } from "vitest";
import { assert } from "../../../core/assert.ts";
import { DiskIo } from "../../../core/disk-io.ts";
import { ErrorCode } from "../../../core/error-codes.ts";
import { nodeId } from "../../../core/ids.ts";
import { validateForAppend, validateForFollowerAppend } from "../../../core/log/log-validate.ts";
import { PartitionLog } from "../../../core/log/partition-log.ts";
import { decodeRecords, encodeBatch, scanBatches } from "../../../core/log/record-batch.ts";
import { Outbox } from "../../../core/outbox.ts";
import { FollowerPartition } from "../../../core/replication/follower-partition.ts";
import { LeaderPartition } from "../../../core/replication/leader-partition.ts";
import type { ReplicaFetchPartitionResponse } from "../../../core/replication/messages.ts";
import type { FollowerLog } from "../../../core/replication/replica-log.ts";
import { noDiskFaults, SimDisk } from "../../../sim/disk.ts";
import { DiskDriver } from "../../../sim/disk-driver.ts";
import { testRng } from "../../support/test-rng.ts";
import { config, ids, PID, registry } from "./support/unit-fixtures.ts";

const encoder = new TextEncoder();
const decoder = new TextDecoder();

/** One broker's disk and log; `restart` is a crash: unsynced bytes go, the log recovers. */
class Replica {
  readonly disk: SimDisk;
  readonly outbox = new Outbox();
  readonly driver: DiskDriver;
  readonly log: PartitionLog;

  constructor(disk: SimDisk) {
    this.disk = disk;
    const io = new DiskIo(this.outbox);
    this.driver = new DiskDriver(disk, io, this.outbox);
    this.log = new PartitionLog({ topic: PID.topic, partition: 0, io, outbox: this.outbox });
    let ready = false;
    this.log.start(0, () => {
      ready = true;
    });
    this.driver.run();
    assert(ready, "recovery did not finish");
  }

  static fresh(seed: string): Replica {
    return new Replica(new SimDisk(testRng(seed), { faults: noDiskFaults }));
  }

  crashAndRestart(): Replica {
    this.driver.dropPending();
    this.disk.crash();
    return new Replica(this.disk);
  }

  appendAsLeader(values: readonly string[], epoch: number): void {
    const bytes = encodeBatch({
      baseTimestamp: 0,
      records: values.map((v) => ({ key: null, value: encoder.encode(v) })),
    });
    const validated = validateForAppend(bytes, this.log.config);
    assert(validated.ok, "test batch invalid");
    assert(this.log.appendAsLeader(0, validated.value, epoch).ok, "leader append failed");
    this.log.sync();
    this.driver.run();
  }

  read(offset: number, upperBound: number): Uint8Array {
    let bytes: Uint8Array | undefined;
    this.log.read({ offset, maxBytes: 1 << 20, upperBound }, (result) => {
      assert(result.type === "records", "read failed");
      bytes = result.bytes;
    });
    this.driver.run();
    assert(bytes !== undefined, "read did not finish");
    return bytes;
  }

  values(): string[] {
    const bytes = this.read(this.log.logStartOffset, this.log.logEndOffset);
    return scanBatches(bytes).batches.flatMap(({ position }) => {
      const records = decodeRecords(bytes, position);
      assert(records.ok, "undecodable batch");
      return records.value.map((r) => (r.value === null ? "" : decoder.decode(r.value)));
    });
  }

  /** The FollowerLog port over PartitionLog (the broker's adapter will look like this). */
  port(): FollowerLog {
    const log = this.log;
    return {
      get logStartOffset() {
        return log.logStartOffset;
      },
      get logEndOffset() {
        return log.logEndOffset;
      },
      get highWatermark() {
        return log.highWatermark;
      },
      get durableOffset() {
        return log.durableEndOffset;
      },
      latestEpoch: () => log.latestEpoch(),
      endOffsetForEpoch: (epoch) => log.endOffsetForEpoch(epoch),
      setHighWatermark: (offset) => log.setHighWatermark(offset),
      appendAsFollower: (now, records) => log.appendAsFollower(now, records),
      truncateTo: (offset, done) => log.truncateTo(offset, done),
      truncateFullyAndStartAt: (offset) => log.truncateFullyAndStartAt(offset),
      sync: () => log.sync(),
    };
  }
}

function followerOf(replica: Replica, leaderEpoch: number): FollowerPartition {
  const deps = {
    id: PID,
    localId: nodeId(2),
    config: config(),
    log: replica.port(),
    outbox: replica.outbox,
  };
  return new FollowerPartition(0, deps, 1, leaderEpoch);
}

/** Fetch rounds between a leader and a follower until the follower has nothing left to do. */
function replicate(
  leader: LeaderPartition,
  leaderReplica: Replica,
  follower: FollowerPartition,
  followerReplica: Replica,
  fromMs: number,
) {
  for (let now = fromMs; now < fromMs + 50; now++) {
    followerReplica.driver.run();
    const request = follower.pollFetch(now);
    if (request === null) continue;
    const outcome = leader.onFollowerFetch(now, nodeId(2), 200, request);
    const response: ReplicaFetchPartitionResponse = {
      ...PID,
      errorCode: outcome.type === "error" ? outcome.errorCode : ErrorCode.NONE,
      highWatermark: outcome.highWatermark,
      logStartOffset: outcome.logStartOffset,
      divergingEpoch: outcome.type === "diverging" ? outcome.divergingEpoch : null,
      records:
        outcome.type === "read"
          ? leaderReplica.read(outcome.fetchOffset, outcome.upperBound)
          : new Uint8Array(0),
    };
    follower.onFetchResponse(now, request, response);
    followerReplica.driver.run();
  }
}

describe("replication over the real partition log", () => {
  it("cuts a divergent tail, catches up, survives a crash, and ends byte-equal", () => {
    const a = Replica.fresh("a");
    const b0 = Replica.fresh("b");
    a.appendAsLeader(["m0", "m1"], 0);
    a.appendAsLeader(["m2"], 0);
    // B holds epoch 0 as A does (fetched earlier), then a tail it wrote as leader of epoch 1.
    const common = validateForFollowerAppend(a.read(0, 3), 0);
    assert(common.ok, "common prefix");
    expect(b0.log.appendAsFollower(0, common.value).ok).toBe(true);
    b0.appendAsLeader(["x3", "x4"], 1);
    b0.appendAsLeader(["x5"], 1);
    a.appendAsLeader(["m3"], 2);
    a.appendAsLeader(["m4", "m5"], 2);

    const leaderOutbox = new Outbox();
    const leader = new LeaderPartition(
      0,
      {
        id: PID,
        localId: nodeId(1),
        config: config({ minInsyncReplicas: 1 }),
        log: a.port(),
        brokers: registry(),
        outbox: leaderOutbox,
      },
      { replicas: ids(1, 2), isr: ids(1), leader: 1, leaderEpoch: 2, partitionEpoch: 5 },
    );
    let b = b0;
    replicate(leader, a, followerOf(b, 2), b, 1);
    expect(b.values()).toEqual(a.values());
    const cut = b.driver.traces().find((e) => e.type === "follower-truncated");
    expect(cut).toMatchObject({ from: 6, to: 3, reason: "diverging-epoch" });
    expect(leader.pollAlterPartition(60)?.newIsr.map((m) => m.brokerId)).toEqual([1, 2]);

    // B fetches more, crashes before its sync: it loses only what it had not acknowledged.
    a.appendAsLeader(["m6", "m7"], 2);
    const follower = followerOf(b, 2);
    const request = follower.pollFetch(100);
    if (request === null) throw new Error("no fetch");
    follower.onFetchResponse(100, request, {
      ...PID,
      errorCode: ErrorCode.NONE,
      highWatermark: 6,
      logStartOffset: 0,
      divergingEpoch: null,
      records: a.read(6, 8),
    });
    expect(b.log.logEndOffset).toBe(8);
    b = b.crashAndRestart();
    expect(b.log.logEndOffset).toBe(6);
    replicate(leader, a, followerOf(b, 2), b, 200);
    expect(b.values()).toEqual(a.values());
    expect(b.values()).toEqual(["m0", "m1", "m2", "m3", "m4", "m5", "m6", "m7"]);
  });
});
