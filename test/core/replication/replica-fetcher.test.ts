// The per-leader fetch session: one request in flight with every ready partition, answers routed
// to their partitions, missing or lost answers failing them, and partitions taking turns.

import { describe, expect, it } from "vitest";
import { ErrorCode } from "../../../core/error-codes.ts";
import { nodeId } from "../../../core/ids.ts";
import { Outbox } from "../../../core/outbox.ts";
import { FollowerPartition } from "../../../core/replication/follower-partition.ts";
import { ReplicaFetcher } from "../../../core/replication/replica-fetcher.ts";
import { config, ManualLog, marks, traceEvents } from "./support/unit-fixtures.ts";

function setup(partitions: number, overrides = {}) {
  const outbox = new Outbox();
  const cfg = config(overrides);
  const fetcher = new ReplicaFetcher(nodeId(2), nodeId(1), cfg, outbox);
  const followers = Array.from({ length: partitions }, (_, p) => {
    const follower = new FollowerPartition(
      0,
      {
        id: { topic: "t", topicId: "t-id", partition: p },
        localId: nodeId(2),
        config: cfg,
        log: new ManualLog(),
        outbox,
      },
      1,
      0,
    );
    fetcher.add(follower);
    return follower;
  });
  return { outbox, fetcher, followers };
}

const ok = (partition: number) => ({
  topic: "t",
  topicId: "t-id",
  partition,
  errorCode: ErrorCode.NONE,
  highWatermark: 0,
  logStartOffset: 0,
  divergingEpoch: null,
  records: new Uint8Array(0),
});

describe("ReplicaFetcher", () => {
  it("sends one request with every ready partition and routes the answers", () => {
    const { fetcher, followers } = setup(3);
    const request = fetcher.poll(1, 7, 200);
    expect(request).toMatchObject({ correlationId: 7, replicaId: 2, brokerEpoch: 200 });
    expect(request?.partitions.map((p) => p.partition)).toEqual([0, 1, 2]);
    expect(fetcher.poll(2, 8, 200)).toBeNull();
    fetcher.onResponse(3, {
      type: "replica-fetch-response",
      correlationId: 7,
      errorCode: ErrorCode.NONE,
      partitions: [ok(0), ok(2)],
    });
    expect(followers.map((f) => f.phase.type)).toEqual(["idle", "backoff", "idle"]);
    expect(fetcher.nextWakeupMs()).toBe(103);
  });

  it("a lost request fails every partition in it; a stale answer is ignored", () => {
    const { outbox, fetcher, followers } = setup(2);
    fetcher.poll(1, 1, 200);
    fetcher.onLost(2, 1);
    expect(followers.map((f) => f.phase.type)).toEqual(["backoff", "backoff"]);
    fetcher.onResponse(3, {
      type: "replica-fetch-response",
      correlationId: 1,
      errorCode: ErrorCode.NONE,
      partitions: [ok(0)],
    });
    expect(marks(traceEvents(outbox))).toContain("replica-fetcher-stale-response");
  });

  it("fills a response no larger than replica.fetch.response.max.bytes, partitions taking turns", () => {
    const { fetcher } = setup(3, { replicaFetchMaxBytes: 100, replicaFetchResponseMaxBytes: 250 });
    const first = fetcher.poll(1, 1, 200);
    expect(first?.partitions.map((p) => p.partition)).toEqual([0, 1]);
    fetcher.onResponse(2, {
      type: "replica-fetch-response",
      correlationId: 1,
      errorCode: ErrorCode.NONE,
      partitions: [ok(0), ok(1)],
    });
    expect(fetcher.poll(3, 2, 200)?.partitions.map((p) => p.partition)).toEqual([2, 0]);
  });

  it("an answer that never comes times out after replica.socket.timeout.ms", () => {
    const { outbox, fetcher, followers } = setup(1, { replicaSocketTimeoutMs: 1_000 });
    expect(fetcher.poll(1, 1, 200)).not.toBeNull();
    expect(fetcher.nextWakeupMs()).toBe(1_001);
    expect(fetcher.poll(1_000, 2, 200)).toBeNull();
    expect(fetcher.poll(1_001, 3, 200)).toBeNull();
    expect(followers[0]?.phase.type).toBe("backoff");
    expect(marks(traceEvents(outbox))).toContain("replica-fetch-timed-out");
    expect(fetcher.poll(1_101, 4, 200)?.correlationId).toBe(4);
  });
});
