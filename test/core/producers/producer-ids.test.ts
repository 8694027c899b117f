// Producer id blocks: the controller never hands out overlapping blocks, not even across a
// failover that replays only the ProducerIds records in the log; the broker claims ids from its
// block, prefetches the next at 90%, and makes InitProducerId wait (retriably) without one.

import { fc, test } from "@fast-check/vitest";
import { describe, expect, it } from "vitest";
import { ErrorCode } from "../../../core/error-codes.ts";
import { nodeId } from "../../../core/ids.ts";
import { handleInitProducerId } from "../../../core/producers/init-producer-id.ts";
import {
  lastProducerIdOf,
  PRODUCER_ID_BLOCK_SIZE,
  ProducerIdBlocks,
  type ProducerIdsBlock,
  type ProducerIdsRecord,
} from "../../../core/producers/producer-id-blocks.ts";
import { ProducerIdManager } from "../../../core/producers/producer-id-manager.ts";

describe("ProducerIdBlocks (controller)", () => {
  it("hands out consecutive blocks of 1000 and records the next free id", () => {
    const blocks = new ProducerIdBlocks();
    const a = blocks.allocate(nodeId(1), 10);
    const b = blocks.allocate(nodeId(2), 20);
    expect(a.ok && a.value.block).toEqual({ assignedBrokerId: 1, firstProducerId: 0, size: 1_000 });
    expect(b.ok && b.value.record).toEqual({
      type: "producer-ids",
      brokerId: 2,
      brokerEpoch: 20,
      nextProducerId: 2_000,
    });
    expect(blocks.nextProducerId).toBe(0);
    if (a.ok) blocks.replay(a.value.record);
    expect(blocks.nextProducerId).toBe(1_000);
  });

  it("refuses to go past the safe integer range", () => {
    const blocks = new ProducerIdBlocks();
    blocks.replay({
      type: "producer-ids",
      brokerId: nodeId(1),
      brokerEpoch: 1,
      nextProducerId: Number.MAX_SAFE_INTEGER - 10,
    });
    expect(blocks.allocate(nodeId(1), 1)).toEqual({
      ok: false,
      error: ErrorCode.UNKNOWN_SERVER_ERROR,
    });
  });

  type Step =
    | { readonly kind: "allocate"; readonly commit: boolean }
    | { readonly kind: "failover" };
  const stepArb: fc.Arbitrary<Step> = fc.oneof(
    fc.record({ kind: fc.constant("allocate" as const), commit: fc.boolean() }),
    fc.record({ kind: fc.constant("failover" as const) }),
  );

  test.prop([fc.array(stepArb, { minLength: 1, maxLength: 40 })])(
    "blocks a broker received never overlap, across failovers",
    (steps) => {
      const log: ProducerIdsRecord[] = [];
      let controller = new ProducerIdBlocks();
      const given: ProducerIdsBlock[] = [];
      for (const step of steps) {
        if (step.kind === "failover") {
          // A new controller knows only what reached the log.
          controller = new ProducerIdBlocks();
          for (const record of log) controller.replay(record);
          continue;
        }
        const allocated = controller.allocate(nodeId(1), 1);
        if (!allocated.ok) throw new Error("allocation failed");
        if (!step.commit) continue; // lost with its controller: the broker never got an answer
        log.push(allocated.value.record);
        controller.replay(allocated.value.record);
        given.push(allocated.value.block);
      }
      const sorted = [...given].sort((a, b) => a.firstProducerId - b.firstProducerId);
      for (let i = 1; i < sorted.length; i++) {
        expect(sorted[i]?.firstProducerId).toBeGreaterThan(
          lastProducerIdOf(sorted[i - 1] as ProducerIdsBlock),
        );
      }
    },
  );
});

describe("ProducerIdManager (broker) and InitProducerId", () => {
  const block = (first: number): ProducerIdsBlock => ({
    assignedBrokerId: nodeId(1),
    firstProducerId: first,
    size: PRODUCER_ID_BLOCK_SIZE,
  });
  const init = (ids: ProducerIdManager, transactionalId: string | null = null) =>
    handleInitProducerId({ transactionalId, transactionTimeoutMs: 60_000 }, ids);

  it("answers COORDINATOR_LOAD_IN_PROGRESS until a block arrives, then ids with epoch 0", () => {
    const ids = new ProducerIdManager();
    expect(ids.wantsBlock).toBe(true);
    expect(init(ids)).toEqual({
      throttleTimeMs: 0,
      errorCode: ErrorCode.COORDINATOR_LOAD_IN_PROGRESS,
      producerId: -1,
      producerEpoch: -1,
    });
    ids.requested();
    expect(ids.wantsBlock).toBe(false);
    ids.onBlock(block(3_000));
    expect(init(ids)).toEqual({
      throttleTimeMs: 0,
      errorCode: 0,
      producerId: 3_000,
      producerEpoch: 0,
    });
    expect(init(ids).producerId).toBe(3_001);
  });

  it("prefetches the next block at 90% and moves on to it without waiting", () => {
    const ids = new ProducerIdManager();
    ids.requested();
    ids.onBlock(block(0));
    for (let i = 0; i < 900; i++) expect(init(ids).producerId).toBe(i);
    expect(ids.wantsBlock).toBe(false);
    expect(init(ids).producerId).toBe(900);
    expect(ids.wantsBlock).toBe(true);
    ids.requested();
    ids.onBlock(block(5_000));
    for (let i = 901; i < 1_000; i++) init(ids);
    expect(init(ids).producerId).toBe(5_000);
  });

  it("asks again after a failed AllocateProducerIds", () => {
    const ids = new ProducerIdManager();
    ids.requested();
    ids.onBlockFailed();
    expect(ids.wantsBlock).toBe(true);
  });

  it("leaves transactional ids to a transaction coordinator it does not have", () => {
    const ids = new ProducerIdManager();
    ids.requested();
    ids.onBlock(block(0));
    expect(init(ids, "txn-1").errorCode).toBe(ErrorCode.NOT_COORDINATOR);
  });
});
