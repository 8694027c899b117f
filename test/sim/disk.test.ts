// The simulated disk: the contract of core/disk.ts (page cache, durability, metadata operations),
// crash outcomes (lost, torn, vanished) against a byte-level model, and each injected fault.

import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { DiskOp, DiskResult } from "../../core/disk.ts";
import { defaultSimDiskConfig, noDiskFaults, SimDisk, type SimDiskFaults } from "../../sim/disk.ts";
import { testRng } from "../support/test-rng.ts";

const bytes = (...values: number[]) => Uint8Array.from(values);
const text = (s: string) => new TextEncoder().encode(s);

function disk(faults: Partial<SimDiskFaults> = {}, capacityBytes = Number.POSITIVE_INFINITY) {
  return new SimDisk(testRng("disk-test"), {
    capacityBytes,
    faults: { ...noDiskFaults, ...faults },
  });
}

function ok(result: DiskResult): void {
  expect(result).toEqual({ ok: true, type: "done" });
}

function read(d: SimDisk, path: string, position = 0, length = 1 << 20): Uint8Array {
  const result = d.execute({ type: "read", path, position, length });
  if (!result.ok || result.type !== "read")
    throw new Error(`read failed: ${JSON.stringify(result)}`);
  return result.bytes;
}

describe("SimDisk contract", () => {
  it("appends, writes at a position, and reads back (fewer bytes at end of file)", () => {
    const d = disk();
    ok(d.execute({ type: "append", path: "t-0/a.log", bytes: text("hello") }));
    ok(d.execute({ type: "append", path: "t-0/a.log", bytes: text(" world") }));
    ok(d.execute({ type: "write", path: "t-0/a.log", position: 0, bytes: text("J") }));
    expect(read(d, "t-0/a.log")).toEqual(text("Jello world"));
    expect(read(d, "t-0/a.log", 6, 100)).toEqual(text("world"));
    expect(read(d, "t-0/a.log", 20, 5)).toEqual(new Uint8Array(0));
  });

  it("zero-fills a write past the end", () => {
    const d = disk();
    ok(d.execute({ type: "write", path: "f", position: 3, bytes: bytes(9) }));
    expect(read(d, "f")).toEqual(bytes(0, 0, 0, 9));
  });

  it("lists files with sizes and sub-folders, sorted; a missing folder is empty", () => {
    const d = disk();
    ok(d.execute({ type: "append", path: "t-0/b", bytes: bytes(1, 2) }));
    ok(d.execute({ type: "append", path: "t-0/a", bytes: bytes(1) }));
    ok(d.execute({ type: "append", path: "t-0/sub/c", bytes: bytes(1) }));
    expect(d.execute({ type: "list", dir: "t-0" })).toEqual({
      ok: true,
      type: "list",
      entries: [
        { name: "a", kind: "file", size: 1 },
        { name: "b", kind: "file", size: 2 },
        { name: "sub", kind: "dir", size: 0 },
      ],
    });
    expect(d.execute({ type: "list", dir: "nope" })).toEqual({
      ok: true,
      type: "list",
      entries: [],
    });
    expect(d.execute({ type: "list", dir: "" })).toMatchObject({
      entries: [{ name: "t-0", kind: "dir" }],
    });
  });

  it("answers ENOENT for missing files", () => {
    const d = disk();
    const missing: DiskOp[] = [
      { type: "read", path: "x", position: 0, length: 1 },
      { type: "sync", path: "x" },
      { type: "truncate", path: "x", size: 0 },
      { type: "delete", path: "x" },
      { type: "rename", from: "x", to: "y" },
    ];
    for (const op of missing) expect(d.execute(op)).toMatchObject({ ok: false, code: "ENOENT" });
  });

  it("rejects bad paths and growing truncates as bugs", () => {
    const d = disk();
    expect(() => d.execute({ type: "append", path: "/abs", bytes: bytes(1) })).toThrow();
    expect(() => d.execute({ type: "append", path: "a/../b", bytes: bytes(1) })).toThrow();
    ok(d.execute({ type: "append", path: "f", bytes: bytes(1) }));
    expect(() => d.execute({ type: "truncate", path: "f", size: 2 })).toThrow(/shrink/);
  });

  it("keeps synced bytes and loses unsynced ones at a crash", () => {
    const d = disk();
    ok(d.execute({ type: "append", path: "f", bytes: text("abc") }));
    ok(d.execute({ type: "sync", path: "f" }));
    ok(d.execute({ type: "append", path: "f", bytes: text("def") }));
    expect(d.hasUnsynced("f")).toBe(true);
    const report = d.crash();
    expect(report).toEqual({ vanished: [], torn: [], lostBytes: 3 });
    expect(read(d, "f")).toEqual(text("abc"));
    expect(d.hasUnsynced("f")).toBe(false);
  });

  it("makes truncate, delete and rename durable on completion", () => {
    const d = disk();
    for (const path of ["a", "b", "c"]) {
      ok(d.execute({ type: "append", path, bytes: text(path.repeat(4)) }));
      ok(d.execute({ type: "sync", path }));
    }
    ok(d.execute({ type: "truncate", path: "a", size: 1 }));
    ok(d.execute({ type: "delete", path: "b" }));
    ok(d.execute({ type: "rename", from: "c", to: "a" }));
    d.crash();
    expect(d.files()).toEqual(["a"]);
    expect(read(d, "a")).toEqual(text("cccc"));
  });

  it("write temp, sync, rename: the classic atomic replace survives a crash", () => {
    const d = disk({ tornWriteProbability: 1 });
    ok(d.execute({ type: "append", path: "cp.tmp", bytes: text("v2") }));
    ok(d.execute({ type: "sync", path: "cp.tmp" }));
    ok(d.execute({ type: "rename", from: "cp.tmp", to: "cp" }));
    d.crash();
    expect(read(d, "cp")).toEqual(text("v2"));
  });

  it("a renamed file that was never synced is durable only as an empty file", () => {
    const d = disk();
    ok(d.execute({ type: "append", path: "cp.tmp", bytes: text("v2") }));
    ok(d.execute({ type: "rename", from: "cp.tmp", to: "cp" }));
    d.crash();
    expect(d.files()).toEqual(["cp"]);
    expect(read(d, "cp")).toEqual(new Uint8Array(0));
  });

  it("a truncate clips pending writes, so a crash keeps no byte past it", () => {
    const d = disk({ tornWriteProbability: 1 });
    ok(d.execute({ type: "append", path: "f", bytes: text("ab") }));
    ok(d.execute({ type: "sync", path: "f" }));
    ok(d.execute({ type: "append", path: "f", bytes: text("cdef") }));
    ok(d.execute({ type: "truncate", path: "f", size: 4 }));
    ok(d.execute({ type: "sync", path: "f" }));
    expect(d.durableBytes("f")).toEqual(text("abcd"));
  });
});

