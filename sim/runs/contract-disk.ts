// The broker's disk in a contract run: sim/disk.ts's SimDisk (page cache, crashes that lose or tear
// unsynced writes, vanishing never-synced files) with the per-operation faults injected here, so
// that (1) they stop once the quiet phase begins (VOPR's liveness mode: no new storage faults) and
// (2) bit rot is recorded where it struck, which is what lets the checkers excuse exactly the
// batch that has no other copy. Rot strikes only synced bytes of partition segment files.

import type { DiskOp, DiskResult } from "../../core/disk.ts";
import { readBatchHeader } from "../../core/log/record-batch.ts";
import { SimDisk } from "../disk.ts";
import type { SimRng } from "../prng.ts";
import type { DiskParams } from "../swarm.ts";
import type { WorldDisk } from "../world-disk.ts";

/** Where rot struck: a partition folder, and the base offset of the batch it damaged. */
export interface RotReport {
  readonly topic: string;
  readonly partition: number;
  readonly batchBaseOffset: number;
}

export class ContractDisk implements WorldDisk {
  readonly disk: SimDisk;
  readonly #rng: SimRng;
  readonly #faults: DiskParams["faults"];
  readonly #onRot: (report: RotReport) => void;
  /** Set when the quiet phase begins: no new injected faults from then on. */
  #quiet = false;
  rotted = 0;

  constructor(rng: SimRng, params: DiskParams, onRot: (report: RotReport) => void) {
    this.#rng = rng.derive("contract");
    this.#faults = params.faults;
    this.#onRot = onRot;
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
    if (this.#quiet) return this.disk.execute(op);
    const f = this.#faults;
    if (op.type === "sync") {
      if (this.#rng.chance("sync-failure", f.syncFailureProbability)) {
        return { ok: false, code: "EIO", message: `injected fsync failure on ${op.path}` };
      }
      return this.disk.execute(op);
    }
    if (this.#rng.chance("io-error", f.ioErrorProbability)) {
      return { ok: false, code: "EIO", message: `injected I/O error on ${op.type}` };
    }
    if (op.type !== "read") return this.disk.execute(op);
    if (this.#rng.chance("bit-rot", f.bitRotProbability))
      this.#rot(op.path, op.position, op.length);
    const result = this.disk.execute(op);
    if (!result.ok || result.type !== "read" || result.bytes.length === 0) return result;
    if (this.#rng.chance("read-corruption", f.readBitFlipProbability)) {
      const bit = this.#rng.int("read-corruption-bit", result.bytes.length * 8);
      result.bytes[bit >> 3] = (result.bytes[bit >> 3] ?? 0) ^ (1 << (bit & 7));
    }
    return result;
  }

  endFaults(): void {
    this.#quiet = true;
    this.disk.endFaults();
  }

  /** A latent sector error in the synced part of [position, position + length) of a segment. */
  #rot(path: string, position: number, length: number): void {
    const target = segmentOf(path);
    if (target === undefined) return;
    const durable = this.disk.durableBytes(path);
    if (durable === undefined) return;
    const end = Math.min(durable.length, position + length);
    if (end <= position) return;
    const at = position + this.#rng.int("bit-rot-position", end - position);
    const batchBaseOffset = batchAt(durable, at);
    if (batchBaseOffset === undefined) return;
    this.disk.corrupt(path, at, 1 << this.#rng.int("bit-rot-bit", 8));
    this.rotted++;
    this.#onRot({ ...target, batchBaseOffset });
  }

  crash(): { readonly lostBytes: number } {
    return this.disk.crash();
  }

  wipe(): void {
    this.disk.wipe();
  }
}

/** `<topic>-<partition>/<base>.log` of a partition other than the metadata log's. */
function segmentOf(path: string): { topic: string; partition: number } | undefined {
  const m = /^(?:.*\/)?([^/]+)-(\d+)\/\d{20}\.log$/.exec(path);
  if (m === null || m[1]!.startsWith("__")) return undefined;
  return { topic: m[1]!, partition: Number(m[2]) };
}

/** Base offset of the batch holding byte `at` of a segment (before it rots). */
function batchAt(bytes: Uint8Array, at: number): number | undefined {
  let position = 0;
  while (position < bytes.length) {
    const header = readBatchHeader(bytes, position);
    if (!header.ok || header.value.batchLength < 49) return undefined;
    const end = position + 12 + header.value.batchLength;
    if (at < end) return header.value.baseOffset;
    position = end;
  }
  return undefined;
}
