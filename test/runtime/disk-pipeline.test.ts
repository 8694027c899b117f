// The group-commit pipeline against a scripted disk whose fsyncs finish when the test says: answers
// in issue order, one fsync for every sync of a file issued before it started, writes run early
// only when nothing unfinished is ahead of them, barriers wait, close drops held work; and a
// property against a naive model (each op run and answered strictly in order, a sync per sync).

import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { DiskOp, DiskResult } from "../../core/disk.ts";
import {
  type DiskDone,
  DiskPipeline,
  type PipelineDisk,
  type SlowOp,
} from "../../runtime/disk-pipeline.ts";

const DONE: DiskResult = { ok: true, type: "done" };

/** Records what ran when; fsyncs wait in `pending` until finish() is called. */
class ScriptedDisk implements PipelineDisk {
  readonly ran: string[] = [];
  /** Where in `ran` each operation object ran. */
  readonly ranAt = new Map<DiskOp, number>();
  readonly pending: { path: string; done: DiskDone; startedAt: number; op?: DiskOp }[] = [];
  /** Where in `ran` each operation off the loop (other than a sync) had completed. */
  readonly finishedAt = new Map<DiskOp, number>();
  /** Where in `ran` the fsync now delivering its answers started. */
  finishingStartedAt = -1;
  /** Paths whose sync answers at once with this result (a missing file, a sticky failure). */
  readonly immediate = new Map<string, DiskResult>();

  runNow(op: DiskOp): DiskResult {
    this.ranAt.set(op, this.ran.length);
    this.ran.push(describe_(op));
    return DONE;
  }

  syncOffLoop(path: string, done: DiskDone): DiskResult | undefined {
    const now = this.immediate.get(path);
    if (now !== undefined) {
      this.ran.push(`sync ${path} (at once)`);
      return now;
    }
    this.pending.push({ path, done, startedAt: this.ran.length });
    this.ran.push(`fsync ${path}`);
    return undefined;
  }

  slowOffLoop(op: SlowOp, done: DiskDone): DiskResult | undefined {
    this.ranAt.set(op, this.ran.length);
    this.pending.push({ path: describe_(op), done, startedAt: this.ran.length, op });
    this.ran.push(`${describe_(op)} (off the loop)`);
    return undefined;
  }

  finish(result: DiskResult = DONE): void {
    const next = this.pending.shift();
    expect(next).toBeDefined();
    this.finishingStartedAt = next!.startedAt;
    if (next!.op !== undefined) this.finishedAt.set(next!.op, this.ran.length);
    next!.done(result);
  }
}

function describe_(op: DiskOp): string {
  return op.type === "rename"
    ? `rename ${op.from}`
    : `${op.type} ${"path" in op ? op.path : op.dir}`;
}

const write = (path: string): DiskOp => ({
  type: "write",
  path,
  position: 0,
  bytes: new Uint8Array(1),
});
const sync = (path: string): DiskOp => ({ type: "sync", path });

function harness() {
  const disk = new ScriptedDisk();
  const pipeline = new DiskPipeline(disk);
  const answered: string[] = [];
  const issue = (name: string, op: DiskOp) => {
    const now = pipeline.run(op, (r) => answered.push(`${name}${r.ok ? "" : ` ${r.code}`}`));
    if (now !== undefined) answered.push(`${name} now`);
  };
  return { disk, pipeline, answered, issue };
}