/** What the page cache holds and what is durable, as two plain arrays. */
interface FileModel {
  durable: number[];
  writes: { position: number; bytes: number[] }[];
}

function apply(base: number[], writes: FileModel["writes"]): number[] {
  const out = [...base];
  for (const w of writes) {
    while (out.length < w.position) out.push(0);
    w.bytes.forEach((b, i) => {
      out[w.position + i] = b;
    });
  }
  return out;
}

describe("SimDisk crashes against a model", () => {
  const opArb = fc.oneof(
    fc.record({
      type: fc.constant("append" as const),
      bytes: fc.uint8Array({ minLength: 1, maxLength: 6 }),
    }),
    fc.record({
      type: fc.constant("write" as const),
      position: fc.nat(12),
      bytes: fc.uint8Array({ minLength: 1, maxLength: 4 }),
    }),
    fc.record({ type: fc.constant("sync" as const) }),
    fc.record({
      type: fc.constant("truncate" as const),
      fraction: fc.double({ min: 0, max: 1, noNaN: true }),
    }),
  );

  it("a crash leaves the durable bytes plus a prefix of the writes since the last sync", () => {
    fc.assert(
      fc.property(fc.array(opArb, { maxLength: 20 }), fc.string(), (ops, seed) => {
        const d = new SimDisk(testRng(seed), {
          faults: { ...noDiskFaults, tornWriteProbability: 0.7 },
        });
        const model: FileModel = { durable: [], writes: [] };
        let cached: number[] = [];
        for (const op of ops) {
          if (op.type === "sync") {
            if (cached.length === 0 && !d.exists("f")) continue;
            ok(d.execute({ type: "sync", path: "f" }));
            model.durable = apply(model.durable, model.writes);
            model.writes = [];
          } else if (op.type === "truncate") {
            if (!d.exists("f")) continue;
            const size = Math.floor(op.fraction * cached.length);
            ok(d.execute({ type: "truncate", path: "f", size }));
            model.durable = model.durable.slice(0, size);
            model.writes = model.writes
              .filter((w) => w.position < size)
              .map((w) => ({ position: w.position, bytes: w.bytes.slice(0, size - w.position) }));
          } else {
            const position = op.type === "append" ? cached.length : op.position;
            ok(d.execute({ type: "write", path: "f", position, bytes: op.bytes }));
            // A write past the end counts as one starting at the end with zeros (no holes).
            const gap = Math.max(0, position - cached.length);
            const start = position - gap;
            model.writes.push({ position: start, bytes: [...new Array(gap).fill(0), ...op.bytes] });
          }
          cached = apply(model.durable, model.writes);
          expect([...(d.cachedBytes("f") ?? [])]).toEqual(cached);
        }
        if (!d.exists("f")) return;
        d.crash();
        const after = [...read(d, "f")];
        const candidates = [apply(model.durable, [])];
        model.writes.forEach((w, i) => {
          for (let cut = 0; cut <= w.bytes.length; cut++) {
            const torn = { position: w.position, bytes: w.bytes.slice(0, cut) };
            candidates.push(apply(model.durable, [...model.writes.slice(0, i), torn]));
          }
        });
        expect(candidates).toContainEqual(after);
      }),
      { numRuns: 300 },
    );
  });

  it("tears the last unsynced write at an arbitrary byte", () => {
    const seen = new Set<number>();
    for (let seed = 0; seed < 60; seed++) {
      const d = new SimDisk(testRng(seed), {
        faults: { ...noDiskFaults, tornWriteProbability: 1 },
      });
      ok(d.execute({ type: "append", path: "f", bytes: text("ab") }));
      ok(d.execute({ type: "sync", path: "f" }));
      ok(d.execute({ type: "append", path: "f", bytes: text("cdefgh") }));
      d.crash();
      const kept = read(d, "f");
      expect(text("abcdefgh").subarray(0, kept.length)).toEqual(kept);
      seen.add(kept.length);
    }
    expect(seen.size).toBeGreaterThan(4);
  });

  it("files never synced may vanish", () => {
    const d = disk({ unsyncedFileVanishProbability: 1 });
    ok(d.execute({ type: "append", path: "new", bytes: text("x") }));
    ok(d.execute({ type: "append", path: "old", bytes: text("y") }));
    ok(d.execute({ type: "sync", path: "old" }));
    expect(d.crash().vanished).toEqual(["new"]);
    expect(d.files()).toEqual(["old"]);
  });

  it("wipe removes everything", () => {
    const d = disk();
    ok(d.execute({ type: "append", path: "a/b", bytes: text("x") }));
    d.wipe();
    expect(d.files()).toEqual([]);
    expect(d.execute({ type: "list", dir: "" })).toEqual({ ok: true, type: "list", entries: [] });
  });
});

