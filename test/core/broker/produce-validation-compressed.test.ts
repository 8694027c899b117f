// validateProduceRecords on compressed batches: on compacted topics they are read through the
// injected codecs (keyless: INVALID_RECORD with Kafka's text; no codec: UNSUPPORTED_COMPRESSION_TYPE;
// bad bytes: CORRUPT_MESSAGE), on delete topics they pass unread, and nothing ever throws.

import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { brokerConfig } from "../../../core/broker/config.ts";
import { validateProduceRecords } from "../../../core/broker/produce-validation.ts";
import { resolveTopicConfig } from "../../../core/broker/topic-config.ts";
import { ErrorCode } from "../../../core/error-codes.ts";
import { NO_CODECS } from "../../../core/log/codecs.ts";
import { crc32c } from "../../../core/log/crc32c.ts";
import { Compression, encodeBatch } from "../../../core/log/record-batch.ts";
import { encodeCompressedBatch } from "../../../core/log/record-batch-compressed.ts";
import { testCodecs } from "../log/test-codecs.ts";

const plain = resolveTopicConfig(new Map(), brokerConfig({}));
const compacted = resolveTopicConfig(new Map([["cleanup.policy", "compact"]]), brokerConfig({}));
const key = new Uint8Array([107]);

function packed(keys: readonly (Uint8Array | null)[], compression: number = Compression.lz4) {
  const records = keys.map((k) => ({ key: k, value: new Uint8Array([1, 2]) }));
  const bytes = encodeCompressedBatch({ records }, compression, testCodecs, crc32c);
  if (!bytes.ok) throw new Error(bytes.error);
  return bytes.value;
}

const garbled = encodeBatch({
  compression: Compression.zstd,
  compressedRecords: new Uint8Array([7, 7, 7]),
  records: [{ key, value: null }],
});

describe("validateProduceRecords with compressed batches", () => {
  it.each([
    ["keyed records on a compacted topic", packed([key, key]), compacted, testCodecs, 0],
    ["a keyless record on a compacted topic", packed([key, null]), compacted, testCodecs, 87],
    ["no codec on a compacted topic", packed([key]), compacted, NO_CODECS, 76],
    ["corrupt compressed bytes on a compacted topic", garbled, compacted, testCodecs, 2],
    ["a keyless record on a delete topic", packed([null]), plain, NO_CODECS, 0],
    ["corrupt compressed bytes on a delete topic (stored as sent)", garbled, plain, NO_CODECS, 0],
  ] as const)("%s: error %s", (_name, bytes, config, codecs, expected) => {
    const result = validateProduceRecords(bytes, config, 5_000, crc32c, codecs);
    expect(result.ok ? ErrorCode.NONE : result.error.error).toBe(expected);
    if (expected === ErrorCode.INVALID_RECORD && !result.ok) {
      expect(result.error.message).toBe("Compacted topic cannot accept message without key");
    }
  });

  it("answers an error value, never a throw, for any compressed section on a compacted topic", () => {
    fc.assert(
      fc.property(
        fc.uint8Array({ maxLength: 64 }),
        fc.integer({ min: 1, max: 4 }),
        fc.integer({ min: 1, max: 5 }),
        (section, compression, count) => {
          const bytes = encodeBatch({
            compression,
            compressedRecords: new Uint8Array([0xc5, ...section]),
            records: Array.from({ length: count }, () => ({ key, value: null })),
          });
          const result = validateProduceRecords(bytes, compacted, 5_000, crc32c, testCodecs);
          const allowed: number[] = [
            ErrorCode.NONE,
            ErrorCode.CORRUPT_MESSAGE,
            ErrorCode.INVALID_RECORD,
          ];
          expect(allowed).toContain(result.ok ? ErrorCode.NONE : result.error.error);
        },
      ),
      { numRuns: 300 },
    );
  });
});
