// The log invariants are checked incrementally (a step costs what it changed): every violation the
// whole check finds must be found at the same step, whether planted by a legal operation gone wrong
// or by a stray write to a closed segment. The oracle is the whole check on a fresh copy.

import { fc, test } from "@fast-check/vitest";
import { describe, expect, it } from "vitest";
import type { EpochEntry } from "../../../core/log/leader-epoch-cache.ts";
import { checkLogInvariants } from "../../../core/log/log-invariants.ts";
import { type LogContext, LogState } from "../../../core/log/log-state.ts";
import { emptyIndexes, Segment } from "../../../core/log/segment.ts";

const BATCH_BYTES = 100;

/** A ready log: closed segments of `sizes` records each, then an active one with `active`. */
function logOf(sizes: readonly number[], active = 0): LogState {
  const state = new LogState(1_000, 1_000);
  state.phase = "ready";
  let base = 0;
  for (const records of sizes) {
    state.segments.push(closed(base, records));
    base += records;
  }
  const last = Segment.empty(base);
  last.nextOffset = base + active;
  last.sizeBytes = active * BATCH_BYTES;
  state.segments.push(last);
  return state;
}

function closed(base: number, records: number): Segment {
  return Segment.closed({
    baseOffset: base,
    sizeBytes: records * BATCH_BYTES,
    nextOffset: base + records,
    maxTimestamp: -1,
    offsetOfMaxTimestamp: -1,
    dense: true,
  });
}

function check(state: LogState): string | undefined {
  try {
    checkLogInvariants({ state } as LogContext);
    return undefined;
  } catch (error) {
    return (error as Error).message;
  }
}

/** The whole check: the same state seen for the first time (a fresh list, nothing remembered). */
function wholeCheck(state: LogState): string | undefined {
  const copy = new LogState(1_000, 1_000);
  copy.phase = state.phase;
  copy.segments = [...state.segments];
  copy.logStartOffset = state.logStartOffset;
  copy.highWatermark = state.highWatermark;
  copy.recoveryPoint = state.recoveryPoint;
  copy.epochs = state.epochs;
  return check(copy);
}

function epochsOf(state: LogState): EpochEntry[] {
  return state.epochs.entries() as EpochEntry[];
}

describe("log invariants, checked incrementally", () => {
  it.each<[string, (s: LogState) => void, RegExp]>([
    [
      "closed segment marked removed",
      (s) => {
        s.segments[1]!.removed = true;
      },
      /removed but listed/,
    ],
    [
      "closed segment grows into the next",
      (s) => {
        s.segments[0]!.nextOffset = 15;
      },
      /overlaps the next/,
    ],
    [
      "closed segment ends before it starts",
      (s) => {
        s.segments[1]!.nextOffset = 3;
      },
      /ends before it starts/,
    ],
    [
      "closed segment with negative size",
      (s) => {
        s.segments[2]!.sizeBytes = -1;
      },
      /negative size/,
    ],
    [
      "closed segment given indexes",
      (s) => {
        s.segments[1]!.indexes = emptyIndexes(10);
      },
      /holds indexes/,
    ],
    [
      "active segment's size and offsets disagree",
      (s) => {
        s.segments[3]!.sizeBytes = 0;
      },
      /size and offsets disagree/,
    ],
    ["roll onto an overlapping segment", (s) => rollTo(s, 33), /overlaps the next/],
    [
      "roll keeping the old active's indexes",
      (s) => {
        s.segments.push(Segment.empty(35));
      },
      /holds indexes/,
    ],
    ["roll onto an earlier base", (s) => rollTo(s, 20), /out of order/],
    [
      "retention leaves a removed segment",
      (s) => {
        s.segments.splice(0, 1);
      },
      /log start offset below/,
    ],
    [
      "epoch not increasing",
      (s) => {
        epochsOf(s).push({ epoch: 1, startOffset: 32 });
      },
      /leader epochs not increasing/,
    ],
    [
      "epoch start not increasing",
      (s) => {
        epochsOf(s).push({ epoch: 5, startOffset: 10 });
      },
      /start offsets not increasing/,
    ],
    [
      "epoch past the log end",
      (s) => {
        epochsOf(s).push({ epoch: 5, startOffset: 99 });
      },
      /past the log end/,
    ],
  ])("%s is caught at the step it happens", (_name, plant, message) => {
    const state = logOf([10, 10, 10], 5);
    state.epochs.assign(2, 0);
    state.epochs.assign(3, 12);
    expect(check(state)).toBeUndefined();
    expect(check(state)).toBeUndefined();
    plant(state);
    expect(wholeCheck(state)).toMatch(message);
    expect(check(state)).toMatch(message);
  });

  it("a legal roll, retention and recovery pass", () => {
    const state = logOf([10, 10], 5);
    expect(check(state)).toBeUndefined();
    rollTo(state, 25);
    expect(check(state)).toBeUndefined();
    const first = state.segments.shift()!;
    first.removed = true;
    state.logStartOffset = 10;
    state.highWatermark = 10;
    expect(check(state)).toBeUndefined();
    state.segments = [closed(10, 10), closed(20, 5), Segment.empty(25)];
    expect(check(state)).toBeUndefined();
  });
});