describe("SimDisk faults", () => {
  it("fails a write past the capacity with ENOSPC and no effect", () => {
    const d = disk({}, 8);
    ok(d.execute({ type: "append", path: "f", bytes: new Uint8Array(6) }));
    expect(d.execute({ type: "append", path: "f", bytes: new Uint8Array(3) })).toMatchObject({
      ok: false,
      code: "ENOSPC",
    });
    expect(read(d, "f").length).toBe(6);
    ok(d.execute({ type: "write", path: "f", position: 0, bytes: new Uint8Array(8) }));
  });

  it("a failed fsync leaves the bytes unsynced", () => {
    const d = disk({ syncFailureProbability: 1 });
    ok(d.execute({ type: "append", path: "f", bytes: text("abc") }));
    expect(d.execute({ type: "sync", path: "f" })).toMatchObject({ ok: false, code: "EIO" });
    expect(d.hasUnsynced("f")).toBe(true);
    d.crash();
    expect(read(d, "f")).toEqual(new Uint8Array(0));
  });

  it("random EIO fails an operation without effect", () => {
    const d = disk({ ioErrorProbability: 1 });
    expect(d.execute({ type: "append", path: "f", bytes: text("abc") })).toMatchObject({
      ok: false,
      code: "EIO",
    });
    expect(d.exists("f")).toBe(false);
    expect(d.stats().failures).toBe(1);
  });

  it("a transient read flip changes one bit of the copy, not the file", () => {
    const d = disk({ readBitFlipProbability: 1 });
    ok(d.execute({ type: "append", path: "f", bytes: new Uint8Array(16) }));
    const flipped = read(d, "f");
    expect(flipped.reduce((n, b) => n + popcount(b), 0)).toBe(1);
    expect(d.cachedBytes("f")).toEqual(new Uint8Array(16));
  });

  it("bit rot hits synced bytes only, and stays", () => {
    const d = disk({ bitRotProbability: 1 });
    ok(d.execute({ type: "append", path: "f", bytes: new Uint8Array(8) }));
    expect(read(d, "f")).toEqual(new Uint8Array(8));
    ok(d.execute({ type: "sync", path: "f" }));
    const rotten = read(d, "f");
    expect(rotten.reduce((n, b) => n + popcount(b), 0)).toBe(1);
    const durable = d.durableBytes("f") ?? new Uint8Array(0);
    expect(durable.reduce((n, b) => n + popcount(b), 0)).toBe(1);
  });

  it("after endFaults (the quiet phase) no fault or spike strikes, and crashes still tear", () => {
    const d = new SimDisk(testRng("quiet"), {
      latency: {
        ...defaultSimDiskConfig.latency,
        tailMeanMs: 0,
        spikeProbability: 1,
        spikeMs: 500,
      },
      faults: {
        ...noDiskFaults,
        syncFailureProbability: 1,
        ioErrorProbability: 1,
        readBitFlipProbability: 1,
        tornWriteProbability: 1,
      },
    });
    const sync = { type: "sync", path: "f" } as const;
    expect(d.latencyMs(sync)).toBeGreaterThanOrEqual(500);
    expect(d.execute({ type: "append", path: "f", bytes: text("abc") })).toMatchObject({
      code: "EIO",
    });
    d.endFaults();
    expect(d.latencyMs(sync)).toBe(defaultSimDiskConfig.latency.syncMs);
    ok(d.execute({ type: "append", path: "f", bytes: new Uint8Array(8) }));
    ok(d.execute(sync));
    expect(read(d, "f")).toEqual(new Uint8Array(8));
    expect(d.config.faults.tornWriteProbability).toBe(1);
  });

  it("a planted corruption persists across a crash", () => {
    const d = disk();
    ok(d.execute({ type: "append", path: "f", bytes: new Uint8Array(4) }));
    ok(d.execute({ type: "sync", path: "f" }));
    d.corrupt("f", 2, 0x80);
    d.crash();
    expect(read(d, "f")).toEqual(bytes(0, 0, 0x80, 0));
  });
});

