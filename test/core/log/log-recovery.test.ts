// Recovery: it reads only what lies after the recovery point (checked on the disk's own byte
// counts), rebuilds missing, torn or stale indexes, cuts torn tails, removes leftovers of
// interrupted work, and rebuilds what a lost checkpoint held.

import { describe, expect, it } from "vitest";
import { crc32c } from "../../../core/log/crc32c.ts";
import { encodeLeaderEpochCheckpoint } from "../../../core/log/leader-epoch-cache.ts";
import { encodeBatch } from "../../../core/log/record-batch.ts";
import type { TraceEvent } from "../../../core/trace.ts";
import { LogHarness, text } from "./log-harness.ts";

function recovered(h: LogHarness): Extract<TraceEvent, { type: "log-recovered" }> {
  const event = h.traces().find((e) => e.type === "log-recovered");
  if (event === undefined || event.type !== "log-recovered")
    throw new Error("no log-recovered event");
  return event;
}

/** 5 closed segments of about 1900 bytes, synced and checkpointed, then `tail` unsynced batches. */
function bigLog(tail: number) {
  const h = LogHarness.open({ config: { segmentBytes: 2000, indexIntervalBytes: 256 } });
  for (let i = 0; i < 90; i++)
    h.append({
      baseTimestamp: i,
      records: [{ key: null, value: text(`value-${"x".repeat(30)}-${i}`) }],
    });
  h.sync();
  h.log.checkpoint(h.now);
  h.run();
  const checkpointed = h.log.logEndOffset;
  for (let i = 0; i < tail; i++) h.append({ records: [{ key: null, value: text(`tail-${i}`) }] });
  h.run();
  return { h, checkpointed };
}

function logBytesRead(h: LogHarness): Record<string, number> {
  return Object.fromEntries(
    Object.entries(h.disk.stats().bytesReadByPath).filter(([path]) => path.endsWith(".log")),
  );
}

describe("recovery reads only after the recovery point", () => {
  it("scans the segment holding the recovery point, and nothing below it", () => {
    const { h, checkpointed } = bigLog(5);
    const segments = h.log.view().segments;
    const active = segments.at(-1)!;
    expect(segments.length).toBeGreaterThan(4);
    h.disk.resetStats();
    const after = h.restart();
    const event = recovered(after);
    expect(event.recoveryPoint).toBe(checkpointed);
    const read = logBytesRead(h);
    const holding = segments.findLast((s) => s.baseOffset <= checkpointed)!;
    const expected = segments.filter((s) => s.baseOffset >= holding.baseOffset);
    expect(Object.keys(read).sort()).toEqual(
      expected.map((s) => `t-0/${String(s.baseOffset).padStart(20, "0")}.log`),
    );
    expect(event.scannedBytes).toBe(expected.reduce((sum, s) => sum + s.sizeBytes, 0));
    expect(h.disk.stats().bytesRead).toBeLessThan(active.sizeBytes + 2 * 2000 + 4096);
    expect(after.log.logEndOffset).toBe(95);
  });

  it("without a checkpoint, scans everything", () => {
    const { h } = bigLog(5);
    h.disk.execute({ type: "delete", path: "t-0/partition-checkpoint" });
    const total = h.log.view().sizeBytes;
    const after = h.restart();
    expect(recovered(after).scannedBytes).toBe(total);
    expect(after.log.logEndOffset).toBe(95);
    expect(after.marks()).not.toContain("log-recovery-checkpoint-unusable");
  });

  it("a corrupt checkpoint is ignored and reported", () => {
    const { h } = bigLog(0);
    h.disk.corrupt("t-0/partition-checkpoint", 5);
    const after = h.restart();
    expect(after.marks()).toContain("log-recovery-checkpoint-unusable");
    expect(recovered(after).scannedBytes).toBe(h.log.view().sizeBytes);
  });
});

describe("index rebuild", () => {
  it.each([
    ["missing", (h: LogHarness, path: string) => h.disk.execute({ type: "delete", path })],
    ["corrupt", (h: LogHarness, path: string) => h.disk.corrupt(path, 60)],
    ["torn", (h: LogHarness, path: string) => h.disk.execute({ type: "truncate", path, size: 30 })],
  ])("rebuilds a %s index of a trusted segment and keeps serving", (_name, damage) => {
    const { h } = bigLog(0);
    const second = h.log.view().segments[1]!.baseOffset;
    damage(h, `t-0/${String(second).padStart(20, "0")}.index`);
    const after = h.restart({ tailCacheBytes: 0 });
    expect(recovered(after).rebuiltIndexes).toBe(1);
    expect(after.readAll().length).toBe(90);
    const again = after.restart({ tailCacheBytes: 0 });
    expect(again.readAll().length).toBe(90);
  });

  it("rebuilds the index of a segment that changed size (stale)", () => {
    const { h } = bigLog(0);
    const [first, second] = h.log.view().segments;
    const path = `t-0/${String(first!.baseOffset).padStart(20, "0")}.log`;
    const batchBytes = 82;
    h.disk.execute({ type: "truncate", path, size: first!.sizeBytes - batchBytes });
    const after = h.restart({ tailCacheBytes: 0 });
    const offsets = after.readAll().map((r) => r.offset);
    expect(offsets).not.toContain(second!.baseOffset - 1);
    expect(offsets).toContain(second!.baseOffset);
    expect(after.disk.files().filter((f) => f.endsWith(".index")).length).toBe(
      after.log.view().segments.length - 1,
    );
  });
});

