// Control batches: the transaction markers (ABORT, COMMIT) a coordinator writes into a partition.
// One record whose key is version int16 + type int16 and whose value is version int16 +
// coordinatorEpoch int32. Clients never write them; consumers hide them.

import { assert } from "../assert.ts";
import { err, ok, type Result } from "../result.ts";
import { encodeBatch } from "./record-batch-encode.ts";
import { type BatchError, batchError, viewOf } from "./record-batch-header.ts";
import type { Record } from "./record-batch-records.ts";

export const ControlType = { abort: 0, commit: 1 } as const;
export type ControlType = (typeof ControlType)[keyof typeof ControlType];

export interface ControlMarker {
  readonly type: ControlType;
  readonly coordinatorEpoch: number;
}

export interface ControlBatchInput {
  readonly marker: ControlMarker;
  readonly producerId: number;
  readonly producerEpoch: number;
  readonly timestamp: number;
  readonly baseOffset?: number;
  readonly partitionLeaderEpoch?: number;
}

/** A transactional control batch holding one marker record. */
export function encodeControlBatch(input: ControlBatchInput): Uint8Array {
  assert(input.producerId >= 0, `control batch for producerId ${input.producerId}`);
  const key = new Uint8Array(4);
  viewOf(key).setInt16(2, input.marker.type);
  const value = new Uint8Array(6);
  viewOf(value).setInt32(2, input.marker.coordinatorEpoch);
  return encodeBatch({
    ...(input.baseOffset === undefined ? {} : { baseOffset: input.baseOffset }),
    ...(input.partitionLeaderEpoch === undefined
      ? {}
      : { partitionLeaderEpoch: input.partitionLeaderEpoch }),
    isControl: true,
    isTransactional: true,
    producerId: input.producerId,
    producerEpoch: input.producerEpoch,
    baseTimestamp: input.timestamp,
    records: [{ key, value }],
  });
}

/** Reads the marker of a control record; unknown versions or types are bad bytes, not a throw. */
export function readControlMarker(record: Record): Result<ControlMarker, BatchError> {
  const { key, value } = record;
  if (key === null || key.length < 4)
    return err(batchError("bad-records", "control key too short"));
  const keyView = viewOf(key);
  const type = keyView.getInt16(2);
  if (keyView.getInt16(0) !== 0 || (type !== ControlType.abort && type !== ControlType.commit)) {
    return err(
      batchError("bad-records", `control key version ${keyView.getInt16(0)} type ${type}`),
    );
  }
  if (value === null || value.length < 6) {
    return err(batchError("bad-records", "control value too short"));
  }
  return ok({ type, coordinatorEpoch: viewOf(value).getInt32(2) });
}