describe("SimDisk latency and accounting", () => {
  it("draws the same latencies for the same seed, with spikes when configured", () => {
    const draw = (seed: string) => {
      const d = new SimDisk(testRng(seed), {
        latency: { ...defaultSimDiskConfig.latency, spikeProbability: 0.5, spikeMs: 100 },
      });
      return Array.from({ length: 50 }, () => d.latencyMs({ type: "sync", path: "f" }));
    };
    const a = draw("s");
    expect(draw("s")).toEqual(a);
    expect(a.every((ms) => ms >= defaultSimDiskConfig.latency.syncMs)).toBe(true);
    expect(a.some((ms) => ms >= 100)).toBe(true);
    expect(a.some((ms) => ms < 100)).toBe(true);
  });

  it("counts operations and bytes", () => {
    const d = disk();
    ok(d.execute({ type: "append", path: "f", bytes: new Uint8Array(10) }));
    read(d, "f", 2, 5);
    expect(d.stats()).toMatchObject({ bytesRead: 5, bytesWritten: 10 });
    expect(d.stats().ops).toMatchObject({ append: 1, read: 1 });
    d.resetStats();
    expect(d.stats().bytesRead).toBe(0);
  });
});

function popcount(byte: number): number {
  let n = 0;
  for (let b = byte; b > 0; b >>= 1) n += b & 1;
  return n;
}

describe("SimDisk episodes", () => {
  it("an EIO episode fails everything until it ends; ENOSPC only growing writes", () => {
    const d = disk();
    ok(d.execute({ type: "append", path: "f", bytes: new Uint8Array(4) }));
    d.setErrorEpisode("eio");
    expect(d.execute({ type: "sync", path: "f" })).toMatchObject({ ok: false, code: "EIO" });
    d.setErrorEpisode("enospc");
    expect(d.execute({ type: "append", path: "f", bytes: new Uint8Array(1) })).toMatchObject({
      code: "ENOSPC",
    });
    ok(d.execute({ type: "write", path: "f", position: 0, bytes: new Uint8Array(4) }));
    ok(d.execute({ type: "sync", path: "f" }));
    d.setErrorEpisode("none");
    ok(d.execute({ type: "append", path: "f", bytes: new Uint8Array(1) }));
  });

  it("a stall multiplies latencies", () => {
    const a = new SimDisk(testRng("stall"));
    const b = new SimDisk(testRng("stall"));
    b.setLatencyFactor(10);
    const op = { type: "read", path: "f", position: 0, length: 1 } as const;
    expect(b.latencyMs(op)).toBeCloseTo(a.latencyMs(op) * 10);
  });
});
