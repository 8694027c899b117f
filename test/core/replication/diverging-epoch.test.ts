// The leader-epoch truncation rule as tables: where the leader says an epoch ended (with its own
// epoch not yet written), when a follower diverges, and how far the follower cuts (KIP-101/279/595).

import { describe, expect, it } from "vitest";
import { LeaderEpochCache } from "../../../core/log/leader-epoch-cache.ts";
import {
  checkFetchPosition,
  type EpochLookup,
  followerTruncationTarget,
  leaderEpochEndOffset,
} from "../../../core/replication/diverging-epoch.ts";

/** A log described by its epoch entries ([epoch, startOffset]...), log start and log end. */
function lookup(
  entries: [number, number][],
  logEndOffset: number,
  logStartOffset = 0,
): EpochLookup {
  const cache = new LeaderEpochCache(
    entries.map(([epoch, startOffset]) => ({ epoch, startOffset })),
  );
  return {
    logStartOffset,
    logEndOffset,
    latestEpoch: () => cache.latestEpoch(),
    endOffsetForEpoch: (epoch) => cache.endOffsetFor(epoch, logEndOffset),
  };
}

describe("leaderEpochEndOffset", () => {
  // Leader log: epoch 1 at 0, epoch 3 at 10, LEO 20; it leads in epoch 5 since offset 20.
  const log = lookup(
    [
      [1, 0],
      [3, 10],
    ],
    20,
  );
  const current = { leaderEpoch: 5, startOffset: 20 };
  it.each([
    { requested: -1, expected: { epoch: -1, endOffset: -1 }, why: "no epoch asked" },
    { requested: 0, expected: { epoch: 0, endOffset: 0 }, why: "older than all: first start" },
    { requested: 1, expected: { epoch: 1, endOffset: 10 }, why: "ends where 3 starts" },
    { requested: 2, expected: { epoch: 1, endOffset: 10 }, why: "largest epoch <= 2 is 1" },
    { requested: 3, expected: { epoch: 3, endOffset: 20 }, why: "the latest written epoch" },
    { requested: 4, expected: { epoch: 3, endOffset: 20 }, why: "unwritten: ends at epoch 5" },
    { requested: 5, expected: { epoch: 5, endOffset: 20 }, why: "the current epoch: the LEO" },
    { requested: 6, expected: { epoch: -1, endOffset: -1 }, why: "from the future" },
  ])("epoch $requested -> $expected ($why)", ({ requested, expected }) => {
    expect(leaderEpochEndOffset(log, current, requested)).toEqual(expected);
  });

  it("counts an empty cache as the current epoch starting at its start offset", () => {
    const empty = lookup([], 7, 7);
    const at = { leaderEpoch: 2, startOffset: 7 };
    expect(leaderEpochEndOffset(empty, at, 1)).toEqual({ epoch: 1, endOffset: 7 });
    expect(leaderEpochEndOffset(empty, at, 2)).toEqual({ epoch: 2, endOffset: 7 });
  });

  it("uses the cache once the current epoch is written", () => {
    const written = lookup(
      [
        [1, 0],
        [5, 20],
      ],
      25,
    );
    expect(leaderEpochEndOffset(written, current, 4)).toEqual({ epoch: 1, endOffset: 20 });
    expect(leaderEpochEndOffset(written, current, 5)).toEqual({ epoch: 5, endOffset: 25 });
  });
});

describe("checkFetchPosition", () => {
  const log = lookup(
    [
      [1, 0],
      [3, 10],
    ],
    20,
    2,
  );
  const current = { leaderEpoch: 3, startOffset: 10 };
  it.each([
    { fetchOffset: 20, lastFetchedEpoch: 3, expected: { type: "valid" }, why: "caught up" },
    { fetchOffset: 12, lastFetchedEpoch: 3, expected: { type: "valid" }, why: "inside epoch 3" },
    {
      fetchOffset: 10,
      lastFetchedEpoch: 1,
      expected: { type: "valid" },
      why: "epoch 1 ends at 10",
    },
    {
      fetchOffset: 12,
      lastFetchedEpoch: 1,
      expected: { type: "diverging", divergingEpoch: { epoch: 1, endOffset: 10 } },
      why: "epoch 1 ended before 12 here",
    },
    {
      fetchOffset: 12,
      lastFetchedEpoch: 2,
      expected: { type: "diverging", divergingEpoch: { epoch: 1, endOffset: 10 } },
      why: "epoch 2 never happened here",
    },
    {
      fetchOffset: 21,
      lastFetchedEpoch: 3,
      expected: { type: "diverging", divergingEpoch: { epoch: 3, endOffset: 20 } },
      why: "longer than the leader in its own epoch",
    },
    { fetchOffset: 1, lastFetchedEpoch: 1, expected: { type: "out-of-range" }, why: "below start" },
    { fetchOffset: 21, lastFetchedEpoch: -1, expected: { type: "out-of-range" }, why: "past LEO" },
    { fetchOffset: 5, lastFetchedEpoch: -1, expected: { type: "valid" }, why: "no epoch to check" },
    {
      fetchOffset: 5,
      lastFetchedEpoch: 4,
      expected: { type: "out-of-range" },
      why: "unknown epoch",
    },
  ])("fetch $fetchOffset after epoch $lastFetchedEpoch: $why", ({
    fetchOffset,
    lastFetchedEpoch,
    expected,
  }) => {
    expect(checkFetchPosition(log, current, fetchOffset, lastFetchedEpoch)).toEqual(expected);
  });
});

describe("followerTruncationTarget", () => {
  it.each([
    {
      why: "same epoch known to both: the lower end wins",
      follower: [[1, 0]] as [number, number][],
      logEnd: 14,
      diverging: { epoch: 1, endOffset: 10 },
      expected: { offset: 10, final: true },
    },
    {
      why: "KIP-279: the follower's own epoch ends lower than the leader's answer",
      follower: [
        [1, 0],
        [2, 5],
      ] as [number, number][],
      logEnd: 8,
      diverging: { epoch: 1, endOffset: 10 },
      expected: { offset: 5, final: true },
    },
    {
      why: "the follower lacks the leader's epoch: cut to its own end of an older one, ask again",
      follower: [
        [0, 0],
        [2, 5],
      ] as [number, number][],
      logEnd: 8,
      diverging: { epoch: 1, endOffset: 9 },
      expected: { offset: 5, final: false },
    },
    {
      why: "all the follower's epochs are newer: cut everything from its first epoch",
      follower: [[5, 3]] as [number, number][],
      logEnd: 10,
      diverging: { epoch: 3, endOffset: 4 },
      expected: { offset: 3, final: true },
    },
    {
      why: "an empty epoch cache: the leader's end offset bounds it",
      follower: [] as [number, number][],
      logEnd: 10,
      diverging: { epoch: 3, endOffset: 4 },
      expected: { offset: 4, final: true },
    },
    {
      why: "never past the log end",
      follower: [[1, 0]] as [number, number][],
      logEnd: 6,
      diverging: { epoch: 1, endOffset: 10 },
      expected: { offset: 6, final: true },
    },
  ])("$why", ({ follower, logEnd, diverging, expected }) => {
    expect(followerTruncationTarget(lookup(follower, logEnd), diverging)).toEqual(expected);
  });
});
