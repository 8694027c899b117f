// The leader epoch cache (KIP-101): assign and truncate as Kafka does, OffsetsForLeaderEpoch
// answers as a table, and the leader-epoch-checkpoint file format.

import { describe, expect, it } from "vitest";
import { crc32c } from "../../../core/log/crc32c.ts";
import {
  decodeLeaderEpochCheckpoint,
  encodeLeaderEpochCheckpoint,
  LeaderEpochCache,
  UNDEFINED_EPOCH,
} from "../../../core/log/leader-epoch-cache.ts";

function cache() {
  return new LeaderEpochCache([
    { epoch: 1, startOffset: 0 },
    { epoch: 3, startOffset: 10 },
    { epoch: 4, startOffset: 25 },
  ]);
}

describe("LeaderEpochCache", () => {
  it("assigns only newer epochs; an epoch without batches gives way", () => {
    const c = cache();
    expect(c.assign(4, 30)).toBe(false);
    expect(c.assign(2, 30)).toBe(false);
    expect(c.assign(6, 30)).toBe(true);
    expect(c.latestEpoch()).toBe(6);
    const moved = new LeaderEpochCache([{ epoch: 1, startOffset: 7 }]);
    expect(moved.assign(2, 7)).toBe(true);
    expect(moved.entries()).toEqual([{ epoch: 2, startOffset: 7 }]);
  });

  it.each([
    [25, [1, 3]],
    [11, [1, 3]],
    [10, [1]],
    [0, []],
  ])("truncateFromEnd(%i) keeps epochs %j", (end, epochs) => {
    const c = cache();
    c.truncateFromEnd(end);
    expect(c.entries().map((e) => e.epoch)).toEqual(epochs);
  });

  it.each([
    [0, [{ epoch: 1, startOffset: 0 }], false],
    [5, [{ epoch: 1, startOffset: 5 }], true],
    [10, [{ epoch: 3, startOffset: 10 }], true],
    [30, [{ epoch: 4, startOffset: 30 }], true],
  ])("truncateFromStart(%i)", (start, first, changed) => {
    const c = cache();
    expect(c.truncateFromStart(start)).toBe(changed);
    expect(c.entries()[0]).toEqual(first[0]);
  });

  it.each([
    [UNDEFINED_EPOCH, { epoch: -1, endOffset: -1 }],
    [0, { epoch: 0, endOffset: 0 }],
    [1, { epoch: 1, endOffset: 10 }],
    [2, { epoch: 1, endOffset: 10 }],
    [3, { epoch: 3, endOffset: 25 }],
    [4, { epoch: 4, endOffset: 40 }],
    [5, { epoch: -1, endOffset: -1 }],
  ])("endOffsetFor(%i) with log end 40", (requested, expected) => {
    expect(cache().endOffsetFor(requested, 40)).toEqual(expected);
  });

  it.each([
    [0, 1],
    [9, 1],
    [10, 3],
    [100, 4],
  ])("epochAt(%i) = %i", (offset, epoch) => {
    expect(cache().epochAt(offset)).toBe(epoch);
  });

  it("refuses entries out of order", () => {
    expect(
      () =>
        new LeaderEpochCache([
          { epoch: 2, startOffset: 0 },
          { epoch: 1, startOffset: 5 },
        ]),
    ).toThrow();
  });
});

describe("leader-epoch-checkpoint", () => {
  it("is Kafka's text plus a CRC line", () => {
    const bytes = encodeLeaderEpochCheckpoint(cache().entries(), crc32c);
    expect(new TextDecoder().decode(bytes)).toMatch(
      /^0\n3\n1 0\n3 10\n4 25\ncrc32c [0-9a-f]{8}\n$/,
    );
    expect(decodeLeaderEpochCheckpoint(bytes, crc32c)).toEqual({
      ok: true,
      value: cache().entries(),
    });
    expect(decodeLeaderEpochCheckpoint(encodeLeaderEpochCheckpoint([], crc32c), crc32c)).toEqual({
      ok: true,
      value: [],
    });
  });

  it("refuses damage", () => {
    const bytes = encodeLeaderEpochCheckpoint(cache().entries(), crc32c);
    expect(decodeLeaderEpochCheckpoint(bytes.subarray(0, 10), crc32c).ok).toBe(false);
    expect(
      decodeLeaderEpochCheckpoint(
        bytes.map((b, i) => (i === 4 ? b ^ 1 : b)),
        crc32c,
      ).ok,
    ).toBe(false);
  });
});
