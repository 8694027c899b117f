// Round-trip properties of record batch v2 against the input that built it: encode -> validate
// and decode give the input back; stamping keeps the CRC; scanning concatenations finds every
// batch, and over truncated or bit-flipped logs returns exactly the valid prefix.

import { fc, test } from "@fast-check/vitest";
import { describe, expect } from "vitest";
import {
  batchSizeBytes,
  decodeRecordSection,
  decodeRecords,
  type EncodeBatchInput,
  type EncodeRecordInput,
  encodeBatch,
  encodeRecordSection,
  lastOffset,
  recordSectionOf,
  scanBatches,
  stampBatch,
  validateBatch,
} from "../../../core/log/record-batch.ts";

const BASE_TIMESTAMP_MAX = 2 ** 45;
const DELTA_MAX = 2 ** 40;

const header = fc.record({
  key: fc.string({ unit: "binary", maxLength: 12 }),
  value: fc.option(fc.uint8Array({ maxLength: 12 }), { nil: null }),
});

const recordArb = (baseTimestamp: number): fc.Arbitrary<EncodeRecordInput> =>
  fc.record(
    {
      timestamp: fc.integer({ min: baseTimestamp - DELTA_MAX, max: baseTimestamp + DELTA_MAX }),
      key: fc.option(fc.uint8Array({ maxLength: 40 }), { nil: null }),
      value: fc.option(fc.uint8Array({ maxLength: 200 }), { nil: null }),
      headers: fc.array(header, { maxLength: 3 }),
    },
    { requiredKeys: ["key", "value"] },
  );

/** Gaps between offset deltas, as compaction leaves them. */
function withOffsetDeltas(records: EncodeRecordInput[], gaps: number[]): EncodeRecordInput[] {
  let delta = -1;
  return records.map((record, i) => {
    delta += 1 + (gaps[i] ?? 0);
    return { ...record, offsetDelta: delta };
  });
}

const batchInput: fc.Arbitrary<EncodeBatchInput> = fc
  .integer({ min: -1, max: BASE_TIMESTAMP_MAX })
  .chain((baseTimestamp) =>
    fc.record(
      {
        baseOffset: fc.integer({ min: 0, max: Number.MAX_SAFE_INTEGER - 2 ** 31 }),
        partitionLeaderEpoch: fc.integer({ min: -1, max: 2 ** 31 - 1 }),
        isTransactional: fc.boolean(),
        isLogAppendTime: fc.boolean(),
        hasDeleteHorizon: fc.boolean(),
        producerId: fc.integer({ min: -1, max: Number.MAX_SAFE_INTEGER }),
        producerEpoch: fc.integer({ min: -1, max: 32767 }),
        baseSequence: fc.integer({ min: -1, max: 2 ** 31 - 1 }),
        baseTimestamp: fc.constant(baseTimestamp),
        records: fc
          .tuple(fc.array(recordArb(baseTimestamp), { maxLength: 12 }), fc.array(fc.nat(5)))
          .map(([records, gaps]) => withOffsetDeltas(records, gaps)),
      },
      { requiredKeys: ["records"] },
    ),
  );

function concat(parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const part of parts) {
    out.set(part, at);
    at += part.length;
  }
  return out;
}