describe("DiskPipeline", () => {
  it("answers non-sync operations at once while nothing is pending", () => {
    const { disk, answered, issue, pipeline } = harness();
    issue("w1", write("a"));
    issue("r1", { type: "read", path: "a", position: 0, length: 1 });
    expect(answered).toEqual(["w1 now", "r1 now"]);
    expect(disk.ran).toEqual(["write a", "read a"]);
    expect(pipeline.idle).toBe(true);
  });

  it("groups every sync of a file issued while its fsync was pending into one more fsync", () => {
    const { disk, answered, issue, pipeline } = harness();
    issue("s1", sync("a"));
    issue("w2", write("a"));
    issue("s2", sync("a"));
    issue("w3", write("a"));
    issue("s3", sync("a"));
    // The writes ran at once (the page cache); their answers wait behind s1.
    expect(disk.ran).toEqual(["fsync a", "write a", "write a"]);
    expect(answered).toEqual([]);
    disk.finish();
    // w2 is answered as soon as s1 is; s2 and s3 share the second fsync, begun after both writes.
    expect(answered).toEqual(["s1", "w2"]);
    expect(disk.ran).toEqual(["fsync a", "write a", "write a", "fsync a"]);
    disk.finish();
    expect(answered).toEqual(["s1", "w2", "s2", "w3", "s3"]);
    expect(pipeline.stats).toEqual({ fsyncs: 2, syncsAnswered: 3 });
    expect(pipeline.idle).toBe(true);
  });

  it("never lets an fsync answer for a write issued after it started", () => {
    const { disk, answered, issue } = harness();
    issue("s1", sync("a"));
    issue("w2", write("a"));
    disk.finish();
    // w2 ran while the first fsync was in flight: it is answered, but no sync vouched for it.
    expect(answered).toEqual(["s1", "w2"]);
    issue("s2", sync("a"));
    expect(disk.ran.at(-1)).toBe("fsync a");
    expect(answered).toEqual(["s1", "w2"]);
    disk.finish();
    expect(answered.at(-1)).toBe("s2");
  });

  it("holds a barrier and everything behind it until the fsync completed", () => {
    const { disk, answered, issue } = harness();
    issue("s1", sync("a"));
    issue("t", { type: "truncate", path: "a", size: 0 });
    issue("w", write("a"));
    expect(disk.ran).toEqual(["fsync a"]);
    disk.finish();
    // The truncate goes off the loop in its turn; the write behind it still waits.
    expect(disk.ran).toEqual(["fsync a", "truncate a (off the loop)"]);
    expect(answered).toEqual(["s1"]);
    disk.finish();
    expect(disk.ran).toEqual(["fsync a", "truncate a (off the loop)", "write a"]);
    expect(answered).toEqual(["s1", "t", "w"]);
  });

  it("runs a rename, delete or truncate off the loop; nothing behind it runs early", () => {
    const { disk, answered, issue, pipeline } = harness();
    issue("r", { type: "rename", from: "a.tmp", to: "a" });
    issue("w", write("b"));
    issue("s", sync("b"));
    issue("d", { type: "delete", path: "c" });
    expect(disk.ran).toEqual(["rename a.tmp (off the loop)"]);
    expect(answered).toEqual([]);
    disk.finish();
    expect(disk.ran).toEqual(["rename a.tmp (off the loop)", "write b", "fsync b"]);
    expect(answered).toEqual(["r", "w"]);
    disk.finish();
    expect(disk.ran.at(-1)).toBe("delete c (off the loop)");
    disk.finish({ ok: false, code: "EIO", message: "bad folder" });
    expect(answered).toEqual(["r", "w", "s", "d EIO"]);
    expect(pipeline.idle).toBe(true);
  });

  it("syncs of another file get their own fsync, in order", () => {
    const { disk, answered, issue } = harness();
    issue("s1", sync("a"));
    issue("sb", sync("b"));
    issue("s2", sync("a"));
    disk.finish();
    expect(disk.ran).toEqual(["fsync a", "fsync b"]);
    disk.finish();
    expect(disk.ran).toEqual(["fsync a", "fsync b", "fsync a"]);
    disk.finish();
    expect(answered).toEqual(["s1", "sb", "s2"]);
  });

  it("passes an fsync failure to every sync it answered, and immediate answers in order", () => {
    const { disk, answered, issue } = harness();
    issue("s1", sync("a"));
    issue("s2", sync("a"));
    issue("s3", sync("a"));
    disk.immediate.set("gone", { ok: false, code: "ENOENT", message: "no file" });
    issue("sg", sync("gone"));
    issue("w", write("a"));
    disk.finish();
    disk.finish({ ok: false, code: "EIO", message: "bad sector" });
    expect(answered).toEqual(["s1", "s2 EIO", "s3 EIO", "sg ENOENT", "w"]);
  });

  it("work issued from an answer joins the queue behind what is already held", () => {
    const { disk, answered, pipeline } = harness();
    pipeline.run(sync("a"), () => {
      answered.push("s1");
      pipeline.run(write("a"), () => answered.push("w-from-answer"));
    });
    pipeline.run(write("b"), () => answered.push("wb"));
    disk.finish();
    expect(answered).toEqual(["s1", "wb", "w-from-answer"]);
    expect(pipeline.idle).toBe(true);
  });

  it("close() drops held work and the pending fsync's answers", () => {
    const { disk, answered, issue, pipeline } = harness();
    issue("s1", sync("a"));
    issue("w", write("a"));
    pipeline.close();
    disk.finish();
    expect(answered).toEqual([]);
  });

  it("answers in issue order, and every sync only after an fsync that began after its writes (property)", () => {
    const opArb = fc.oneof(
      fc.constantFrom("a", "b").map(write),
      fc.constantFrom("a", "b").map(sync),
      fc.constant<DiskOp>({ type: "delete", path: "a" }),
      fc.constant<DiskOp>({ type: "rename", from: "b", to: "a" }),
    );
    fc.assert(
      fc.property(fc.array(fc.tuple(opArb, fc.boolean()), { maxLength: 40 }), (script) => {
        const { disk, pipeline } = harness();
        const ops = script.map(([op]) => ({ ...op }));
        const answered: number[] = [];
        const violations: string[] = [];
        const onSync = (i: number, path: string) => {
          // Every write of this file issued before sync i ran before its fsync started.
          for (let j = 0; j < i; j++) {
            const w = ops[j]!;
            if (w.type !== "write" || w.path !== path) continue;
            const at = disk.ranAt.get(w);
            if (at === undefined || at >= disk.finishingStartedAt) violations.push(`${j}<${i}`);
          }
        };
        ops.forEach((op, i) => {
          const now = pipeline.run(op, () => {
            if (op.type === "sync") onSync(i, op.path);
            answered.push(i);
          });
          if (now !== undefined) answered.push(i);
          if (script[i]![1] && disk.pending.length > 0) disk.finish();
        });
        while (disk.pending.length > 0) disk.finish();
        expect(violations).toEqual([]);
        expect(answered).toEqual(ops.map((_, i) => i));
        expect(pipeline.idle).toBe(true);
        const syncs = ops.filter((op) => op.type === "sync").length;
        expect(pipeline.stats.syncsAnswered).toBe(syncs);
        expect(pipeline.stats.fsyncs).toBeLessThanOrEqual(syncs);
        expect(disk.ranAt.size).toBe(ops.length - syncs);
        // Nothing ran while a rename or delete issued before it was still off the loop.
        ops.forEach((op, i) => {
          if (op.type !== "delete" && op.type !== "rename") return;
          for (let j = i + 1; j < ops.length; j++) {
            const later = disk.ranAt.get(ops[j]!);
            if (later !== undefined && later < disk.finishedAt.get(op)!)
              violations.push(`${j}>${i}`);
          }
        });
        expect(violations).toEqual([]);
      }),
      { numRuns: 300 },
    );
  });
});
