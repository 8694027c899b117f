// The partition log's invariants, checked by the simulator after every step and by the tests after
// every operation: segments sorted and disjoint, offsets ordered log start <= high watermark <= log
// end, durability never ahead of the log end, epochs monotonic, caches within their bounds.

import { AssertionFailure } from "../assert.ts";
import type { EpochEntry } from "./leader-epoch-cache.ts";
import type { LogContext, LogState } from "./log-state.ts";
import type { Segment } from "./segment.ts";

/**
 * What the previous check of one log verified, so that a step costs what it changed, not the length
 * of the log. The list is compared by its array, length and end segments (roll, deletion,
 * truncation and recovery all change one of them; nothing assigns into its middle). A verified
 * closed segment is watched: its checked fields become accessors that mark the log dirty when
 * written (a compaction swap, a truncation cut, a deletion, or any bug), and a dirty log is checked
 * whole. Epoch entries are immutable and their array only grows at the end (or is replaced), so
 * the entries before the last one verified stay verified.
 */
interface Checked {
  segments: readonly Segment[];
  length: number;
  first: Segment | undefined;
  active: Segment | undefined;
  /** A watched closed segment was written since the last check. */
  dirty: boolean;
  epochs: readonly EpochEntry[];
  epochCount: number;
  lastEpoch: EpochEntry | undefined;
}

const checkedLogs = new WeakMap<LogState, Checked>();
/** The logs that verified each watched segment. */
const watchers = new WeakMap<Segment, Checked[]>();
const watchedFields = ["removed", "nextOffset", "sizeBytes", "indexes"] as const;

/** Fails the check; messages are built only on failure (they cost more than the checks). */
function fail(message: string): never {
  throw new AssertionFailure(message);
}

export function checkLogInvariants(ctx: LogContext): void {
  const state = ctx.state;
  if (state.phase === "new" || state.phase === "recovering" || state.phase === "closed") return;
  if (state.phase === "offline" && state.segments.length === 0) return;
  const segments = state.segments;
  if (segments.length === 0) fail("a recovered log has at least one segment");
  let memo = checkedLogs.get(state);
  if (memo === undefined) {
    memo = {
      segments,
      length: 0,
      first: undefined,
      active: undefined,
      dirty: true,
      epochs: [],
      epochCount: 0,
      lastEpoch: undefined,
    };
    checkedLogs.set(state, memo);
  }
  const steady =
    !memo.dirty &&
    memo.segments === segments &&
    memo.length === segments.length &&
    memo.first === segments[0] &&
    memo.active === segments.at(-1);
  if (steady) {
    // Only the active segment can have changed: the closed ones are watched and unwritten, and the
    // active one's base offset (its boundary with the last closed one) never changes.
    checkSegments(segments, segments.length - 1, state.truncating);
  } else {
    const from = uncheckedFrom(memo, segments);
    checkSegments(segments, from, state.truncating);
    for (let i = from; i < segments.length - 1; i++) watch(segments[i]!, memo);
  }
  memo.segments = segments;
  memo.length = segments.length;
  memo.first = segments[0];
  memo.active = segments.at(-1);
  memo.dirty = false;
  checkOffsets(state);
  if (state.tailCache.bytes > state.tailCache.capacityBytes) fail("tail cache over capacity");
  if (state.tailCache.coveredFrom > state.logEndOffset && state.tailCache.batchCount !== 0) {
    fail("tail cache covers past the log end");
  }
  if (state.indexCache.entries > state.indexCache.capacityEntries) {
    fail("index cache over capacity");
  }
  checkEpochs(state, memo);
}

/** After a change to the list: the first segment whose checks the change may have broken. */
function uncheckedFrom(memo: Checked, segments: readonly Segment[]): number {
  if (memo.dirty || memo.segments !== segments || memo.first !== segments[0]) return 0;
  // Rolled: the segments before the old active one were verified, and are watched.
  const old = memo.length - 1;
  const rolled = memo.active !== segments.at(-1) && old < segments.length && old >= 0;
  return rolled && segments[old] === memo.active ? old : 0;
}

