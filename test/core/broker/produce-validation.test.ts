// validateProduceRecords on uncompressed batches: the verdicts Kafka gives for gaps in inner
// offsets, keyless records on compacted topics and malformed records (the first bad record decides),
// and a property against a naive model that decodes every record.

import { fc, test } from "@fast-check/vitest";
import { describe, expect, it } from "vitest";
import { brokerConfig } from "../../../core/broker/config.ts";
import { validateProduceRecords } from "../../../core/broker/produce-validation.ts";
import { resolveTopicConfig, type TopicConfig } from "../../../core/broker/topic-config.ts";
import { ErrorCode } from "../../../core/error-codes.ts";
import { crc32c } from "../../../core/log/crc32c.ts";
import {
  decodeRecords,
  type EncodeRecordInput,
  encodeBatch,
} from "../../../core/log/record-batch.ts";

const utf8 = (text: string) => new TextEncoder().encode(text);
const plain = resolveTopicConfig(new Map(), brokerConfig({}));
const compacted = resolveTopicConfig(new Map([["cleanup.policy", "compact"]]), brokerConfig({}));

/** A naive model: decode every record, then Kafka's per-record checks in order. */
function modelVerdict(batch: Uint8Array, config: TopicConfig): number {
  const records = decodeRecords(batch, 0);
  if (!records.ok) return ErrorCode.CORRUPT_MESSAGE;
  for (const [i, record] of records.value.entries()) {
    if (record.offsetDelta !== i) return ErrorCode.INVALID_RECORD;
    if (record.key === null && config === compacted) return ErrorCode.INVALID_RECORD;
  }
  return ErrorCode.NONE;
}

describe("validateProduceRecords (uncompressed)", () => {
  const k = (key: string | null, offsetDelta?: number): EncodeRecordInput => ({
    key: key === null ? null : utf8(key),
    value: utf8("v"),
    ...(offsetDelta === undefined ? {} : { offsetDelta }),
  });

  it.each([
    ["keyed records", [k("a"), k("b")], plain, ErrorCode.NONE],
    ["keyless records on a plain topic", [k(null), k(null)], plain, ErrorCode.NONE],
    [
      "keyless records on a compacted topic",
      [k("a"), k(null)],
      compacted,
      ErrorCode.INVALID_RECORD,
    ],
    [
      "a gap in inner offsets",
      [k("a"), k("b", 1), k("c", 3), k("d", 4)],
      plain,
      ErrorCode.INVALID_RECORD,
    ],
  ])("%s", (_name, records, config, expected) => {
    // lastOffsetDelta must equal recordCount - 1, so a gap needs the last delta reset.
    const batch = encodeBatch({
      baseTimestamp: 1_000,
      records,
      lastOffsetDelta: records.length - 1,
    });
    const checked = validateProduceRecords(batch, config, 2_000, crc32c);
    expect(checked.ok ? ErrorCode.NONE : checked.error.error).toBe(expected);
  });

  it("names the first bad record's problem: an offset gap before a later null key", () => {
    const records = [k("a"), k("b", 2), k(null, 3)];
    const batch = encodeBatch({ baseTimestamp: 1, records, lastOffsetDelta: 2 });
    const checked = validateProduceRecords(batch, compacted, 2, crc32c);
    expect(checked.ok ? "" : checked.error.message).toMatch(/not sequential/);
    const keyFirst = encodeBatch({
      baseTimestamp: 1,
      records: [k(null), k("b", 2), k("c", 3)],
      lastOffsetDelta: 2,
    });
    const second = validateProduceRecords(keyFirst, compacted, 2, crc32c);
    expect(second.ok ? "" : second.error.message).toMatch(/without key/);
  });

  it("CORRUPT_MESSAGE when a record does not decode under a valid CRC", () => {
    const batch = encodeBatch({ baseTimestamp: 1, records: [k("a"), k("b")] });
    batch[61] = 0x7f; // the first record's length varint: far past the section
    new DataView(batch.buffer).setUint32(17, crc32c(batch.subarray(21)));
    const checked = validateProduceRecords(batch, plain, 2, crc32c);
    expect(checked.ok ? ErrorCode.NONE : checked.error.error).toBe(ErrorCode.CORRUPT_MESSAGE);
  });

  test.prop([
    fc.array(fc.record({ key: fc.option(fc.constant("k"), { nil: null }), skip: fc.nat(1) }), {
      minLength: 1,
      maxLength: 8,
    }),
    fc.boolean(),
  ])("agrees with decoding every record", (shape, isCompacted) => {
    let delta = -1;
    const records = shape.map(({ key, skip }) => {
      delta += 1 + skip;
      return k(key, delta);
    });
    const config = isCompacted ? compacted : plain;
    const batch = encodeBatch({ baseTimestamp: 1, records, lastOffsetDelta: records.length - 1 });
    const checked = validateProduceRecords(batch, config, 2, crc32c);
    expect(checked.ok ? ErrorCode.NONE : checked.error.error).toBe(modelVerdict(batch, config));
  });
});
