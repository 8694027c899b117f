// A node's disk in a simulated run: sim/disk.ts's SimDisk (page cache, crashes that lose or tear
// unsynced writes) with the per-operation faults (fsync failures, I/O errors, corrupted reads)
// injected here instead, so that they stop once the quiet phase begins (VOPR's liveness mode: no
// new storage faults where liveness is demanded). Draw names and order never change: seeds replay.

import type { DiskOp, DiskResult } from "../core/disk.ts";
import { SimDisk } from "./disk.ts";
import type { SimRng } from "./prng.ts";
import type { DiskParams } from "./swarm.ts";
import type { WorldDisk } from "./world-disk.ts";

export type ReadOp = Extract<DiskOp, { readonly type: "read" }>;

export class FaultInjectingDisk implements WorldDisk {
  readonly disk: SimDisk;
  protected readonly rng: SimRng;
  protected readonly faults: DiskParams["faults"];
  /**
   * A sync that escaped its fsync failure still draws an I/O error. The cluster run has always
   * drawn it and the contract run never has; each keeps its way so that its seeds replay.
   */
  readonly #ioErrorOnSync: boolean;
  /** While set (before the faults begin, and once the quiet phase does), nothing is injected. */
  quiet = false;

  /** `component` names the derived stream the injected faults draw from. */
  constructor(rng: SimRng, component: string, params: DiskParams, ioErrorOnSync: boolean) {
    this.rng = rng.derive(component);
    this.faults = params.faults;
    this.#ioErrorOnSync = ioErrorOnSync;
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
    const f = this.faults;
    if (op.type === "sync") {
      if (this.rng.chance("sync-failure", f.syncFailureProbability)) {
        return { ok: false, code: "EIO", message: `injected fsync failure on ${op.path}` };
      }
      if (!this.#ioErrorOnSync) return this.disk.execute(op);
    }
    if (this.rng.chance("io-error", f.ioErrorProbability)) {
      return { ok: false, code: "EIO", message: `injected I/O error on ${op.type}` };
    }
    if (op.type !== "read") return this.disk.execute(op);
    this.beforeRead(op);
    const result = this.disk.execute(op);
    if (!result.ok || result.type !== "read" || result.bytes.length === 0) return result;
    if (this.rng.chance("read-corruption", f.readBitFlipProbability)) {
      const bit = this.rng.int("read-corruption-bit", result.bytes.length * 8);
      result.bytes[bit >> 3] = (result.bytes[bit >> 3] ?? 0) ^ (1 << (bit & 7));
    }
    return result;
  }

  /** A read that drew no I/O error, just before it reaches the disk (no draw here by default). */
  protected beforeRead(_op: ReadOp): void {}

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
