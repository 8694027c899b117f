// The per-operation faults both runs' disks inject: which draws each operation makes, by name and
// in order (a change here would change every recorded seed's trace), what an injected fault
// returns, and that a quiet disk draws nothing at all.

import { describe, expect, it } from "vitest";
import type { DiskOp } from "../../core/disk.ts";
import { nodeId } from "../../core/ids.ts";
import { ClusterDisk } from "../../sim/cluster-disk.ts";
import { defaultSimDiskConfig, noDiskFaults } from "../../sim/disk-config.ts";
import { DrawLog, rootRng } from "../../sim/prng.ts";
import { ContractDisk } from "../../sim/runs/contract-disk.ts";
import type { DiskParams } from "../../sim/swarm.ts";

const text = (s: string) => new TextEncoder().encode(s);

function params(faults: Partial<DiskParams["faults"]> = {}): DiskParams {
  const { latency } = defaultSimDiskConfig;
  return { node: nodeId(1), capacityBytes: null, latency, faults: { ...noDiskFaults, ...faults } };
}

const ops: readonly DiskOp[] = [
  { type: "append", path: "t-0/00000000000000000000.log", bytes: text("abc") },
  { type: "sync", path: "t-0/00000000000000000000.log" },
  { type: "read", path: "t-0/00000000000000000000.log", position: 0, length: 3 },
];

/** The injected-fault draws (the disk's own component only) each operation makes. */
function drawsPerOp(make: (log: DrawLog) => { execute(op: DiskOp): unknown }, component: string) {
  const log = DrawLog.record();
  const disk = make(log);
  return ops.map((op) => {
    const before = log.count;
    disk.execute(op);
    const names: string[] = [];
    for (let i = before; i < log.count; i++) {
      const draw = log.at(i);
      if (draw?.component === component) names.push(draw.name);
    }
    return `${op.type}: ${names.join(" ")}`;
  });
}

describe("injected disk faults", () => {
  it("the cluster run draws an I/O error for a sync that escaped its fsync failure", () => {
    const draws = drawsPerOp((log) => new ClusterDisk(rootRng(1n, log), params()), "cluster");
    expect(draws).toEqual([
      "append: io-error",
      "sync: sync-failure io-error",
      "read: io-error read-corruption",
    ]);
  });

  it("the contract run does not, and draws bit rot before each read", () => {
    const draws = drawsPerOp(
      (log) => new ContractDisk(rootRng(1n, log), params(), () => {}),
      "contract",
    );
    expect(draws).toEqual([
      "append: io-error",
      "sync: sync-failure",
      "read: io-error bit-rot read-corruption",
    ]);
  });

  it("fails an operation as EIO, and a quiet disk injects and draws nothing", () => {
    const log = DrawLog.record();
    const disk = new ClusterDisk(rootRng(2n, log), params({ ioErrorProbability: 1 }));
    expect(disk.execute(ops[0]!)).toMatchObject({ ok: false, code: "EIO" });
    disk.endFaults();
    const before = log.count;
    expect(disk.execute(ops[0]!)).toEqual({ ok: true, type: "done" });
    const injected = Array.from({ length: log.count - before }, (_, i) => log.at(before + i));
    expect(injected.filter((d) => d?.component === "cluster")).toEqual([]);
  });

  it("flips one bit of a read when read corruption strikes", () => {
    const disk = new ContractDisk(rootRng(3n, DrawLog.record()), params(), () => {});
    disk.execute(ops[0]!);
    const corrupt = new ClusterDisk(rootRng(3n), params({ readBitFlipProbability: 1 }));
    corrupt.execute(ops[0]!);
    const clean = disk.execute(ops[2]!);
    const flipped = corrupt.execute(ops[2]!);
    if (!clean.ok || clean.type !== "read" || !flipped.ok || flipped.type !== "read") {
      throw new Error("reads failed");
    }
    const diff = clean.bytes.reduce((n, b, i) => n + popcount(b ^ (flipped.bytes[i] ?? 0)), 0);
    expect(diff).toBe(1);
  });
});

function popcount(x: number): number {
  let n = 0;
  for (let v = x; v !== 0; v &= v - 1) n++;
  return n;
}
