// The world's disk under a stall: operations queued while the disk is slow speed up again the
// moment the stall ends (they used to keep their stalled latency, holding the disk for minutes
// after a short stall), completions stay in issue order, and older agenda events go stale.

import { describe, expect, it } from "vitest";
import type { DiskOp } from "../../../core/disk.ts";
import { diskOpId } from "../../../core/ids.ts";
import { SimDisk } from "../../../sim/disk.ts";
import { DiskQueue } from "../../../sim/world-disk.ts";
import { testRng } from "../../support/test-rng.ts";

const fixed = {
  readMs: 10,
  writeMs: 10,
  syncMs: 10,
  metadataMs: 10,
  tailMeanMs: 0,
  spikeProbability: 0,
  spikeMs: 0,
};

const write = (i: number): DiskOp => ({
  type: "write",
  path: "f",
  position: i,
  bytes: new Uint8Array([i]),
});

describe("a stalled disk queue", () => {
  it("finishes the rest of its queue at full speed once the stall ends", () => {
    const q = new DiskQueue(new SimDisk(testRng("stall"), { latency: fixed }));
    q.setStall(100, 0);
    const ops = [0, 1, 2].map((i) => write(i));
    const first = ops.map((op, i) => q.submit(0, diskOpId(i), op));
    expect(first).toEqual([1_000, 2_000, 3_000]);
    const generation = q.generation;
    // 500 ms into the first operation's 1000 ms the stall ends: half of it is done.
    const retimed = q.setStall(1, 500);
    expect(q.generation).toBe(generation + 1);
    expect(retimed.map((c) => c.doneAt)).toEqual([505, 515, 525]);
    expect(retimed.map((c) => c.op)).toEqual(ops);
    for (const op of ops) expect(q.complete(op).ok).toBe(true);
    expect(q.pending).toBe(0);
  });

  it("slows the queue when a stall begins, and re-times nothing when nothing is queued", () => {
    const q = new DiskQueue(new SimDisk(testRng("stall"), { latency: fixed }));
    expect(q.setStall(10, 0)).toEqual([]);
    q.setStall(1, 0);
    q.submit(0, diskOpId(1), write(1));
    expect(q.setStall(10, 5).map((c) => c.doneAt)).toEqual([55]);
  });

  it("refuses completions out of issue order", () => {
    const q = new DiskQueue(new SimDisk(testRng("stall"), { latency: fixed }));
    q.submit(0, diskOpId(1), write(1));
    q.submit(0, diskOpId(2), write(2));
    expect(() => q.complete(write(2))).toThrow(/issue order/);
  });
});

describe("a disk queue's pending shrinks", () => {
  it("tells whether a truncate, delete or rename under a folder is still queued", () => {
    const q = new DiskQueue(new SimDisk(testRng("shrink"), { latency: fixed }));
    const append: DiskOp = { type: "append", path: "t-0/0.log", bytes: new Uint8Array([1]) };
    q.submit(0, diskOpId(0), append);
    expect(q.shrinkPendingUnder("t-0")).toBe(false);
    const truncate: DiskOp = { type: "truncate", path: "t-0/0.log", size: 0 };
    q.submit(0, diskOpId(1), truncate);
    expect(q.shrinkPendingUnder("t-0")).toBe(true);
    expect(q.shrinkPendingUnder("t-1")).toBe(false);
    expect(q.shrinkPendingUnder("t")).toBe(false);
    q.complete(append);
    expect(q.shrinkPendingUnder("t-0")).toBe(true);
    q.complete(truncate);
    expect(q.shrinkPendingUnder("t-0")).toBe(false);
    q.submit(0, diskOpId(2), { type: "rename", from: "x/a", to: "t-0/b" });
    expect(q.shrinkPendingUnder("t-0")).toBe(true);
  });
});