describe("torn tails and leftovers", () => {
  it("cuts a torn batch at the end and accepts appends after it", () => {
    const { h } = bigLog(0);
    const active = h.log.view().segments.at(-1)!;
    const path = `t-0/${String(active.baseOffset).padStart(20, "0")}.log`;
    const torn = encodeBatch({
      baseOffset: 90,
      records: [{ key: null, value: text("torn") }],
    }).subarray(0, 40);
    h.disk.execute({ type: "append", path, bytes: torn });
    const after = h.restart();
    expect(recovered(after)).toMatchObject({ truncatedBytes: 40, logEndOffset: 90 });
    expect(after.marks()).toContain("log-recovery-truncated-tail");
    expect(after.disk.cachedBytes(path)!.length).toBe(active.sizeBytes);
    after.appendValues(1);
    expect(after.readAll().at(-1)?.offset).toBe(90);
  });

  it("removes .cleaned and .tmp files left by interrupted work", () => {
    const { h } = bigLog(0);
    h.disk.execute({
      type: "append",
      path: "t-0/00000000000000000000.log.cleaned",
      bytes: new Uint8Array(10),
    });
    h.disk.execute({
      type: "append",
      path: "t-0/partition-checkpoint.tmp",
      bytes: new Uint8Array(10),
    });
    h.disk.execute({
      type: "append",
      path: "t-0/00000000000000099999.index",
      bytes: new Uint8Array(10),
    });
    const after = h.restart();
    after.run();
    const files = after.disk.files();
    expect(files.filter((f) => f.endsWith(".cleaned") || f.endsWith(".tmp"))).toEqual([]);
    expect(files).not.toContain("t-0/00000000000000099999.index");
    expect(after.readAll().length).toBe(90);
  });
});

describe("leader epochs and the log start offset", () => {
  it("rebuilds the leader epoch cache from the batches when its checkpoint is lost", () => {
    const h = LogHarness.open({ config: { segmentBytes: 300 } });
    h.appendValues(4, { epoch: 1 });
    h.appendValues(4, { epoch: 3 });
    h.appendValues(4, { epoch: 4 });
    h.sync();
    h.log.checkpoint(h.now);
    h.run();
    const epochs = h.log.view().leaderEpochs;
    h.disk.corrupt("t-0/leader-epoch-checkpoint", 1);
    const after = h.restart();
    expect(after.log.view().leaderEpochs).toEqual(epochs);
    expect(after.marks()).toContain("log-recovery-checkpoint-unusable");
  });

  it("does not doubt batches below the first epoch its checkpoint file still knows", () => {
    const h = LogHarness.open();
    h.appendValues(10, { epoch: 2 });
    h.sync();
    // As if the epoch file had forgotten epochs below offset 7 while the log start stayed at 0.
    const moved = encodeLeaderEpochCheckpoint([{ epoch: 2, startOffset: 7 }], crc32c);
    h.disk.execute({
      type: "write",
      path: "t-0/leader-epoch-checkpoint",
      position: 0,
      bytes: moved,
    });
    h.disk.execute({ type: "truncate", path: "t-0/leader-epoch-checkpoint", size: moved.length });
    h.disk.execute({ type: "delete", path: "t-0/partition-checkpoint" });
    const after = h.restart();
    expect(after.log.logEndOffset).toBe(10);
    expect(after.readAll()).toHaveLength(10);
  });

  it("refuses a tail batch whose leader epoch disagrees with the epoch checkpoint", () => {
    const h = LogHarness.open();
    h.appendValues(5, { epoch: 1 });
    h.sync();
    h.disk.execute({ type: "delete", path: "t-0/partition-checkpoint" });
    const path = "t-0/00000000000000000000.log";
    const size = h.disk.cachedBytes(path)!.length;
    h.disk.corrupt(path, size - 70 + 15, 0x04); // partitionLeaderEpoch of the last batch, outside the CRC
    const after = h.restart();
    expect(after.log.logEndOffset).toBe(4);
    expect(after.marks()).toContain("log-recovery-truncated-tail");
  });

  it("starts empty at the log start offset when a crash lost the data up to it", () => {
    const h = LogHarness.open();
    h.appendValues(5);
    h.log.setHighWatermark(5);
    h.log.advanceLogStartOffset(5);
    h.run();
    h.disk.crash();
    const after = h.restart();
    expect(after.log.view()).toMatchObject({
      logStartOffset: 5,
      logEndOffset: 5,
      highWatermark: 5,
    });
    expect(after.marks()).toContain("log-recovery-log-start-ahead-of-end");
    after.appendValues(1);
    expect(after.readAll().map((r) => r.offset)).toEqual([5]);
  });
});
