// A broker's disk in a cluster run: sim/disk.ts's SimDisk (page cache, crashes that lose or tear
// unsynced writes) with the per-operation faults (fsync failures, I/O errors, corrupted reads)
// injected here instead, so that they stop on the healed core once the quiet phase begins
// (VOPR's liveness mode: no new storage faults where liveness is demanded).

import type { DiskOp, DiskResult } from "../core/disk.ts";
import { SimDisk } from "./disk.ts";
import type { SimRng } from "./prng.ts";
import type { DiskParams } from "./swarm.ts";
import type { WorldDisk } from "./world-disk.ts";

export class ClusterDisk implements WorldDisk {
  readonly disk: SimDisk;
  readonly #rng: SimRng;
  readonly #faults: DiskParams["faults"];
  /** Set when the quiet phase begins and this node is in the core. */
  quiet = false;

  constructor(rng: SimRng, params: DiskParams) {
    this.#rng = rng.derive("cluster");
    this.#faults = params.faults;
    this.disk = new SimDisk(rng, {
      capacityBytes: params.capacityBytes ?? Number.POSITIVE_INFINITY,
      latency: params.latency,
      faults: {
        ...params.faults,
        readBitFlipProbability: 0,
        bitRotProbability: 0,
        syncFailureProbability: 0,
        ioErrorProbability: 0,
      },
    });
  }

  latencyMs(op: DiskOp): number {
    return this.disk.latencyMs(op);
  }

  execute(op: DiskOp): DiskResult {
    if (this.quiet) return this.disk.execute(op);
    const f = this.#faults;
    if (op.type === "sync" && this.#rng.chance("sync-failure", f.syncFailureProbability)) {
      return { ok: false, code: "EIO", message: `injected fsync failure on ${op.path}` };
    }
    if (this.#rng.chance("io-error", f.ioErrorProbability)) {
      return { ok: false, code: "EIO", message: `injected I/O error on ${op.type}` };
    }
    const result = this.disk.execute(op);
    if (op.type !== "read" || !result.ok || result.type !== "read" || result.bytes.length === 0) {
      return result;
    }
    if (this.#rng.chance("read-corruption", f.readBitFlipProbability)) {
      const bit = this.#rng.int("read-corruption-bit", result.bytes.length * 8);
      result.bytes[bit >> 3] = (result.bytes[bit >> 3] ?? 0) ^ (1 << (bit & 7));
    }
    return result;
  }

  endFaults(): void {
    this.quiet = true;
    this.disk.endFaults();
  }

  crash(): { readonly lostBytes: number } {
    return this.disk.crash();
  }

  wipe(): void {
    this.disk.wipe();
  }
}
