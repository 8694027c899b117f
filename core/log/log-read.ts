// Reading a partition log: whole batches from the one holding the fetch offset, never past the
// caller's bound, at least one batch even when larger than maxBytes. The tail cache answers near
// the end; older bytes come through `read` operations, CRC-checked: a corrupt batch is never served.

import { assert, assertNever } from "../assert.ts";
import { ErrorCode } from "../error-codes.ts";
import { limits } from "../limits.ts";
import { BatchChecker, scanStartAt } from "./batch-check.ts";
import { withIndexes } from "./index-load.ts";
import { segmentPath } from "./log-disk.ts";
import { halted, type LogContext } from "./log-state.ts";
import { lastOffset } from "./record-batch.ts";
import { type ScanOutcome, scanSegment } from "./segment-scan.ts";

export interface LogReadRequest {
  readonly offset: number;
  /** Stop adding batches past this many bytes (the first batch is always returned whole). */
  readonly maxBytes: number;
  /** Only batches whose last offset is below this: the high watermark for consumers, LEO for followers. */
  readonly upperBound: number;
}

export type LogReadResult =
  | {
      readonly type: "records";
      /** Whole record batches, possibly none. */
      readonly bytes: Uint8Array;
      readonly batchCount: number;
      /** Last offset of the last batch returned; -1 when none. */
      readonly lastOffset: number;
    }
  | { readonly type: "error"; readonly error: ErrorCode; readonly message: string };

/** How often a read starts over because a segment changed under it before it answers empty. */
const READ_RESTARTS_MAX = 8;

const empty: LogReadResult = {
  type: "records",
  bytes: new Uint8Array(0),
  batchCount: 0,
  lastOffset: -1,
};

export function storageError(message: string): LogReadResult {
  return { type: "error", error: ErrorCode.KAFKA_STORAGE_ERROR, message };
}

function records(parts: readonly Uint8Array[], last: number): LogReadResult {
  if (parts.length === 0) return empty;
  const bytes = parts.length === 1 ? parts[0]! : concat(parts);
  return { type: "records", bytes, batchCount: parts.length, lastOffset: last };
}

export function concat(parts: readonly Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((sum, part) => sum + part.length, 0));
  let at = 0;
  for (const part of parts) {
    out.set(part, at);
    at += part.length;
  }
  return out;
}

/** Calls `done` once, possibly before returning (when the tail cache or the range check answers). */
export function readLog(
  ctx: LogContext,
  request: LogReadRequest,
  done: (result: LogReadResult) => void,
  attempt = 0,
): void {
  const state = ctx.state;
  if (halted(state)) {
    done(storageError(`log ${state.phase}: ${state.offlineReason ?? "closed by its owner"}`));
    return;
  }
  assert(state.phase === "ready", `read from a log that is ${state.phase}`);
  const { offset, maxBytes, upperBound } = request;
  assert(Number.isSafeInteger(offset) && offset >= 0, `read offset ${offset}`);
  assert(Number.isSafeInteger(maxBytes) && maxBytes >= 0, `read maxBytes ${maxBytes}`);
  if (offset < state.logStartOffset || offset > state.logEndOffset) {
    const range = `[${state.logStartOffset}, ${state.logEndOffset}]`;
    done({
      type: "error",
      error: ErrorCode.OFFSET_OUT_OF_RANGE,
      message: `${offset} outside ${range}`,
    });
    return;
  }
  const bound = Math.min(upperBound, state.logEndOffset);
  if (offset >= bound || attempt > READ_RESTARTS_MAX) {
    done(empty);
    return;
  }
  if (state.tailCache.covers(offset)) {
    const cached = state.tailCache.read(offset, maxBytes, bound);
    const parts = cached.map((batch) => batch.bytes);
    done(records(parts, cached.at(-1)?.lastOffset ?? -1));
    return;
  }
  readSegment(ctx, state.segmentIndexFor(offset), request, bound, done, attempt);
}

/** Whole batches gathered so far by one read, possibly across segments. */
interface Gathered {
  readonly parts: Uint8Array[];
  total: number;
  last: number;
}

