// Records of a batch whatever its compression, through injected codecs: reading them (keys on
// compacted topics, compaction) and writing retained ones back with the batch's own codec, as
// Kafka's cleaner does. Bad compressed bytes are a value, never a throw.

import { assert } from "../assert.ts";
import { limits } from "../limits.ts";
import { err, ok, type Result } from "../result.ts";
import { type Codecs, codecFor, compressionName } from "./codecs.ts";
import type { Crc32c } from "./crc32c.ts";
import { type EncodeBatchInput, encodeBatch, encodeRecordSection } from "./record-batch-encode.ts";
import {
  batchSizeBytes,
  Compression,
  RECORD_BATCH_OVERHEAD,
  type RecordBatchHeader,
} from "./record-batch-header.ts";
import { decodeRecordSection, decodeRecords, type Record } from "./record-batch-records.ts";

export type RecordsFailure =
  /** The batch's codec is not among the node's codecs: UNSUPPORTED_COMPRESSION_TYPE. */
  | { readonly type: "unsupported-codec"; readonly message: string }
  /** The compressed bytes or the records inside are malformed: CORRUPT_MESSAGE. */
  | { readonly type: "corrupt"; readonly message: string };

/**
 * The records of the batch at `position` (its header already read), decompressed when needed.
 * Keys and values are views of the batch, or of the one inflated buffer of a compressed batch.
 */
export function readBatchRecords(
  batch: Uint8Array,
  header: RecordBatchHeader,
  codecs: Codecs,
  position = 0,
): Result<Record[], RecordsFailure> {
  if (header.compression === Compression.none) {
    const records = decodeRecords(batch, position);
    return records.ok ? records : corrupt(`${records.error.type}: ${records.error.message}`);
  }
  const codec = codecFor(codecs, header.compression);
  const name = compressionName(header.compression);
  if (codec === undefined) {
    return err({ type: "unsupported-codec", message: `compression ${name} is not supported` });
  }
  const end = position + batchSizeBytes(header);
  if (end > batch.length) return corrupt(`batch needs ${end - position} bytes`);
  const section = batch.subarray(position + RECORD_BATCH_OVERHEAD, end);
  const inflated = codec.decompress(section, limits.decompressedBatchBytesMax);
  if (!inflated.ok) return corrupt(`${name} records cannot be decompressed: ${inflated.error}`);
  assert(
    inflated.value.length <= limits.decompressedBatchBytesMax,
    `${name} codec inflated past its bound`,
  );
  const records = decodeRecordSection(inflated.value, header);
  if (!records.ok) return corrupt(`${records.error.type}: ${records.error.message}`);
  return records;
}

function corrupt(message: string): Result<never, RecordsFailure> {
  return err({ type: "corrupt", message });
}

/**
 * Encodes `input` as a batch compressed with `compression` (none encodes plainly). Fails only
 * when the codec is absent or refuses; the output always passes validateBatch.
 */
export function encodeCompressedBatch(
  input: Omit<EncodeBatchInput, "compression" | "compressedRecords">,
  compression: number,
  codecs: Codecs,
  crc: Crc32c,
): Result<Uint8Array, string> {
  if (compression === Compression.none) return ok(encodeBatch(input, crc));
  const codec = codecFor(codecs, compression);
  if (codec === undefined) return err(`compression ${compressionName(compression)} is absent`);
  const section = encodeRecordSection(input);
  const compressed = codec.compress(section);
  if (!compressed.ok) return compressed;
  const bytes = encodeBatch({ ...input, compression, compressedRecords: compressed.value }, crc);
  assert(bytes.length === RECORD_BATCH_OVERHEAD + compressed.value.length, "batch size mismatch");
  return ok(bytes);
}
