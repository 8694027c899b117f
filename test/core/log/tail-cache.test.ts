// The tail cache: a bounded suffix of the log; reads it covers are answered exactly like disk reads.

import { describe, expect, it } from "vitest";
import { TailCache } from "../../../core/log/tail-cache.ts";

const batch = (baseOffset: number, count: number, size: number) => ({
  baseOffset,
  lastOffset: baseOffset + count - 1,
  bytes: new Uint8Array(size),
});

describe("TailCache", () => {
  it("evicts the oldest batches past its capacity and stops covering them", () => {
    const cache = new TailCache(250, 0);
    cache.add(batch(0, 2, 100));
    cache.add(batch(2, 3, 100));
    expect(cache.covers(0)).toBe(true);
    cache.add(batch(5, 1, 100));
    expect(cache.bytes).toBe(200);
    expect(cache.covers(1)).toBe(false);
    expect(cache.covers(2)).toBe(true);
  });

  it.each([
    [2, 1000, 100, [2, 5]],
    [3, 1000, 100, [2, 5]],
    [2, 150, 100, [2]],
    [2, 0, 100, [2]],
    [2, 1000, 5, [2]],
    [2, 1000, 4, []],
    [6, 1000, 100, []],
  ])("read(%i, maxBytes %i, bound %i) returns batches %j", (offset, maxBytes, bound, bases) => {
    const cache = new TailCache(1000, 2);
    cache.add(batch(2, 3, 100));
    cache.add(batch(5, 1, 100));
    expect(cache.read(offset, maxBytes, bound).map((b) => b.baseOffset)).toEqual(bases);
  });

  it("truncation drops batches at or past the offset, whole", () => {
    const cache = new TailCache(1000, 0);
    cache.add(batch(0, 2, 100));
    cache.add(batch(2, 3, 100));
    cache.truncateTo(3, 2);
    expect(cache.read(0, 1000, 100).map((b) => b.baseOffset)).toEqual([0]);
    cache.truncateTo(0, 0);
    expect(cache.batchCount).toBe(0);
    expect(cache.covers(0)).toBe(true);
  });
});

describe("TailCache memory", () => {
  it("keeps no evicted record bytes alive before it compacts its array", () => {
    // 1 KiB capacity, 600-byte batches: each append evicts the one before, and 50 appends stay
    // far below the compaction threshold, so evicted slots remain in the array meanwhile.
    const cache = new TailCache(1024, 0);
    for (let i = 0; i < 50; i++) cache.add(batch(i, 1, 600));
    expect(cache.batchCount).toBe(1);
    expect(cache.retainedBytes).toBe(600);
  });
});