function readSegment(
  ctx: LogContext,
  index: number,
  request: LogReadRequest,
  bound: number,
  done: (result: LogReadResult) => void,
  attempt: number,
  gathered: Gathered = { parts: [], total: 0, last: -1 },
): void {
  const state = ctx.state;
  const segment = state.segments[index];
  const found = gathered.parts.length > 0;
  const answer = () => done(records(gathered.parts, gathered.last));
  if (
    segment === undefined ||
    segment.baseOffset >= bound ||
    (found && gathered.total >= request.maxBytes)
  ) {
    answer();
    return;
  }
  if (segment.nextOffset <= request.offset) {
    readSegment(ctx, index + 1, request, bound, done, attempt, gathered);
    return;
  }
  const generation = segment.generation;
  const unchanged = () => !segment.removed && segment.generation === generation;
  withIndexes(ctx, segment, (indexes) => {
    if (!unchanged() || state.phase !== "ready") {
      if (found) answer();
      else readLog(ctx, request, done, attempt + 1);
      return;
    }
    const entry =
      indexes === null || found
        ? { offset: segment.baseOffset, position: 0 }
        : indexes.offsetIndex.lookup(request.offset);
    const start = entry.position;
    const checker = new BatchChecker(
      segment,
      scanStartAt(entry),
      state.epochs,
      state.logStartOffset,
    );
    let implausible: { position: number; reason: string } | null = null;
    const chunkBytes = Math.min(
      Math.max(request.maxBytes - gathered.total + ctx.config.indexIntervalBytes, 4096),
      limits.logReadChunkBytes,
    );
    const path = segmentPath(ctx, segment.baseOffset);
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
        const batchLast = lastOffset(header);
        if (batchLast < request.offset) return true;
        if (batchLast >= bound) return false;
        if (gathered.parts.length > 0 && gathered.total + batch.length > request.maxBytes)
          return false;
        gathered.parts.push(batch);
        gathered.total += batch.length;
        gathered.last = batchLast;
        return true;
      },
      (scanned) => {
        const outcome: ScanOutcome =
          implausible === null ? scanned : implausibleOutcome(implausible, unchanged());
        finishRead(ctx, outcome, segment.baseOffset, gathered.parts.length > 0, {
          answer,
          next: () => readSegment(ctx, index + 1, request, bound, done, attempt, gathered),
          restart: () => readLog(ctx, request, done, attempt + 1),
          done,
        });
      },
    );
  });
}

/** A batch whose uncovered header fields disagree with the log is corrupt, unless it changed. */
export function implausibleOutcome(
  implausible: { position: number; reason: string },
  unchanged: boolean,
): ScanOutcome {
  if (!unchanged) return { type: "changed" };
  return {
    type: "invalid",
    position: implausible.position,
    error: { type: "bad-records", message: implausible.reason },
  };
}

interface ReadContinuations {
  readonly answer: () => void;
  readonly next: () => void;
  readonly restart: () => void;
  readonly done: (result: LogReadResult) => void;
}

function finishRead(
  ctx: LogContext,
  outcome: ScanOutcome,
  segmentBaseOffset: number,
  found: boolean,
  k: ReadContinuations,
): void {
  switch (outcome.type) {
    case "end":
      k.next();
      return;
    case "stopped":
      k.answer();
      return;
    case "changed":
      if (found) k.answer();
      else k.restart();
      return;
    case "io-error":
      if (found) k.answer();
      else k.done(storageError(`${outcome.code}: ${outcome.message}`));
      return;
    case "invalid":
      if (found) {
        k.answer();
        return;
      }
      reportCorrupt(ctx, segmentBaseOffset, outcome.position, outcome.error.message);
      k.done(storageError(`corrupt batch at ${outcome.position}: ${outcome.error.message}`));
      return;
    default:
      assertNever(outcome, "scan outcome");
  }
}

export function reportCorrupt(
  ctx: LogContext,
  segmentBaseOffset: number,
  position: number,
  reason: string,
): void {
  ctx.outbox.mark("log-read-corrupt-batch");
  ctx.outbox.trace({
    type: "log-corrupt-batch",
    topic: ctx.topic,
    partition: ctx.partition,
    segmentBaseOffset,
    position,
    reason,
  });
}
