// Compressed record batches through injected codecs: reading and writing them back round-trips,
// bad compressed bytes are values, append validation checks keys inside them on compacted topics,
// and compaction of a compressed batch equals compaction of the same records uncompressed.

import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { ErrorCode } from "../../../core/error-codes.ts";
import { type Codecs, NO_CODECS } from "../../../core/log/codecs.ts";
import { type CleanContext, cleanBatch, keyString } from "../../../core/log/compaction-filter.ts";
import { crc32c } from "../../../core/log/crc32c.ts";
import { validateForAppend } from "../../../core/log/log-validate.ts";
import {
  Compression,
  decodeRecords,
  type EncodeRecordInput,
  encodeBatch,
  type Record,
  readBatchHeader,
  validateBatch,
} from "../../../core/log/record-batch.ts";
import {
  encodeCompressedBatch,
  readBatchRecords,
} from "../../../core/log/record-batch-compressed.ts";
import { testCodecs, xorCodec } from "./test-codecs.ts";

const codecs = [Compression.gzip, Compression.snappy, Compression.lz4, Compression.zstd] as const;

function header(bytes: Uint8Array) {
  const h = validateBatch(bytes);
  if (!h.ok) throw new Error(h.error.message);
  return h.value;
}

function compressed(records: readonly EncodeRecordInput[], compression: number, base = 0) {
  const bytes = encodeCompressedBatch(
    { baseOffset: base, baseTimestamp: 1_000, records },
    compression,
    testCodecs,
    crc32c,
  );
  if (!bytes.ok) throw new Error(bytes.error);
  return bytes.value;
}

const view = (r: Record) => ({
  offset: r.offset,
  timestamp: r.timestamp,
  key: r.key === null ? null : [...r.key],
  value: r.value === null ? null : [...r.value],
  headers: r.headers.map((h) => ({ key: h.key, value: h.value === null ? null : [...h.value] })),
});

const bytesArb = fc.uint8Array({ maxLength: 6 }).map((b) => new Uint8Array(b));
const recordArb = fc.record({
  key: fc.option(fc.constantFrom("a", "b", "c", "d").map((k) => new TextEncoder().encode(k))),
  value: fc.option(bytesArb),
  timestamp: fc.integer({ min: 1_000, max: 2_000 }),
});
const recordsArb = fc
  .array(fc.tuple(recordArb, fc.integer({ min: 1, max: 3 })), { minLength: 1, maxLength: 12 })
  .map((list) => {
    let offsetDelta = -1;
    return list.map(([r, gap]) => {
      offsetDelta += gap;
      return { ...r, offsetDelta };
    });
  });

describe("readBatchRecords and encodeCompressedBatch", () => {
  it("round-trip every codec: the records read back are the records written", () => {
    fc.assert(
      fc.property(recordsArb, fc.constantFrom(...codecs), (records, compression) => {
        const bytes = compressed(records, compression, 7);
        const h = header(bytes);
        expect(h.compression).toBe(compression);
        const read = readBatchRecords(bytes, h, testCodecs);
        const plain = decodeRecords(encodeBatch({ baseOffset: 7, baseTimestamp: 1_000, records }));
        if (!read.ok || !plain.ok) throw new Error("unreadable");
        expect(read.value.map(view)).toEqual(plain.value.map(view));
      }),
    );
  });

  it.each([
    ["no codec for the batch", { gzip: xorCodec } as Codecs, "unsupported-codec"],
    ["no codecs at all", NO_CODECS, "unsupported-codec"],
  ] as const)("answers %s with %s", (_name, given, type) => {
    const bytes = compressed([{ key: null, value: null }], Compression.zstd);
    const read = readBatchRecords(bytes, header(bytes), given);
    expect(!read.ok && read.error.type).toBe(type);
  });

  const xor = (bytes: number[]) => {
    const packed = xorCodec.compress(new Uint8Array(bytes));
    if (!packed.ok) throw new Error(packed.error);
    return packed.value;
  };

  it.each([
    ["bytes the codec refuses", new Uint8Array([1, 2, 3])],
    ["fewer records than the header declares", xor([])],
    ["garbage records", xor([40, 0, 0])],
  ])("answers corrupt for %s", (_name, compressedRecords) => {
    const bytes = encodeBatch({
      compression: Compression.lz4,
      compressedRecords,
      records: [{ key: null, value: null }],
    });
    const read = readBatchRecords(bytes, header(bytes), testCodecs);
    expect(!read.ok && read.error.type).toBe("corrupt");
  });
});

