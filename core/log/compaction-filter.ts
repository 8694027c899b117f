// What compaction does to one record batch, as a pure function: keep it as is, drop it, or rewrite
// it with fewer records and/or a delete horizon. Offsets never change (lastOffsetDelta and every
// offsetDelta are kept); only records below `mapEnd`, whose keys were all mapped, are judged.

import type { Codecs } from "./codecs.ts";
import type { Crc32c } from "./crc32c.ts";
import { Compression, type Record, type RecordBatchHeader } from "./record-batch.ts";
import { encodeCompressedBatch, readBatchRecords } from "./record-batch-compressed.ts";

export type CleanDecision =
  | { readonly type: "keep" }
  /** Kept whole because its records cannot be read (no codec, corrupt) or written back. */
  | { readonly type: "opaque" }
  | { readonly type: "drop" }
  | { readonly type: "rewrite"; readonly bytes: Uint8Array };

export interface CleanContext {
  /** Key (as keyString) -> offset of its latest record in [first dirty offset, mapEnd). */
  readonly offsetMap: ReadonlyMap<string, number>;
  /** A batch boundary: batches at or past it were not mapped and are kept untouched. */
  readonly mapEnd: number;
  readonly nowMs: number;
  readonly deleteRetentionMs: number;
  /**
   * False once the pass met an opaque batch: it may hold an older value of any key that this
   * pass could not remove, so dropping a tombstone could bring that value back.
   */
  readonly mayDropTombstones: boolean;
  readonly crc: Crc32c;
  /** Compressed batches are read and written back with these; without its codec a batch is opaque. */
  readonly codecs: Codecs;
  /**
   * Whether a batch must stay even with no record left: the last batch of an active idempotent
   * producer (KIP-98), whose sequence the producer state is rebuilt from after a restart. Such a
   * batch stays as an empty batch (same offsets, producer fields and sequence, no records).
   */
  readonly retainEmpty: (header: RecordBatchHeader) => boolean;
}

/** A map key for raw key bytes: one char per byte, so equal bytes give equal strings. */
export function keyString(key: Uint8Array): string {
  let text = "";
  for (let i = 0; i < key.length; i += 4096) {
    text += String.fromCharCode(...key.subarray(i, Math.min(key.length, i + 4096)));
  }
  return text;
}

const keep: CleanDecision = { type: "keep" };
const drop: CleanDecision = { type: "drop" };
const opaque: CleanDecision = { type: "opaque" };

/**
 * Tombstones (and transaction markers) below mapEnd get a delete horizon (now +
 * delete.retention.ms, stored in the batch as KIP-534 does) the first time a cleaning keeps them,
 * and are dropped by the first cleaning after it. Compressed batches are decompressed and their
 * retained records compressed again with the same codec (opaque without it). A batch left with no
 * records is dropped, unless it must stay for its producer (retainEmpty): then it stays empty.
 */
export function cleanBatch(
  batch: Uint8Array,
  header: RecordBatchHeader,
  ctx: CleanContext,
): CleanDecision {
  if (header.recordCount === 0 || header.baseOffset >= ctx.mapEnd) return keep;
  const horizonPassed =
    header.hasDeleteHorizon && ctx.nowMs >= header.baseTimestamp && ctx.mayDropTombstones;
  const decoded = readBatchRecords(batch, header, ctx.codecs);
  if (!decoded.ok) return opaque;
  const records = decoded.value;
  if (header.isControl) {
    if (header.hasDeleteHorizon) return horizonPassed ? drop : keep;
    return rewrite(header, records, true, ctx);
  }
  const kept = records.filter((record) => retains(record, horizonPassed, ctx));
  const stamp = !header.hasDeleteHorizon && kept.some((r) => r.value === null);
  if (kept.length === records.length && !stamp) return keep;
  if (kept.length === 0) return ctx.retainEmpty(header) ? emptied(header, ctx) : drop;
  return rewrite(header, kept, stamp, ctx);
}

function retains(record: Record, horizonPassed: boolean, ctx: CleanContext): boolean {
  if (record.key === null) return true;
  const latest = ctx.offsetMap.get(keyString(record.key));
  if (latest !== undefined && latest > record.offset) return false;
  return !(record.value === null && horizonPassed);
}

/** `header`'s batch with no record left: uncompressed (nothing to compress), all else kept. */
function emptied(header: RecordBatchHeader, ctx: CleanContext): CleanDecision {
  const noCompression = { ...header, compression: Compression.none };
  return rewrite(noCompression, [], false, ctx);
}

/** Re-encodes `header`'s batch with `records`, stamping a delete horizon when `stamp`. */
function rewrite(
  header: RecordBatchHeader,
  records: readonly Record[],
  stamp: boolean,
  ctx: CleanContext,
): CleanDecision {
  const baseTimestamp = stamp ? ctx.nowMs + ctx.deleteRetentionMs : header.baseTimestamp;
  const bytes = encodeCompressedBatch(
    {
      baseOffset: header.baseOffset,
      partitionLeaderEpoch: header.partitionLeaderEpoch,
      producerId: header.producerId,
      producerEpoch: header.producerEpoch,
      baseSequence: header.baseSequence,
      isTransactional: header.isTransactional,
      isControl: header.isControl,
      isLogAppendTime: header.isLogAppendTime,
      hasDeleteHorizon: header.hasDeleteHorizon || stamp,
      baseTimestamp,
      maxTimestamp: header.maxTimestamp,
      lastOffsetDelta: header.lastOffsetDelta,
      records: records.map((r) => ({
        // Absolute timestamps survive a new base timestamp: the deltas are recomputed from them.
        timestamp: header.baseTimestamp + r.timestampDelta,
        key: r.key,
        value: r.value,
        headers: r.headers,
        offsetDelta: r.offsetDelta,
      })),
    },
    header.compression,
    ctx.codecs,
    ctx.crc,
  );
  return bytes.ok ? { type: "rewrite", bytes: bytes.value } : opaque;
}
