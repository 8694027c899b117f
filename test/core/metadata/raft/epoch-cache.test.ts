// The epoch cache against a deliberately naive model: an array holding every entry's epoch.

import { fc, test as fcTest } from "@fast-check/vitest";
import { describe, expect, it } from "vitest";
import { EpochCache } from "../../../../core/metadata/raft/epoch-cache.ts";

/** The naive model: the epoch of every offset from logStart - 1 on. */
class NaiveLog {
  epochs: number[] = [];
  logStart = 0;
  baseEpoch = 0;

  get end(): number {
    return this.logStart + this.epochs.length;
  }

  lastEpoch(): number {
    return this.epochs.at(-1) ?? this.baseEpoch;
  }

  endOffsetForEpoch(epoch: number): { epoch: number; offset: number } | undefined {
    for (let i = this.epochs.length - 1; i >= 0; i--) {
      if (this.epochs[i]! <= epoch) {
        const e = this.epochs[i]!;
        let end = i + 1;
        while (end < this.epochs.length && this.epochs[end] === e) end++;
        return { epoch: e, offset: this.logStart + end };
      }
    }
    if (epoch < this.baseEpoch) return undefined;
    return { epoch: this.baseEpoch, offset: this.logStart };
  }
}

type Op =
  | { type: "append"; bump: number; count: number }
  | { type: "truncate"; back: number }
  | { type: "snapshot"; forward: number };

const op: fc.Arbitrary<Op> = fc.oneof(
  fc.record({
    type: fc.constant("append" as const),
    bump: fc.integer({ min: 0, max: 2 }),
    count: fc.integer({ min: 1, max: 4 }),
  }),
  fc.record({ type: fc.constant("truncate" as const), back: fc.integer({ min: 0, max: 5 }) }),
  fc.record({ type: fc.constant("snapshot" as const), forward: fc.integer({ min: 0, max: 5 }) }),
);

describe("epoch cache", () => {
  fcTest.prop([fc.array(op, { maxLength: 40 }), fc.integer({ min: 0, max: 12 })], { numRuns: 300 })(
    "agrees with the naive log",
    (ops, probe) => {
      const cache = new EpochCache();
      const naive = new NaiveLog();
      for (const o of ops) {
        if (o.type === "append") {
          const epoch = naive.lastEpoch() + o.bump;
          for (let i = 0; i < o.count; i++) {
            cache.append(epoch, naive.end);
            naive.epochs.push(epoch);
          }
        } else if (o.type === "truncate") {
          const to = Math.max(naive.logStart, naive.end - o.back);
          cache.truncateFromEnd(to);
          naive.epochs.length = to - naive.logStart;
        } else {
          const to = Math.min(naive.end, naive.logStart + o.forward);
          if (to === naive.logStart) continue;
          const epoch = naive.epochs[to - naive.logStart - 1]!;
          cache.truncateFromStart(to, epoch, naive.end);
          naive.epochs = naive.epochs.slice(to - naive.logStart);
          naive.logStart = to;
          naive.baseEpoch = epoch;
        }
        expect(cache.lastEpoch()).toBe(naive.lastEpoch());
      }
      for (let e = 0; e <= probe; e++) {
        expect(cache.endOffsetForEpoch(e, naive.end)).toEqual(naive.endOffsetForEpoch(e));
      }
      for (let o = naive.logStart; o < naive.end; o++) {
        expect(cache.epochAt(o)).toBe(naive.epochs[o - naive.logStart]);
      }
    },
  );

  it("answers below-snapshot epochs with undefined", () => {
    const cache = new EpochCache();
    cache.reset(10, 4);
    cache.append(6, 10);
    expect(cache.endOffsetForEpoch(3, 12)).toBeUndefined();
    expect(cache.endOffsetForEpoch(4, 12)).toEqual({ epoch: 4, offset: 10 });
    expect(cache.endOffsetForEpoch(7, 12)).toEqual({ epoch: 6, offset: 12 });
    expect(cache.epochAt(9)).toBe(4);
  });
});
