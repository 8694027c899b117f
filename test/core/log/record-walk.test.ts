// walkRecordSection against decodeRecordSection, the model it must equal: the same verdict (and
// error) on valid batches, on mutated and truncated ones and on random bytes, and facts (first
// offset gap, first null key) equal to what the decoded records show.

import { fc, test } from "@fast-check/vitest";
import { describe, expect, it } from "vitest";
import {
  decodeRecordSection,
  encodeBatch,
  RECORD_BATCH_OVERHEAD,
  type RecordBatchHeader,
  readBatchHeader,
} from "../../../core/log/record-batch.ts";
import { walkRecordSection } from "../../../core/log/record-walk.ts";

const utf8 = (text: string) => new TextEncoder().encode(text);

function headerOf(batch: Uint8Array): RecordBatchHeader {
  const read = readBatchHeader(batch, 0);
  if (!read.ok) throw new Error(read.error.message);
  return read.value;
}

/** What the decoded records say, in walkRecordSection's shape. */
function model(section: Uint8Array, header: RecordBatchHeader) {
  const decoded = decodeRecordSection(section, header);
  if (!decoded.ok) return decoded;
  const records = decoded.value;
  return {
    ok: true as const,
    value: {
      firstOffsetGap: records.findIndex((r, i) => r.offsetDelta !== i),
      firstNullKey: records.findIndex((r) => r.key === null),
    },
  };
}

const recordArb = fc.record({
  key: fc.option(fc.uint8Array({ maxLength: 6 }), { nil: null }),
  value: fc.option(fc.uint8Array({ maxLength: 12 }), { nil: null }),
  headers: fc.array(
    fc.record({
      key: fc.string({ maxLength: 4 }),
      value: fc.option(fc.uint8Array({ maxLength: 4 }), { nil: null }),
    }),
    { maxLength: 2 },
  ),
  gap: fc.nat(2),
});

const batchArb = fc.array(recordArb, { minLength: 1, maxLength: 6 }).map((records) => {
  let delta = -1;
  return encodeBatch({
    baseTimestamp: 1_000,
    records: records.map(({ gap, ...r }) => {
      delta += 1 + gap;
      return { ...r, offsetDelta: delta };
    }),
  });
});

describe("walkRecordSection", () => {
  it.each([
    [
      "keys and headers",
      [{ key: utf8("k"), value: utf8("v"), headers: [{ key: "h", value: utf8("x") }] }],
    ],
    [
      "a null key second",
      [
        { key: utf8("a"), value: null },
        { key: null, value: utf8("b") },
      ],
    ],
    [
      "a gap in inner offsets",
      [
        { key: utf8("a"), value: null },
        { key: utf8("b"), value: null, offsetDelta: 2 },
      ],
    ],
  ])("agrees with the decoded records: %s", (_name, records) => {
    const batch = encodeBatch({ baseTimestamp: 5, records });
    const header = headerOf(batch);
    const section = batch.subarray(RECORD_BATCH_OVERHEAD);
    expect(walkRecordSection(section, header)).toEqual(model(section, header));
  });

  it("finds the first gap and the first null key", () => {
    const batch = encodeBatch({
      baseTimestamp: 5,
      records: [
        { key: utf8("a"), value: null },
        { key: null, value: null },
        { key: utf8("c"), value: null, offsetDelta: 3 },
      ],
    });
    const walked = walkRecordSection(batch.subarray(RECORD_BATCH_OVERHEAD), headerOf(batch));
    expect(walked).toEqual({ ok: true, value: { firstOffsetGap: 2, firstNullKey: 1 } });
  });

  test.prop([batchArb])("valid batches: the same facts as decoding", (batch) => {
    const header = headerOf(batch);
    const section = batch.subarray(RECORD_BATCH_OVERHEAD);
    expect(walkRecordSection(section, header)).toEqual(model(section, header));
  });

  test.prop([
    batchArb,
    fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })), { minLength: 1, maxLength: 4 }),
    fc.nat(),
    fc.integer({ min: -1, max: 8 }),
  ])(
    "mutated, cut or miscounted sections: the same verdict and error",
    (batch, edits, cut, count) => {
      const section = batch.slice(RECORD_BATCH_OVERHEAD);
      for (const [at, value] of edits) section[at % section.length] = value;
      const kept = section.subarray(0, section.length - (cut % 3));
      const header = {
        ...headerOf(batch),
        recordCount: count === 8 ? headerOf(batch).recordCount : count,
      };
      expect(walkRecordSection(kept, header)).toEqual(model(kept, header));
    },
  );

  test.prop([fc.uint8Array({ maxLength: 80 }), fc.integer({ min: 0, max: 12 }), fc.boolean()])(
    "random bytes: the same verdict and error",
    (section, recordCount, logAppendTime) => {
      const base = headerOf(
        encodeBatch({ baseTimestamp: 2 ** 52, records: [{ key: null, value: null }] }),
      );
      const header = { ...base, recordCount, isLogAppendTime: logAppendTime };
      expect(walkRecordSection(section, header)).toEqual(model(section, header));
    },
  );
});
