// Scenarios for the partition log: append and read (whole batches, bounds, maxBytes), rolling,
// durability, restart, timestamps, truncation, the log start offset and leader epochs.

import { describe, expect, it } from "vitest";
import { ErrorCode } from "../../../core/error-codes.ts";
import type { LogReadResult } from "../../../core/log/log-read.ts";
import { validateForAppend } from "../../../core/log/log-validate.ts";
import { encodeBatch, lastOffset, scanBatches } from "../../../core/log/record-batch.ts";
import { LogHarness, recordsOf, str, text } from "./log-harness.ts";

function batchOf(values: string[], timestamp = 1000) {
  return { baseTimestamp: timestamp, records: values.map((v) => ({ key: null, value: text(v) })) };
}

describe("append and read", () => {
  it("assigns offsets, returns them at once and reads them back", () => {
    const h = LogHarness.open();
    expect(h.append(batchOf(["a", "b"]))).toEqual({
      firstOffset: 0,
      lastOffset: 1,
      recordCount: 2,
    });
    expect(h.append(batchOf(["c"]))).toEqual({ firstOffset: 2, lastOffset: 2, recordCount: 1 });
    expect(h.log.logEndOffset).toBe(3);
    expect(h.readAll().map((r) => [r.offset, str(r.value)])).toEqual([
      [0, "a"],
      [1, "b"],
      [2, "c"],
    ]);
  });

  it("returns the whole batch holding the offset, never more than the bound", () => {
    const h = LogHarness.open({ tailCacheBytes: 0 });
    h.append(batchOf(["a", "b", "c"]));
    h.append(batchOf(["d"]));
    h.append(batchOf(["e", "f"]));
    const mid = h.read(1);
    expect(mid.type === "records" && recordsOf(mid.bytes).map((r) => r.offset)).toEqual([
      0, 1, 2, 3, 4, 5,
    ]);
    const bounded = h.read(1, 1 << 20, 4);
    expect(bounded.type === "records" && recordsOf(bounded.bytes).map((r) => r.offset)).toEqual([
      0, 1, 2, 3,
    ]);
    const insideBound = h.read(4, 1 << 20, 5);
    expect(insideBound).toMatchObject({ type: "records", batchCount: 0 });
    const one = h.read(0, 1);
    expect(one).toMatchObject({ type: "records", batchCount: 1, lastOffset: 2 });
    expect(h.read(6)).toMatchObject({ type: "records", batchCount: 0 });
    expect(h.read(7)).toMatchObject({ type: "error", error: ErrorCode.OFFSET_OUT_OF_RANGE });
  });

  it("serves the same bytes from the tail cache and from disk", () => {
    const cached = LogHarness.open();
    const uncached = LogHarness.open({ tailCacheBytes: 0 });
    for (const h of [cached, uncached]) {
      for (let i = 0; i < 20; i++) h.append(batchOf([`v${i}`, `w${i}`]));
    }
    cached.disk.resetStats();
    uncached.disk.resetStats();
    for (const offset of [0, 7, 21, 39]) {
      expect(cached.read(offset, 200)).toEqual(uncached.read(offset, 200));
    }
    expect(cached.disk.stats().ops.read).toBe(0);
    expect(uncached.disk.stats().ops.read).toBeGreaterThan(0);
  });

  it("rolls segments at segment.bytes and reads across them", () => {
    const h = LogHarness.open({ config: { segmentBytes: 300 }, tailCacheBytes: 0 });
    for (let i = 0; i < 30; i++) h.append(batchOf([`value-${i}`]));
    const view = h.log.view();
    expect(view.segments.length).toBeGreaterThan(5);
    expect(
      view.segments.every((s, i) => i === view.segments.length - 1 || s.sizeBytes <= 300),
    ).toBe(true);
    expect(h.readAll().map((r) => str(r.value))).toEqual(
      Array.from({ length: 30 }, (_, i) => `value-${i}`),
    );
    expect(h.traces().some((e) => e.type === "log-segment-rolled")).toBe(true);
    expect(h.disk.files().filter((f) => f.endsWith(".index")).length).toBe(
      view.segments.length - 1,
    );
  });

  it("rolls at segment.ms after the first append", () => {
    const h = LogHarness.open({ config: { segmentMs: 1000 } });
    h.append(batchOf(["a"]));
    h.now += 999;
    h.append(batchOf(["b"]));
    expect(h.log.view().segments.length).toBe(1);
    h.now += 1;
    h.append(batchOf(["c"]));
    expect(h.log.view().segments.map((s) => s.baseOffset)).toEqual([0, 2]);
  });
});

