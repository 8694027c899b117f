// Idempotent producers on a 3-node cluster (RF 3, min.insync.replicas 2): a batch the leader
// appended and replicated but never answered, retried to the new leader after a crash, gets its
// original offset and is not appended twice (followers build the producer state from what they
// replicate); producer ids stay unique across a controller failover and broker restarts.

import { describe, expect, it } from "vitest";
import { ErrorCode } from "../../../core/error-codes.ts";
import { encodeBatch } from "../../../core/log/record-batch.ts";
import { ClusterHarness } from "./support/cluster-harness.ts";
import { createTopic, readAll, replicasOf, servingLeaders } from "./support/cluster-ops.ts";
import { produceBody } from "./support/requests.ts";

const text = new TextEncoder();
const durable = { "min.insync.replicas": "2" };

function cluster(seed = 1): ClusterHarness {
  return new ClusterHarness({ seed, config: { replicaLagTimeMaxMs: 3_000 } }).startAndWait();
}

function idemBatch(values: readonly string[], producerId: number, baseSequence: number) {
  return encodeBatch({
    baseTimestamp: 1_000,
    producerId,
    producerEpoch: 0,
    baseSequence,
    records: values.map((v) => ({ key: text.encode(v), value: text.encode(v) })),
  });
}

/** InitProducerId on `via` until it answers (a block may have to be committed first). */
function initProducerId(h: ClusterHarness, via: number): number {
  for (let i = 0; i < 100; i++) {
    const r = h.call(via, "InitProducerId", {
      transactionalId: null,
      transactionTimeoutMs: 60_000,
    });
    if (r.errorCode === ErrorCode.NONE) return r.producerId;
    expect([ErrorCode.COORDINATOR_LOAD_IN_PROGRESS]).toContain(r.errorCode);
    h.runFor(200);
  }
  throw new Error(`InitProducerId on ${via} never answered`);
}

function awaitNewLeader(h: ClusterHarness, topic: string, old: number): number {
  const ok = h.runUntil(() => {
    const leader = h.leaderOf(topic, 0);
    return leader > 0 && leader !== old && servingLeaders(h, topic);
  }, 30_000);
  expect(ok).toBe(true);
  return h.leaderOf(topic, 0);
}

describe("idempotent produce across a leader failover", () => {
  it("a retry of a replicated, unanswered batch gets the original offset from the new leader", () => {
    const h = cluster(3);
    createTopic(h, "t", { configs: durable });
    const leader = h.leaderOf("t", 0);
    const producerId = initProducerId(h, leader);
    const first = h.call(leader, "Produce", produceBody("t", 0, idemBatch(["a"], producerId, 0)));
    expect(first.responses[0]?.partitionResponses[0]?.baseOffset).toBe(0);
    // The second batch reaches every replica, and the leader dies before it answers.
    const body = produceBody("t", 0, idemBatch(["b", "c"], producerId, 1));
    const id = h.send(leader, "Produce", body, 2);
    const replicated = h.runUntil(
      () => replicasOf(h, "t", 0).every((r) => r.logEndOffset === 3),
      10_000,
    );
    expect(replicated).toBe(true);
    expect(h.answer("Produce", id)).toBeUndefined();
    h.crash(leader);
    const next = awaitNewLeader(h, "t", leader);
    // The producer retries the same batch (same id, epoch, sequences) to the new leader.
    const retry = h.call(next, "Produce", body, 2, 20_000);
    expect(retry.responses[0]?.partitionResponses[0]).toMatchObject({
      errorCode: ErrorCode.NONE,
      baseOffset: 1,
    });
    expect(h.events("producer-batch-deduplicated", next).map((e) => e.firstOffset)).toEqual([1]);
    const after = h.call(next, "Produce", produceBody("t", 0, idemBatch(["d"], producerId, 3)), 2);
    expect(after.responses[0]?.partitionResponses[0]?.baseOffset).toBe(3);
    expect(readAll(h, next, "t", 0).map((r) => r.value)).toEqual(["a", "b", "c", "d"]);
  });
});

describe("producer ids through the metadata quorum", () => {
  it("are never handed out twice across a controller failover and broker restarts", () => {
    const h = cluster(5);
    const ids: number[] = [];
    for (const via of h.ids) ids.push(initProducerId(h, via), initProducerId(h, via));
    const controller = h.activeController();
    expect(controller).toBeDefined();
    h.crash(controller as number);
    const failedOver = h.runUntil(() => {
      const active = h.activeController();
      return active !== undefined && active !== controller;
    }, 30_000);
    expect(failedOver).toBe(true);
    // A restarted broker has no block: it asks the new controller for one.
    h.restart(controller as number);
    expect(h.runUntil(() => h.allReady(), 30_000)).toBe(true);
    ids.push(initProducerId(h, controller as number));
    const others = h.ids.filter((id) => id !== controller);
    for (const id of others) {
      h.crash(id);
      h.restart(id);
      expect(h.runUntil(() => h.allReady(), 30_000)).toBe(true);
      ids.push(initProducerId(h, id));
    }
    expect(new Set(ids).size).toBe(ids.length);
    const blocks = h
      .events("producer-ids-allocated")
      .map((e) => e.firstProducerId)
      .sort((a, b) => a - b);
    expect(blocks.length).toBeGreaterThanOrEqual(h.ids.length + others.length + 1);
    for (let i = 1; i < blocks.length; i++) {
      expect(blocks[i] as number).toBeGreaterThanOrEqual((blocks[i - 1] as number) + 1_000);
    }
  });
});
