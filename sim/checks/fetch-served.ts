// Checks of every Fetch answer at the moment the broker serves it, against the broker's own view:
// nothing at or past the high watermark, whole CRC-valid batches only, offsets dense (the first
// batch holds the fetch offset, each next batch starts where the last ended, no record missing in a
// batch), and with an fsync-before-ack setting a high watermark that never passes the durable offset.

import { crc32c as nodeRsCrc32c } from "@node-rs/crc32";
import type { BrokerView, PartitionView } from "../../core/broker/broker-view.ts";
import { FsyncBeforeAck } from "../../core/broker/config.ts";
import { ErrorCode } from "../../core/error-codes.ts";
import { type Crc32c, lastOffset, validateBatch } from "../../core/log/record-batch.ts";
import type { FetchRequest, FetchResponse } from "../../core/protocol/index.ts";
import { batchesOf } from "./observations.ts";

/**
 * The checker's CRC-32C: the native one (as the runtime's), independent of the TypeScript one the
 * broker and clients use, and several times faster on whole batches.
 */
const nativeCrc32c: Crc32c = (bytes) => nodeRsCrc32c(bytes) >>> 0;

export interface FetchCheckContext {
  readonly fsync: FsyncBeforeAck;
  /** Topics compacted or with control batches may have offset gaps (none in today's runs). */
  readonly gapsAllowed: boolean;
}

/** The first breach found in one answered consumer Fetch, or undefined. */
export function checkFetchServed(
  request: FetchRequest,
  response: FetchResponse,
  view: BrokerView,
  context: FetchCheckContext,
): string | undefined {
  if (request.replicaId >= 0) return undefined;
  for (const topic of response.responses) {
    for (const p of topic.partitions) {
      if (p.errorCode !== ErrorCode.NONE) continue;
      // A handful of partitions: scans, and messages built only for a breach.
      const state = stateOf(view, topic.topic, p.partitionIndex);
      if (state === undefined) {
        return `${topic.topic}-${p.partitionIndex}: served, but the broker hosts no such partition`;
      }
      const fetchOffset = fetchOffsetOf(request, topic.topic, p.partitionIndex);
      if (p.highWatermark > state.highWatermark) {
        return `${where(topic.topic, p.partitionIndex, fetchOffset)}: answered high watermark ${p.highWatermark} > the broker's ${state.highWatermark}`;
      }
      if (context.fsync !== FsyncBeforeAck.none && p.highWatermark > state.durableOffset) {
        return `${where(topic.topic, p.partitionIndex, fetchOffset)}: high watermark ${p.highWatermark} > durable offset ${state.durableOffset} with runnel.fsync.before.ack=${context.fsync}`;
      }
      const breach = checkBatches(p.records, fetchOffset, p.highWatermark, context);
      if (breach !== undefined) {
        const served = batchesOf(p.records).map(
          ({ header: h }) => `${h.baseOffset}..${lastOffset(h)}`,
        );
        return `${where(topic.topic, p.partitionIndex, fetchOffset)}: ${breach} (served batches ${served.join(" ")}; broker LEO ${state.logEndOffset} HW ${state.highWatermark})`;
      }
    }
  }
  return undefined;
}

function where(topic: string, partition: number, fetchOffset: number | undefined): string {
  return `${topic}-${partition} fetch at ${fetchOffset ?? "?"}`;
}

function stateOf(view: BrokerView, topic: string, partition: number): PartitionView | undefined {
  for (const p of view.partitions) if (p.topic === topic && p.partition === partition) return p;
  return undefined;
}

function fetchOffsetOf(
  request: FetchRequest,
  topic: string,
  partition: number,
): number | undefined {
  let offset: number | undefined;
  // The last mention wins, as a map built over the request would keep it.
  for (const t of request.topics) {
    if (t.topic !== topic) continue;
    for (const p of t.partitions) if (p.partition === partition) offset = p.fetchOffset;
  }
  return offset;
}

function checkBatches(
  bytes: Uint8Array | null,
  fetchOffset: number | undefined,
  highWatermark: number,
  context: FetchCheckContext,
): string | undefined {
  let expectedBase: number | undefined;
  for (const { position, header } of batchesOf(bytes)) {
    const last = lastOffset(header);
    const valid = validateBatch(bytes!, position, nativeCrc32c);
    if (!valid.ok) {
      return `served a batch at ${header.baseOffset} that fails validation (${valid.error.type}: ${valid.error.message})`;
    }
    if (last >= highWatermark) {
      return `served offsets ${header.baseOffset}..${last} at or past the high watermark ${highWatermark}`;
    }
    if (expectedBase === undefined) {
      if (fetchOffset !== undefined && (header.baseOffset > fetchOffset || last < fetchOffset)) {
        return `first batch ${header.baseOffset}..${last} does not hold the fetch offset`;
      }
    } else if (header.baseOffset !== expectedBase && !context.gapsAllowed) {
      return `offsets not dense: a batch starts at ${header.baseOffset}, the one before ended at ${expectedBase - 1}`;
    }
    if (
      !context.gapsAllowed &&
      !header.isControl &&
      header.recordCount !== header.lastOffsetDelta + 1
    ) {
      return `offsets not dense: batch ${header.baseOffset}..${last} holds ${header.recordCount} records`;
    }
    expectedBase = last + 1;
  }
  return undefined;
}
