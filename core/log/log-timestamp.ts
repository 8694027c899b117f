// ListOffsets by timestamp: the first offset (at or past the log start offset) of a record whose
// timestamp is >= the target. Segments are picked by their largest timestamp, the time index
// narrows the scan inside one, and the batch is decoded when uncompressed to find the record.

import { assert, assertNever } from "../assert.ts";
import { ErrorCode } from "../error-codes.ts";
import { limits } from "../limits.ts";
import { BatchChecker, scanStartAt } from "./batch-check.ts";
import { withIndexes } from "./index-load.ts";
import { segmentPath } from "./log-disk.ts";
import { implausibleOutcome, reportCorrupt } from "./log-read.ts";
import { halted, type LogContext } from "./log-state.ts";
import { Compression, decodeRecords, lastOffset, type RecordBatchHeader } from "./record-batch.ts";
import { scanSegment } from "./segment-scan.ts";

export type TimestampLookup =
  | { readonly type: "found"; readonly offset: number; readonly timestamp: number }
  /** No record at or after the timestamp below the bound. */
  | { readonly type: "none" }
  | { readonly type: "error"; readonly error: ErrorCode; readonly message: string };

const LOOKUP_RESTARTS_MAX = 8;

export function offsetForTimestamp(
  ctx: LogContext,
  timestamp: number,
  upperBound: number,
  done: (result: TimestampLookup) => void,
  attempt = 0,
): void {
  const state = ctx.state;
  if (halted(state)) {
    done({ type: "error", error: ErrorCode.KAFKA_STORAGE_ERROR, message: `log ${state.phase}` });
    return;
  }
  assert(state.phase === "ready", `timestamp lookup on a log that is ${state.phase}`);
  assert(Number.isSafeInteger(timestamp), `timestamp ${timestamp}`);
  if (attempt > LOOKUP_RESTARTS_MAX) {
    done({ type: "none" });
    return;
  }
  const bound = Math.min(upperBound, state.logEndOffset);
  searchFrom(ctx, state.segmentIndexFor(state.logStartOffset), timestamp, bound, done, attempt);
}

function searchFrom(
  ctx: LogContext,
  from: number,
  timestamp: number,
  bound: number,
  done: (result: TimestampLookup) => void,
  attempt: number,
): void {
  const state = ctx.state;
  const index = state.segments.findIndex((s, i) => i >= from && s.maxTimestamp >= timestamp);
  const segment = state.segments[index];
  if (segment === undefined || segment.baseOffset >= bound) {
    done({ type: "none" });
    return;
  }
  const logStart = state.logStartOffset;
  const generation = segment.generation;
  const unchanged = () => !segment.removed && segment.generation === generation;
  const restart = () => offsetForTimestamp(ctx, timestamp, bound, done, attempt + 1);
  withIndexes(ctx, segment, (indexes) => {
    if (!unchanged() || state.phase !== "ready") return restart();
    let entry = { offset: segment.baseOffset, position: 0 };
    if (indexes !== null) {
      const timeEntry = indexes.timeIndex.lookup(timestamp);
      const byTime = timeEntry === undefined ? entry : indexes.offsetIndex.lookup(timeEntry.offset);
      const byStart = indexes.offsetIndex.lookup(logStart);
      entry = byTime.position >= byStart.position ? byTime : byStart;
    }
    const start = entry.position;
    const checker = new BatchChecker(segment, scanStartAt(entry), state.epochs, logStart);
    let implausible: { position: number; reason: string } | null = null;
    let found: TimestampLookup = { type: "none" };
    const path = segmentPath(ctx, segment.baseOffset);
    const chunkBytes = limits.logReadChunkBytes;
    const options = { path, start, end: segment.sizeBytes, chunkBytes, crc: ctx.crc, unchanged };
    scanSegment(
      ctx.io,
      options,
      (batch, header, position) => {
        const problem = checker.check(header);
        if (problem !== null) {
          implausible = { position, reason: problem };
          return false;
        }
        if (lastOffset(header) < logStart || header.maxTimestamp < timestamp) return true;
        const hit = firstRecordAtOrAfter(batch, header, timestamp, logStart);
        if (hit === null) return true;
        found = hit.offset < bound ? hit : { type: "none" };
        return false;
      },
      (scanned) => {
        const outcome =
          implausible === null ? scanned : implausibleOutcome(implausible, unchanged());
        switch (outcome.type) {
          case "stopped":
            return done(found);
          case "end":
            return searchFrom(ctx, index + 1, timestamp, bound, done, attempt);
          case "changed":
            return restart();
          case "io-error":
            return done({
              type: "error",
              error: ErrorCode.KAFKA_STORAGE_ERROR,
              message: outcome.message,
            });
          case "invalid":
            reportCorrupt(ctx, segment.baseOffset, outcome.position, outcome.error.message);
            return done({
              type: "error",
              error: ErrorCode.KAFKA_STORAGE_ERROR,
              message: outcome.error.message,
            });
          default:
            return assertNever(outcome, "scan outcome");
        }
      },
    );
  });
}

/** The record offset Kafka answers; a compressed batch answers with its first offset in range. */
function firstRecordAtOrAfter(
  batch: Uint8Array,
  header: RecordBatchHeader,
  timestamp: number,
  logStart: number,
): { type: "found"; offset: number; timestamp: number } | null {
  if (header.compression !== Compression.none) {
    const offset = Math.max(header.baseOffset, logStart);
    return { type: "found", offset, timestamp: header.maxTimestamp };
  }
  const records = decodeRecords(batch);
  if (!records.ok) return null;
  const record = records.value.find((r) => r.timestamp >= timestamp && r.offset >= logStart);
  return record === undefined
    ? null
    : { type: "found", offset: record.offset, timestamp: record.timestamp };
}