describe("validateForAppend on compacted topics", () => {
  const config = { maxMessageBytes: 1_000_000, cleanupPolicy: "compact" as const };
  const keyed = compressed([{ key: new Uint8Array([1]), value: null }], Compression.snappy);
  const keyless = compressed(
    [
      { key: new Uint8Array([1]), value: null },
      { key: null, value: new Uint8Array([2]) },
    ],
    Compression.snappy,
  );
  const corrupt = encodeBatch({
    compression: Compression.snappy,
    compressedRecords: new Uint8Array([9, 9]),
    records: [{ key: null, value: null }],
  });

  it.each([
    ["keyed records", keyed, testCodecs, ErrorCode.NONE],
    ["a keyless record", keyless, testCodecs, ErrorCode.INVALID_RECORD],
    ["no codec", keyed, { gzip: xorCodec }, ErrorCode.UNSUPPORTED_COMPRESSION_TYPE],
    ["corrupt compressed bytes", corrupt, testCodecs, ErrorCode.CORRUPT_MESSAGE],
  ] as const)("%s: error %s", (_name, bytes, given, expected) => {
    const result = validateForAppend(bytes, config, { codecs: given });
    expect(result.ok ? ErrorCode.NONE : result.error.error).toBe(expected);
    if (expected === ErrorCode.INVALID_RECORD && !result.ok) {
      expect(result.error.message).toBe("Compacted topic cannot accept message without key");
    }
  });

  it("passes compressed batches unread without codecs, and on delete topics", () => {
    expect(validateForAppend(keyless, config).ok).toBe(true);
    const del = { ...config, cleanupPolicy: "delete" as const };
    expect(validateForAppend(keyless, del, { codecs: testCodecs }).ok).toBe(true);
  });
});

describe("cleanBatch over compressed batches (model: the same records uncompressed)", () => {
  const ctxArb = fc.record({
    latest: fc.dictionary(fc.constantFrom("a", "b", "c", "d"), fc.integer({ min: 0, max: 60 })),
    nowMs: fc.integer({ min: 0, max: 3_000 }),
    mayDropTombstones: fc.boolean(),
    horizon: fc.boolean(),
  });

  it("decides alike and writes the same records, compressed with the batch's codec", () => {
    fc.assert(
      fc.property(recordsArb, ctxArb, fc.constantFrom(...codecs), (records, c, compression) => {
        const input = {
          baseOffset: 10,
          baseTimestamp: 1_000,
          hasDeleteHorizon: c.horizon,
          producerId: 42,
          producerEpoch: 3,
          baseSequence: 7,
          records,
        };
        const plain = encodeBatch(input);
        const packed = encodeCompressedBatch(input, compression, testCodecs, crc32c);
        if (!packed.ok) throw new Error(packed.error);
        const ctx: CleanContext = {
          offsetMap: new Map(
            Object.entries(c.latest).map(([k, v]) => [keyString(new TextEncoder().encode(k)), v]),
          ),
          mapEnd: 100,
          nowMs: c.nowMs,
          deleteRetentionMs: 500,
          mayDropTombstones: c.mayDropTombstones,
          crc: crc32c,
          codecs: testCodecs,
          retainEmpty: () => false,
        };
        const expected = cleanBatch(plain, header(plain), ctx);
        const actual = cleanBatch(packed.value, header(packed.value), ctx);
        expect(actual.type).toBe(expected.type);
        if (expected.type !== "rewrite" || actual.type !== "rewrite") return;
        const want = header(expected.bytes);
        const got = header(actual.bytes);
        expect(got.compression).toBe(compression);
        const same = (h: typeof want) => ({
          ...h,
          batchLength: 0,
          crc: 0,
          attributes: h.attributes & ~7,
          compression: 0,
        });
        expect(same(got)).toEqual(same(want));
        const wantRecords = readBatchRecords(expected.bytes, want, testCodecs);
        const gotRecords = readBatchRecords(actual.bytes, got, testCodecs);
        if (!wantRecords.ok || !gotRecords.ok) throw new Error("unreadable rewrite");
        expect(gotRecords.value.map(view)).toEqual(wantRecords.value.map(view));
      }),
    );
  });

  it("keeps a batch whole as opaque when its codec is missing", () => {
    const packed = compressed([{ key: new Uint8Array([97]), value: null }], Compression.zstd);
    const h = readBatchHeader(packed);
    if (!h.ok) throw new Error("header");
    const ctx: CleanContext = {
      offsetMap: new Map([["a", 99]]),
      mapEnd: 100,
      nowMs: 0,
      deleteRetentionMs: 0,
      mayDropTombstones: true,
      crc: crc32c,
      codecs: { gzip: xorCodec },
      retainEmpty: () => false,
    };
    expect(cleanBatch(packed, h.value, ctx).type).toBe("opaque");
  });
});
