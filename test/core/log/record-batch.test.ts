// Record batch v2: encode -> validate/decode round trips, stamping, scanning concatenations,
// and the header's error values for malformed framing.

import { describe, expect, it } from "vitest";
import {
  batchSizeBytes,
  Compression,
  decodeRecords,
  encodeBatch,
  LOG_OVERHEAD,
  lastOffset,
  RECORD_BATCH_OVERHEAD,
  readBatchHeader,
  scanBatches,
  stampBatch,
  validateBatch,
} from "../../../core/log/record-batch.ts";

const bytes = (text: string) => new TextEncoder().encode(text);

function sampleBatch(): Uint8Array {
  return encodeBatch({
    baseTimestamp: 1_700_000_000_000,
    records: [
      { key: bytes("k1"), value: bytes("v1"), headers: [{ key: "h", value: bytes("x") }] },
      { key: null, value: null, timestamp: 1_700_000_000_005 },
    ],
  });
}

describe("encodeBatch then validateBatch and decodeRecords", () => {
  it("round-trips a small batch", () => {
    const batch = sampleBatch();
    const header = validateBatch(batch);
    expect(header.ok).toBe(true);
    if (!header.ok) return;
    expect(header.value).toMatchObject({
      baseOffset: 0,
      batchLength: batch.length - LOG_OVERHEAD,
      magic: 2,
      recordCount: 2,
      lastOffsetDelta: 1,
      baseTimestamp: 1_700_000_000_000,
      maxTimestamp: 1_700_000_000_005,
      producerId: -1,
      compression: Compression.none,
    });
    expect(batchSizeBytes(header.value)).toBe(batch.length);
    expect(lastOffset(header.value)).toBe(1);
    const records = decodeRecords(batch);
    expect(records.ok).toBe(true);
    if (!records.ok) return;
    expect(records.value.map((r) => [r.offset, r.timestamp, r.key, r.value])).toEqual([
      [0, 1_700_000_000_000, bytes("k1"), bytes("v1")],
      [1, 1_700_000_000_005, null, null],
    ]);
    expect(records.value[0]?.headers).toEqual([{ key: "h", value: bytes("x") }]);
  });

  it("keeps the CRC valid after stamping", () => {
    const batch = sampleBatch();
    stampBatch(batch, 42, 7);
    const header = validateBatch(batch);
    expect(
      header.ok && header.value.baseOffset === 42 && header.value.partitionLeaderEpoch === 7,
    ).toBe(true);
  });

  it("scans a concatenation and stops at a torn tail", () => {
    const a = sampleBatch();
    const b = sampleBatch();
    const log = new Uint8Array(a.length + b.length);
    log.set(a, 0);
    log.set(b, a.length);
    const whole = scanBatches(log);
    expect(whole.batches.map((x) => x.position)).toEqual([0, a.length]);
    expect(whole.stop).toBeNull();
    const torn = scanBatches(log.subarray(0, log.length - 3));
    expect(torn.validEnd).toBe(a.length);
    expect(torn.stop?.type).toBe("short");
  });

  it("reports a short header", () => {
    const result = readBatchHeader(new Uint8Array(RECORD_BATCH_OVERHEAD - 1));
    expect(result.ok ? null : result.error.type).toBe("short");
  });
});