describe("encodeBatch round trip", () => {
  test.prop([batchInput])("validateBatch and decodeRecords give back the input", (input) => {
    const batch = encodeBatch(input);
    const result = validateBatch(batch);
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    const h = result.value;
    const baseTimestamp =
      input.baseTimestamp ?? input.records.find((r) => r.timestamp !== undefined)?.timestamp ?? -1;
    const timestamps = input.records.map((r) => r.timestamp ?? baseTimestamp);
    expect(h).toMatchObject({
      baseOffset: input.baseOffset ?? 0,
      partitionLeaderEpoch: input.partitionLeaderEpoch ?? -1,
      producerId: input.producerId ?? -1,
      producerEpoch: input.producerEpoch ?? -1,
      baseSequence: input.baseSequence ?? -1,
      baseTimestamp,
      maxTimestamp: timestamps.length === 0 ? baseTimestamp : Math.max(...timestamps),
      recordCount: input.records.length,
      isTransactional: input.isTransactional ?? false,
      isLogAppendTime: input.isLogAppendTime ?? false,
      hasDeleteHorizon: input.hasDeleteHorizon ?? false,
      isControl: false,
    });
    expect(batchSizeBytes(h)).toBe(batch.length);
    const last = input.records.at(-1)?.offsetDelta ?? 0;
    expect(lastOffset(h)).toBe(h.baseOffset + last);
    const records = decodeRecords(batch);
    expect(records.ok).toBe(true);
    if (!records.ok) return;
    expect(records.value).toEqual(
      input.records.map((r, i) => ({
        attributes: 0,
        timestampDelta: timestamps[i]! - baseTimestamp,
        offsetDelta: r.offsetDelta,
        timestamp: h.isLogAppendTime ? h.maxTimestamp : timestamps[i],
        offset: h.baseOffset + r.offsetDelta!,
        key: r.key,
        value: r.value,
        headers: r.headers ?? [],
      })),
    );
  });

  test.prop([batchInput, fc.integer({ min: 1, max: 4 }), fc.uint8Array({ maxLength: 100 })])(
    "a compressed batch validates, keeps its section and refuses to decode",
    (input, compression, compressedRecords) => {
      const batch = encodeBatch({ ...input, compression, compressedRecords });
      const h = validateBatch(batch);
      expect(h.ok && h.value.compression).toBe(compression);
      if (!h.ok) return;
      expect(recordSectionOf(batch, h.value)).toEqual(compressedRecords);
      const decoded = decodeRecords(batch);
      expect(decoded.ok ? null : decoded.error.type).toBe("compressed");
    },
  );

  test.prop([batchInput])("the section a producer would compress decodes on its own", (input) => {
    const batch = encodeBatch(input);
    const h = validateBatch(batch);
    if (!h.ok) throw new Error(h.error.message);
    const section = encodeRecordSection(input);
    expect(section).toEqual(recordSectionOf(batch, h.value));
    expect(decodeRecordSection(section, h.value)).toEqual(decodeRecords(batch));
  });

  test.prop([
    batchInput,
    fc.integer({ min: 0, max: Number.MAX_SAFE_INTEGER - 2 ** 31 }),
    fc.integer({ min: -1, max: 2 ** 31 - 1 }),
  ])(
    "stampBatch keeps the CRC valid and changes only baseOffset and the leader epoch",
    (input, baseOffset, epoch) => {
      const batch = encodeBatch(input);
      const before = validateBatch(batch);
      stampBatch(batch, baseOffset, epoch);
      const after = validateBatch(batch);
      expect(before.ok && after.ok).toBe(true);
      if (!before.ok || !after.ok) return;
      expect(after.value).toEqual({ ...before.value, baseOffset, partitionLeaderEpoch: epoch });
    },
  );
});

describe("scanBatches", () => {
  const log = fc.array(batchInput, { maxLength: 5 }).map((inputs) => {
    const batches = inputs.map((input) => encodeBatch(input));
    return { batches, bytes: concat(batches) };
  });

  function boundaries(batches: Uint8Array[]): number[] {
    const ends: number[] = [];
    let at = 0;
    for (const batch of batches) {
      at += batch.length;
      ends.push(at);
    }
    return ends;
  }

  test.prop([log])("finds every batch of a concatenation", ({ batches, bytes }) => {
    const scan = scanBatches(bytes);
    expect(scan.stop).toBeNull();
    expect(scan.validEnd).toBe(bytes.length);
    expect(scan.batches.map((b) => b.position)).toEqual(
      [0, ...boundaries(batches)].slice(0, batches.length),
    );
  });

  test.prop([log, fc.nat()])(
    "over a truncated log returns exactly the whole batches",
    ({ batches, bytes }, cut) => {
      const length = cut % (bytes.length + 1);
      const scan = scanBatches(bytes.subarray(0, length));
      const whole = boundaries(batches).filter((end) => end <= length);
      expect(scan.batches.length).toBe(whole.length);
      expect(scan.validEnd).toBe(whole.at(-1) ?? 0);
      expect(scan.stop === null ? null : scan.stop.type).toBe(
        scan.validEnd === length ? null : "short",
      );
    },
  );

  test.prop([log, fc.nat(), fc.nat(7)])(
    "over a log with one flipped bit never returns a corrupt batch",
    ({ batches, bytes }, where, bit) => {
      fc.pre(bytes.length > 0);
      const at = where % bytes.length;
      const damaged = bytes.slice();
      damaged[at]! ^= 1 << bit;
      const ends = boundaries(batches);
      const hit = ends.findIndex((end) => at < end);
      const start = hit === 0 ? 0 : ends[hit - 1]!;
      const field = at - start;
      const scan = scanBatches(damaged);
      // baseOffset (0..7) and partitionLeaderEpoch (12..15) are outside the CRC by design: the
      // batch still validates with the new value (the log checks offsets are increasing).
      const unprotected = field < 8 || (field >= 12 && field < 16);
      if (unprotected && scan.batches.length === batches.length) {
        expect(scan.stop).toBeNull();
        return;
      }
      expect(scan.batches.map((b) => b.position)).toEqual([0, ...ends].slice(0, hit));
      expect(scan.validEnd).toBe(start);
      expect(scan.stop).not.toBeNull();
      for (const found of scan.batches) {
        const end = found.position + batchSizeBytes(found.header);
        expect(damaged.subarray(found.position, end)).toEqual(bytes.subarray(found.position, end));
      }
    },
  );
});