type Op =
  | { type: "append"; records: number }
  | { type: "roll" }
  | { type: "retention" }
  | { type: "recover" }
  | { type: "truncate"; keep: number }
  | { type: "epoch"; epoch: number; start: number }
  | {
      type: "stray";
      at: number;
      field: "removed" | "nextOffset" | "sizeBytes" | "indexes";
      by: number;
    };

const opArb: fc.Arbitrary<Op> = fc.oneof(
  {
    weight: 4,
    arbitrary: fc.record({
      type: fc.constant("append" as const),
      records: fc.integer({ min: 1, max: 5 }),
    }),
  },
  { weight: 2, arbitrary: fc.constant({ type: "roll" as const }) },
  fc.constant({ type: "retention" as const }),
  fc.constant({ type: "recover" as const }),
  fc.record({ type: fc.constant("truncate" as const), keep: fc.nat(6) }),
  fc.record({
    type: fc.constant("epoch" as const),
    epoch: fc.integer({ min: 0, max: 30 }),
    start: fc.integer({ min: 0, max: 80 }),
  }),
  fc.record({
    type: fc.constant("stray" as const),
    at: fc.nat(),
    field: fc.constantFrom("removed", "nextOffset", "sizeBytes", "indexes"),
    by: fc.integer({ min: -12, max: 12 }),
  }),
);

function apply(state: LogState, op: Op): void {
  const segments = state.segments;
  const active = segments.at(-1)!;
  switch (op.type) {
    case "append":
      active.nextOffset += op.records;
      active.sizeBytes += op.records * BATCH_BYTES;
      return;
    case "roll":
      if (active.sizeBytes > 0) rollTo(state, active.nextOffset);
      return;
    case "retention": {
      if (segments.length < 2) return;
      segments.shift()!.removed = true;
      state.logStartOffset = segments[0]!.baseOffset;
      state.highWatermark = Math.max(state.highWatermark, state.logStartOffset);
      return;
    }
    case "recover": {
      const copies = segments.map((s) => closed(s.baseOffset, s.nextOffset - s.baseOffset));
      const last = copies.pop()!;
      const reopened = Segment.empty(last.baseOffset);
      reopened.nextOffset = last.nextOffset;
      reopened.sizeBytes = last.sizeBytes;
      state.segments = [...copies, reopened];
      return;
    }
    case "truncate": {
      // Back to segment `keep` (as a truncation does: later ones go, that one becomes active).
      const keep = Math.min(op.keep, segments.length - 1);
      if (segments[keep]!.baseOffset < state.logStartOffset || keep === segments.length - 1) return;
      for (const gone of segments.splice(keep + 1)) gone.removed = true;
      segments[keep]!.indexes = emptyIndexes(segments[keep]!.baseOffset);
      return;
    }
    case "epoch":
      epochsOf(state).push({ epoch: op.epoch, startOffset: op.start });
      return;
    case "stray": {
      const segment = segments[op.at % segments.length]!;
      if (op.field === "removed") segment.removed = op.by > 0;
      else if (op.field === "nextOffset") segment.nextOffset += op.by;
      else if (op.field === "sizeBytes") segment.sizeBytes += op.by * BATCH_BYTES;
      else segment.indexes = op.by > 0 ? emptyIndexes(segment.baseOffset) : null;
      return;
    }
  }
}

function rollTo(state: LogState, base: number): void {
  state.segments.at(-1)!.indexes = null;
  state.segments.push(Segment.empty(base));
}

describe("the incremental check agrees with the whole check", () => {
  test.prop([fc.array(opArb, { minLength: 1, maxLength: 60 })], { numRuns: 300 })(
    "after every operation, legal or stray, until the first violation",
    (ops) => {
      const state = logOf([4, 6], 3);
      expect(check(state)).toBeUndefined();
      for (const op of ops) {
        apply(state, op);
        const whole = wholeCheck(state);
        expect(check(state)).toBe(whole);
        if (whole !== undefined) return;
      }
    },
  );
});
