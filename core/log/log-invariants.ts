// The partition log's invariants, checked by the simulator after every step and by the tests after
// every operation: segments sorted and disjoint, offsets ordered log start <= high watermark <= log
// end, durability never ahead of the log end, epochs monotonic, caches within their bounds.

import { assert } from "../assert.ts";
import type { LogContext, LogState } from "./log-state.ts";
import type { Segment } from "./segment.ts";

export function checkLogInvariants(ctx: LogContext): void {
  const state = ctx.state;
  if (state.phase === "new" || state.phase === "recovering" || state.phase === "closed") return;
  if (state.phase === "offline" && state.segments.length === 0) return;
  checkSegments(state.segments);
  checkOffsets(state);
  assert(state.tailCache.bytes <= state.tailCache.capacityBytes, "tail cache over capacity");
  assert(
    state.tailCache.coveredFrom <= state.logEndOffset || state.tailCache.batchCount === 0,
    "tail cache covers past the log end",
  );
  assert(state.indexCache.entries <= state.indexCache.capacityEntries, "index cache over capacity");
}

function checkSegments(segments: readonly Segment[]): void {
  assert(segments.length > 0, "a recovered log has at least one segment");
  for (let i = 0; i < segments.length; i++) {
    const segment = segments[i]!;
    assert(!segment.removed, `segment ${segment.baseOffset} is removed but listed`);
    assert(
      segment.nextOffset >= segment.baseOffset,
      `segment ${segment.baseOffset} ends before it starts`,
    );
    assert(segment.sizeBytes >= 0, `segment ${segment.baseOffset} has negative size`);
    assert(
      (segment.sizeBytes === 0) === (segment.nextOffset === segment.baseOffset) ||
        i < segments.length - 1,
      `active segment ${segment.baseOffset}: size and offsets disagree`,
    );
    const next = segments[i + 1];
    if (next !== undefined) {
      assert(
        next.baseOffset > segment.baseOffset,
        `segments ${segment.baseOffset}, ${next.baseOffset} out of order`,
      );
      assert(
        segment.nextOffset <= next.baseOffset,
        `segment ${segment.baseOffset} overlaps the next`,
      );
      assert(segment.indexes === null, `closed segment ${segment.baseOffset} holds indexes`);
    }
  }
  assert(segments.at(-1)!.indexes !== null, "the active segment holds its indexes");
}

function checkOffsets(state: LogState): void {
  const segments = state.segments;
  const logEnd = state.logEndOffset;
  assert(
    segments[0]!.baseOffset <= state.logStartOffset,
    "log start offset below the first segment",
  );
  assert(
    segments.length === 1 || state.logStartOffset < segments[1]!.baseOffset,
    "a whole segment lies below the log start offset",
  );
  assert(
    state.logStartOffset <= state.highWatermark || state.logStartOffset > logEnd,
    "log start offset past the high watermark",
  );
  assert(
    state.highWatermark <= logEnd,
    `high watermark ${state.highWatermark} past log end ${logEnd}`,
  );
  assert(
    state.recoveryPoint <= logEnd,
    `recovery point ${state.recoveryPoint} past log end ${logEnd}`,
  );
  assert(state.cleanerCheckpoint <= logEnd, "cleaner checkpoint past the log end");
  state.epochs.checkInvariants();
  const lastEpoch = state.epochs.entries().at(-1);
  // Equal is legal: DeleteRecords up to the log end moves the epoch in force to the log end.
  assert(
    lastEpoch === undefined || lastEpoch.startOffset <= logEnd,
    "leader epoch starts past the log end",
  );
  for (const pending of state.pendingSyncs)
    assert(pending.target <= logEnd || state.truncating, "a sync vouches past the log end");
}
