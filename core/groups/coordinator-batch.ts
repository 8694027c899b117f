// Coordinator records as one RecordBatch v2 (what the coordinator asks the broker to append to its
// __consumer_offsets partition) and back (what loading reads). Control batches carry no records a
// coordinator replays; undecodable records are reported, not thrown.

import { assert } from "../assert.ts";
import {
  decodeRecords,
  encodeBatch,
  NO_PRODUCER_ID,
  readBatchHeader,
} from "../log/record-batch.ts";
import { err, ok, type Result } from "../result.ts";
import {
  type CoordinatorRecord,
  decodeCoordinatorRecord,
  encodeRecordKey,
  encodeRecordValue,
  type RecordDecodeError,
} from "./coordinator-records.ts";

/** One batch holding `records` in order, stamped with `timestampMs` (the leader stamps offsets). */
export function encodeCoordinatorBatch(
  records: readonly CoordinatorRecord[],
  timestampMs: number,
): Uint8Array {
  assert(records.length > 0, "a coordinator batch holds at least one record");
  assert(Number.isSafeInteger(timestampMs) && timestampMs >= 0, `timestamp ${timestampMs}`);
  return encodeBatch({
    baseTimestamp: timestampMs,
    records: records.map((record) => ({
      timestamp: timestampMs,
      key: encodeRecordKey(record),
      value: encodeRecordValue(record),
    })),
  });
}

export interface DecodedCoordinatorBatch {
  readonly records: readonly CoordinatorRecord[];
  /** Records skipped: unknown key versions (KIP-848 groups) and undecodable keys or values. */
  readonly skipped: readonly RecordDecodeError[];
  /** Transactional offset commits are not replayed (transactions are not implemented here). */
  readonly transactional: boolean;
}

/** The records of the batch at the start of `bytes` (its CRC already checked by the log). */
export function decodeCoordinatorBatch(bytes: Uint8Array): Result<DecodedCoordinatorBatch, string> {
  const header = readBatchHeader(bytes);
  if (!header.ok) return err(header.error.message);
  if (header.value.isControl) return ok({ records: [], skipped: [], transactional: true });
  const decoded = decodeRecords(bytes);
  if (!decoded.ok) return err(decoded.error.message);
  const transactional = header.value.isTransactional || header.value.producerId !== NO_PRODUCER_ID;
  if (transactional) return ok({ records: [], skipped: [], transactional });
  const records: CoordinatorRecord[] = [];
  const skipped: RecordDecodeError[] = [];
  for (const record of decoded.value) {
    if (record.key === null) {
      skipped.push({ type: "bad-key", message: "null key" });
      continue;
    }
    const parsed = decodeCoordinatorRecord(record.key, record.value);
    if (parsed.ok) records.push(parsed.value);
    else skipped.push(parsed.error);
  }
  return ok({ records, skipped, transactional });
}