describe("durability and restart", () => {
  it("syncs a segment when it rolls, so later segments never outlive it", () => {
    const h = LogHarness.open({ config: { segmentBytes: 200 } });
    h.appendValues(2);
    h.run();
    expect(h.log.durableEndOffset).toBe(0);
    h.appendValues(3);
    h.run();
    const rolled = h.log.view().segments.at(-1)!.baseOffset;
    expect(h.log.durableEndOffset).toBe(rolled);
    h.disk.crash();
    expect(h.restart().log.logEndOffset).toBeGreaterThanOrEqual(rolled);
  });

  it("advances the durable end offset only when a sync completes", () => {
    const h = LogHarness.open();
    h.append(batchOf(["a", "b"]));
    h.run();
    expect(h.log.durableEndOffset).toBe(0);
    h.log.sync();
    expect(h.log.durableEndOffset).toBe(0);
    h.run();
    expect(h.log.durableEndOffset).toBe(2);
    expect(h.durableEvents).toEqual([2]);
  });

  it("recovers synced batches after a crash and loses unsynced ones", () => {
    const h = LogHarness.open({ config: { segmentBytes: 2000 } });
    for (let i = 0; i < 10; i++) h.append(batchOf([`v${i}`]));
    h.sync();
    for (let i = 10; i < 15; i++) h.append(batchOf([`v${i}`]));
    h.run();
    h.disk.crash();
    const after = h.restart();
    expect(after.log.logEndOffset).toBe(10);
    expect(after.readAll().map((r) => str(r.value))).toEqual(
      Array.from({ length: 10 }, (_, i) => `v${i}`),
    );
    after.append(batchOf(["next"]));
    expect(after.readAll().at(-1)?.offset).toBe(10);
  });

  it("syncs on flush.messages", () => {
    const h = LogHarness.open({ config: { flushMessages: 3 } });
    h.append(batchOf(["a", "b"]));
    h.run();
    expect(h.log.durableEndOffset).toBe(0);
    h.append(batchOf(["c"]));
    h.run();
    expect(h.log.durableEndOffset).toBe(3);
  });

  it("syncs on flush.ms through maintain", () => {
    const h = LogHarness.open({ config: { flushMs: 100 } });
    h.append(batchOf(["a"]));
    expect(h.log.maintain(h.now + 99).synced).toBe(false);
    expect(h.log.maintain(h.now + 100).synced).toBe(true);
    h.run();
    expect(h.log.durableEndOffset).toBe(1);
  });

  it("persists the high watermark and log start offset in the checkpoint", () => {
    const h = LogHarness.open();
    h.appendValues(10);
    h.sync();
    h.log.setHighWatermark(8);
    h.log.advanceLogStartOffset(3);
    h.log.checkpoint(h.now);
    h.run();
    const after = h.restart();
    expect(after.log.view()).toMatchObject({
      logStartOffset: 3,
      highWatermark: 8,
      logEndOffset: 10,
    });
  });
});

describe("timestamps", () => {
  it("finds the first record with a timestamp at or after the target", () => {
    const h = LogHarness.open({
      config: { segmentBytes: 400, indexIntervalBytes: 100 },
      tailCacheBytes: 0,
    });
    for (let i = 0; i < 40; i++) {
      h.append({
        baseTimestamp: 1000 + i * 10,
        records: [
          { key: null, value: text("x"), timestamp: 1000 + i * 10 },
          { key: null, value: text("y"), timestamp: 1005 + i * 10 },
        ],
      });
    }
    expect(h.offsetForTimestamp(0)).toEqual({ type: "found", offset: 0, timestamp: 1000 });
    expect(h.offsetForTimestamp(1005)).toEqual({ type: "found", offset: 1, timestamp: 1005 });
    expect(h.offsetForTimestamp(1006)).toEqual({ type: "found", offset: 2, timestamp: 1010 });
    expect(h.offsetForTimestamp(1391)).toEqual({ type: "found", offset: 79, timestamp: 1395 });
    expect(h.offsetForTimestamp(1396)).toEqual({ type: "none" });
    expect(h.offsetForTimestamp(1391, 79)).toEqual({ type: "none" });
  });
});

