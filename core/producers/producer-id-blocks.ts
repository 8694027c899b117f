// Producer ids are handed out in blocks of 1000 by the controller (Kafka's ProducerIdControlManager,
// KIP-730): each block is made durable by a ProducerIds metadata record naming the next free id, so
// after any controller failover the next block starts past every block a broker was ever given.
// Keeps: blocks never overlap; the next id only grows.

import { assert } from "../assert.ts";
import { ErrorCode } from "../error-codes.ts";
import type { NodeId, Offset } from "../ids.ts";
import type { MetadataRecord } from "../metadata/records.ts";
import { err, ok, type Result } from "../result.ts";

export const PRODUCER_ID_BLOCK_SIZE = 1_000;

export interface ProducerIdsBlock {
  readonly assignedBrokerId: NodeId;
  readonly firstProducerId: number;
  readonly size: number;
}

export type ProducerIdsRecord = Extract<MetadataRecord, { type: "producer-ids" }>;

export function lastProducerIdOf(block: ProducerIdsBlock): number {
  return block.firstProducerId + block.size - 1;
}

/** The controller's side: which block comes next, from the records committed so far. */
export class ProducerIdBlocks {
  /** From the ProducerIds records replayed so far. */
  #committedNext = 0;
  /**
   * Past blocks handed out but not yet in the log, so two allocations never overlap. A proposal
   * that is lost only wastes its block: ids are never reused.
   */
  #proposedNext = 0;

  get nextProducerId(): number {
    return this.#committedNext;
  }

  /**
   * A ProducerIds record of the metadata log, fed in log order as the controller applies its log
   * (Kafka's active controller replays its own records as it writes them).
   */
  replay(record: ProducerIdsRecord): void {
    assert(
      record.nextProducerId > this.#committedNext ||
        (record.nextProducerId === 0 && this.#committedNext === 0),
      `producer ids went back: ${record.nextProducerId} after ${this.#committedNext}`,
    );
    this.#committedNext = record.nextProducerId;
    this.#proposedNext = Math.max(this.#proposedNext, record.nextProducerId);
  }

  /**
   * The block for a broker's AllocateProducerIds, and the record the controller must propose and
   * see committed before answering. UNKNOWN_SERVER_ERROR once ids are exhausted (Kafka's limit is
   * int64; ours is the safe integer range). The caller checks the broker epoch (STALE_BROKER_EPOCH).
   */
  allocate(
    brokerId: NodeId,
    brokerEpoch: Offset,
  ): Result<{ readonly block: ProducerIdsBlock; readonly record: ProducerIdsRecord }, ErrorCode> {
    const allocated = allocateProducerIdBlock(this.#proposedNext, brokerId, brokerEpoch);
    if (allocated.ok) this.#proposedNext = allocated.value.record.nextProducerId;
    return allocated;
  }
}

/**
 * The block starting at `nextProducerId` (the next id no block holds, from the records applied so
 * far, proposed ones included) and the record that makes it durable. UNKNOWN_SERVER_ERROR once ids
 * are exhausted (Kafka's limit is int64; ours is the safe integer range).
 */
export function allocateProducerIdBlock(
  nextProducerId: number,
  brokerId: NodeId,
  brokerEpoch: Offset,
): Result<{ readonly block: ProducerIdsBlock; readonly record: ProducerIdsRecord }, ErrorCode> {
  assert(Number.isSafeInteger(nextProducerId) && nextProducerId >= 0, `next id ${nextProducerId}`);
  const first = nextProducerId;
  if (first > Number.MAX_SAFE_INTEGER - PRODUCER_ID_BLOCK_SIZE) {
    return err(ErrorCode.UNKNOWN_SERVER_ERROR);
  }
  const block = {
    assignedBrokerId: brokerId,
    firstProducerId: first,
    size: PRODUCER_ID_BLOCK_SIZE,
  };
  const next = first + PRODUCER_ID_BLOCK_SIZE;
  return ok({
    block,
    record: { type: "producer-ids", brokerId, brokerEpoch, nextProducerId: next },
  });
}