/** Makes writes to a verified closed segment's checked fields mark its log for a whole check. */
function watch(segment: Segment, memo: Checked): void {
  const known = watchers.get(segment);
  if (known !== undefined) {
    // A segment in two states' lists (tests that check a copy): each is told.
    if (!known.includes(memo)) known.push(memo);
    return;
  }
  const memos = [memo];
  watchers.set(segment, memos);
  for (const field of watchedFields) {
    let value: unknown = segment[field];
    Object.defineProperty(segment, field, {
      configurable: true,
      enumerable: true,
      get: () => value,
      set: (next: unknown) => {
        value = next;
        // The active segment (one truncation made active again) is checked every step anyway.
        for (const m of memos) if (m.active !== segment) m.dirty = true;
      },
    });
  }
}

/**
 * Checks segments `from` (>= 0) to the active one, and each against the next. A truncation that
 * made a closed segment active again loads its indexes before it completes (reads load them
 * themselves, appends wait for the truncation), so only then may the active one lack them.
 */
function checkSegments(segments: readonly Segment[], from: number, truncating: boolean): void {
  const last = segments.length - 1;
  for (let i = from; i <= last; i++) {
    const segment = segments[i]!;
    const base = segment.baseOffset;
    if (segment.removed) fail(`segment ${base} is removed but listed`);
    if (segment.nextOffset < base) fail(`segment ${base} ends before it starts`);
    if (segment.sizeBytes < 0) fail(`segment ${base} has negative size`);
    if (i === last) {
      if ((segment.sizeBytes === 0) !== (segment.nextOffset === base)) {
        fail(`active segment ${base}: size and offsets disagree`);
      }
      if (segment.indexes === null && !truncating) fail("the active segment holds its indexes");
      continue;
    }
    const next = segments[i + 1]!;
    if (next.baseOffset <= base) fail(`segments ${base}, ${next.baseOffset} out of order`);
    if (segment.nextOffset > next.baseOffset) fail(`segment ${base} overlaps the next`);
    if (segment.indexes !== null) fail(`closed segment ${base} holds indexes`);
  }
}

function checkOffsets(state: LogState): void {
  const segments = state.segments;
  const logEnd = state.logEndOffset;
  const logStart = state.logStartOffset;
  if (segments[0]!.baseOffset > logStart) fail("log start offset below the first segment");
  if (segments.length > 1 && logStart >= segments[1]!.baseOffset) {
    fail("a whole segment lies below the log start offset");
  }
  if (logStart > state.highWatermark && logStart <= logEnd) {
    fail("log start offset past the high watermark");
  }
  if (state.highWatermark > logEnd) {
    fail(`high watermark ${state.highWatermark} past log end ${logEnd}`);
  }
  if (state.recoveryPoint > logEnd) {
    fail(`recovery point ${state.recoveryPoint} past log end ${logEnd}`);
  }
  if (state.cleanerCheckpoint > logEnd) fail("cleaner checkpoint past the log end");
  for (const pending of state.pendingSyncs) {
    if (pending.target > logEnd && !state.truncating) fail("a sync vouches past the log end");
  }
}

/**
 * Leader epochs and their start offsets strictly increase; the last starts at or before the log
 * end (equal is legal: DeleteRecords up to the log end moves the epoch in force to the log end).
 */
function checkEpochs(state: LogState, memo: Checked): void {
  const entries = state.epochs.entries();
  let from = 1;
  if (
    memo.epochs === entries &&
    memo.epochCount > 0 &&
    memo.epochCount <= entries.length &&
    entries[memo.epochCount - 1] === memo.lastEpoch
  ) {
    from = memo.epochCount;
  }
  for (let i = from; i < entries.length; i++) {
    const previous = entries[i - 1]!;
    const entry = entries[i]!;
    if (entry.epoch <= previous.epoch) fail(`leader epochs not increasing at ${i}`);
    if (entry.startOffset <= previous.startOffset) {
      fail(`epoch start offsets not increasing at ${i}`);
    }
  }
  const lastEpoch = entries.at(-1);
  if (lastEpoch !== undefined && lastEpoch.startOffset > state.logEndOffset) {
    fail("leader epoch starts past the log end");
  }
  memo.epochs = entries;
  memo.epochCount = entries.length;
  memo.lastEpoch = lastEpoch;
}