describe("truncation", () => {
  it("drops batches at and past the offset across segments", () => {
    const h = LogHarness.open({ config: { segmentBytes: 250 }, tailCacheBytes: 0 });
    h.appendValues(30);
    h.log.setHighWatermark(30);
    expect(h.truncateTo(12)).toBe(12);
    expect(h.log.view()).toMatchObject({ logEndOffset: 12, highWatermark: 12 });
    expect(h.readAll().map((r) => r.offset)).toEqual(Array.from({ length: 12 }, (_, i) => i));
    h.appendValues(3);
    expect(
      h
        .readAll()
        .map((r) => str(r.value))
        .slice(10),
    ).toEqual(["v10", "v11", "v12", "v13", "v14"]);
    expect(h.traces().some((e) => e.type === "log-truncated")).toBe(true);
  });

  it("holds its invariants at every disk step of a cut into a closed segment whose indexes are on disk", () => {
    // The cut makes a closed segment active again; its indexes load from disk in a later step, and
    // the log is checked between steps (the simulator does so after every one).
    const h = LogHarness.open({
      config: { segmentBytes: 250 },
      tailCacheBytes: 0,
      indexCacheEntries: 0,
    });
    h.appendValues(30);
    h.log.setHighWatermark(30);
    let logEnd: number | undefined;
    h.log.truncateTo(12, (end) => {
      logEnd = end;
    });
    h.check();
    let steps = 0;
    while (h.driver.step()) {
      steps++;
      h.check();
    }
    expect(steps).toBeGreaterThan(0);
    expect(logEnd).toBe(12);
    expect(h.readAll().map((r) => r.offset)).toEqual(Array.from({ length: 12 }, (_, i) => i));
  });

  it("removes the whole batch holding a mid-batch offset", () => {
    const h = LogHarness.open();
    h.append(batchOf(["a", "b"]));
    h.append(batchOf(["c", "d", "e"]));
    expect(h.truncateTo(3)).toBe(2);
    expect(h.marks()).not.toContain("log-truncation-stopped-at-corruption");
  });

  it("truncates fully and restarts at an offset", () => {
    const h = LogHarness.open({ config: { segmentBytes: 200 } });
    h.appendValues(10, { epoch: 2 });
    h.log.truncateFullyAndStartAt(100);
    h.run();
    expect(h.log.view()).toMatchObject({
      logStartOffset: 100,
      logEndOffset: 100,
      leaderEpochs: [],
    });
    h.appendValues(2, { epoch: 3 });
    h.run();
    const after = h.restart();
    expect(after.log.view()).toMatchObject({ logStartOffset: 100, logEndOffset: 102 });
    expect(after.readAll().map((r) => r.offset)).toEqual([100, 101]);
  });
});

describe("log start offset", () => {
  it("deletes whole segments below it and refuses reads below it", () => {
    const h = LogHarness.open({ config: { segmentBytes: 200 } });
    h.appendValues(20);
    h.log.setHighWatermark(20);
    const before = h.log.view().segments.length;
    h.log.advanceLogStartOffset(9);
    h.run();
    const view = h.log.view();
    expect(view.logStartOffset).toBe(9);
    expect(view.segments.length).toBeLessThan(before);
    expect(view.segments[0]!.baseOffset).toBeLessThanOrEqual(9);
    expect(h.read(8)).toMatchObject({ error: ErrorCode.OFFSET_OUT_OF_RANGE });
    expect(h.readAll()[0]?.offset).toBe(9);
    expect(() => h.log.advanceLogStartOffset(21)).toThrow(/high watermark/);
  });
});

describe("leader epochs", () => {
  it("records where each epoch starts and answers OffsetsForLeaderEpoch", () => {
    const h = LogHarness.open();
    h.appendValues(3, { epoch: 0 });
    h.appendValues(2, { epoch: 2 });
    h.appendValues(4, { epoch: 5 });
    expect(h.log.view().leaderEpochs).toEqual([
      { epoch: 0, startOffset: 0 },
      { epoch: 2, startOffset: 3 },
      { epoch: 5, startOffset: 5 },
    ]);
    expect(h.log.endOffsetForEpoch(1)).toEqual({ epoch: 0, endOffset: 3 });
    expect(h.log.endOffsetForEpoch(2)).toEqual({ epoch: 2, endOffset: 5 });
    expect(h.log.endOffsetForEpoch(5)).toEqual({ epoch: 5, endOffset: 9 });
    const read = h.read(3, 1);
    expect(
      read.type === "records" && scanBatches(read.bytes).batches[0]?.header.partitionLeaderEpoch,
    ).toBe(2);
    expect(h.truncateTo(4)).toBe(4);
    expect(h.log.view().leaderEpochs.at(-1)).toEqual({ epoch: 2, startOffset: 3 });
    const after = h.restart();
    expect(after.log.view().leaderEpochs).toEqual([
      { epoch: 0, startOffset: 0 },
      { epoch: 2, startOffset: 3 },
    ]);
  });

  it("a follower keeps the leader's offsets and epochs, gaps included", () => {
    const leader = LogHarness.open();
    const follower = LogHarness.open();
    leader.appendValues(3, { epoch: 1 });
    const fetched = leader.read(0);
    if (fetched.type !== "records") throw new Error("read failed");
    follower.appendFollower(fetched.bytes);
    const gap = encodeBatch({
      baseOffset: 10,
      partitionLeaderEpoch: 4,
      records: [{ key: null, value: text("x") }],
    });
    follower.appendFollower(gap);
    expect(follower.log.view()).toMatchObject({
      logEndOffset: 11,
      leaderEpochs: [
        { epoch: 1, startOffset: 0 },
        { epoch: 4, startOffset: 10 },
      ],
    });
    expect(follower.readAll().map((r) => r.offset)).toEqual([0, 1, 2, 10]);
    expect(follower.read(5)).toMatchObject({ type: "records", lastOffset: 10 });
  });
});

