// The broker's disk in a contract run: the fault-injecting SimDisk (its per-operation faults stop
// once the quiet phase begins) plus bit rot, recorded where it struck, which is what lets the
// checkers excuse exactly the batch that has no other copy. Rot strikes only synced bytes of
// partition segment files.

import { readBatchHeader } from "../../core/log/record-batch.ts";
import { FaultInjectingDisk, type ReadOp } from "../fault-injecting-disk.ts";
import type { SimRng } from "../prng.ts";
import type { DiskParams } from "../swarm.ts";

/** Where rot struck: a partition folder, and the base offset of the batch it damaged. */
export interface RotReport {
  readonly topic: string;
  readonly partition: number;
  readonly batchBaseOffset: number;
}

export class ContractDisk extends FaultInjectingDisk {
  readonly #onRot: (report: RotReport) => void;
  rotted = 0;

  constructor(rng: SimRng, params: DiskParams, onRot: (report: RotReport) => void) {
    super(rng, "contract", params, false);
    this.#onRot = onRot;
  }

  protected override beforeRead(op: ReadOp): void {
    if (this.rng.chance("bit-rot", this.faults.bitRotProbability)) {
      this.#rot(op.path, op.position, op.length);
    }
  }

  /** A latent sector error in the synced part of [position, position + length) of a segment. */
  #rot(path: string, position: number, length: number): void {
    const target = segmentOf(path);
    if (target === undefined) return;
    const durable = this.disk.durableBytes(path);
    if (durable === undefined) return;
    const end = Math.min(durable.length, position + length);
    if (end <= position) return;
    const at = position + this.rng.int("bit-rot-position", end - position);
    const batchBaseOffset = batchAt(durable, at);
    if (batchBaseOffset === undefined) return;
    this.disk.corrupt(path, at, 1 << this.rng.int("bit-rot-bit", 8));
    this.rotted++;
    this.#onRot({ ...target, batchBaseOffset });
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