describe("validateForAppend", () => {
  it.each([
    [
      "a keyless record on a compacted topic",
      "compact",
      [{ key: null, value: text("v") }],
      ErrorCode.INVALID_RECORD,
    ],
    ["an empty batch", "delete", [], ErrorCode.INVALID_RECORD],
  ] as const)("rejects %s", (_name, cleanupPolicy, records, error) => {
    const result = validateForAppend(encodeBatch({ records: [...records] }), {
      cleanupPolicy,
      maxMessageBytes: 1 << 20,
    });
    expect(result).toMatchObject({ ok: false, error: { error } });
  });

  it("rejects corrupt bytes, oversized batches and producer control batches", () => {
    const batch = encodeBatch({ records: [{ key: text("k"), value: text("v") }] });
    const config = { cleanupPolicy: "delete", maxMessageBytes: 1 << 20 } as const;
    const flipped = batch.slice();
    flipped[flipped.length - 1]! ^= 1;
    expect(validateForAppend(flipped, config)).toMatchObject({
      error: { error: ErrorCode.CORRUPT_MESSAGE },
    });
    expect(validateForAppend(batch.subarray(0, 30), config)).toMatchObject({
      error: { error: ErrorCode.CORRUPT_MESSAGE },
    });
    expect(validateForAppend(batch, { ...config, maxMessageBytes: 20 })).toMatchObject({
      error: { error: ErrorCode.MESSAGE_TOO_LARGE },
    });
    const control = encodeBatch({
      isControl: true,
      records: [{ key: text("k"), value: text("v") }],
    });
    expect(validateForAppend(control, config)).toMatchObject({
      error: { error: ErrorCode.INVALID_RECORD },
    });
    expect(validateForAppend(control, config, { allowControlBatches: true }).ok).toBe(true);
    const ok = validateForAppend(batch, { ...config, cleanupPolicy: "compact" });
    expect(ok.ok && ok.value.batches.map((b) => lastOffset(b.header))).toEqual([0]);
  });
});

describe("close", () => {
  it("stops every continuation from issuing disk work, and answers what is still asked", () => {
    const h = LogHarness.open({
      config: { segmentBytes: 300, cleanupPolicy: "compact", minCleanableDirtyRatio: 0 },
      tailCacheBytes: 0,
    });
    h.appendValues(40, { keys: 4 });
    h.sync();
    h.log.setHighWatermark(h.log.logEndOffset);
    expect(h.log.maintain(h.now).compactionStarted).toBe(true);
    h.driver.run(3);
    let inFlight: LogReadResult | undefined;
    h.log.read({ offset: 0, maxBytes: 100, upperBound: 40 }, (r) => {
      inFlight = r;
    });
    const pendingAtClose = h.driver.pending;
    h.log.close();
    expect(h.driver.run()).toBeLessThanOrEqual(pendingAtClose);
    expect(h.driver.pending).toBe(0);
    expect(inFlight).toBeDefined();
    expect(h.log.view().phase).toBe("closed");
    const late = h.read(0);
    expect(late).toMatchObject({ type: "error", error: ErrorCode.KAFKA_STORAGE_ERROR });
    const batch = validateForAppend(
      encodeBatch({ records: [{ key: text("k"), value: null }] }),
      h.log.config,
    );
    if (!batch.ok) throw new Error("invalid batch");
    expect(h.log.appendAsLeader(h.now, batch.value, 0)).toMatchObject({ ok: false });
    expect(h.driver.pending).toBe(0);
  });
});
