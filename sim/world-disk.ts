// One node's disk as the world drives it: a FIFO of operations, each completing after its drawn
// latency and never before the one issued before it. Invariant: an operation takes effect on the
// disk only when it completes, so a crash before then leaves no trace of it.

import { assert } from "../core/assert.ts";
import type { DiskOp, DiskResult } from "../core/disk.ts";
import type { DiskOpId } from "../core/ids.ts";
import type { DiskErrorMode } from "./faults.ts";
import { quantizeMs } from "./network-links.ts";
import type { SimTraceEvent } from "./trace-format.ts";

/** What the world needs of a simulated disk (sim/disk.ts's SimDisk fits). */
export interface WorldDisk {
  latencyMs(op: DiskOp): number;
  execute(op: DiskOp): DiskResult;
  /** Loses unsynced data; the report says how much. */
  crash(): { readonly lostBytes: number } | undefined;
  wipe(): void;
}

export class DiskQueue {
  readonly disk: WorldDisk;
  #lastDoneAt = 0;
  #pending = 0;
  #stallFactor = 1;
  #errors: DiskErrorMode = "none";

  constructor(disk: WorldDisk) {
    this.disk = disk;
  }

  /** Operations issued and not yet completed. */
  get pending(): number {
    return this.#pending;
  }

  get errors(): DiskErrorMode {
    return this.#errors;
  }

  /** Queues `op` issued at `nowMs`; returns when it completes. */
  submit(nowMs: number, op: DiskOp): number {
    const latency = this.disk.latencyMs(op) * this.#stallFactor;
    assert(Number.isFinite(latency) && latency >= 0, `bad disk latency ${latency}`);
    const doneAt = quantizeMs(Math.max(nowMs, this.#lastDoneAt) + latency);
    this.#lastDoneAt = doneAt;
    this.#pending++;
    return doneAt;
  }

  /** The oldest pending operation completes: apply it (or fail it, during an error episode). */
  complete(op: DiskOp): DiskResult {
    assert(this.#pending > 0, "disk completion without a pending operation");
    this.#pending--;
    if (this.#errors === "eio") {
      return { ok: false, code: "EIO", message: `injected EIO burst on ${op.type}` };
    }
    if (this.#errors === "enospc" && (op.type === "append" || op.type === "write")) {
      return { ok: false, code: "ENOSPC", message: `injected disk full on ${op.type}` };
    }
    return this.disk.execute(op);
  }

  /** The process died: pending operations vanish; returns how many, and unsynced bytes lost. */
  crash(nowMs: number): { opsLost: number; bytesLost: number } {
    const opsLost = this.#pending;
    this.#pending = 0;
    this.#lastDoneAt = nowMs;
    const report = this.disk.crash();
    return { opsLost, bytesLost: report?.lostBytes ?? 0 };
  }

  wipe(): void {
    assert(this.#pending === 0, "wipe a disk with operations in flight");
    this.disk.wipe();
  }

  setStall(factor: number): void {
    assert(factor >= 1 && Number.isFinite(factor), `bad disk stall factor ${factor}`);
    this.#stallFactor = factor;
  }

  setErrors(mode: DiskErrorMode): void {
    this.#errors = mode;
  }
}

/** The trace event of a completed disk operation. */
export function diskOpEvent(id: DiskOpId, op: DiskOp, result: DiskResult): SimTraceEvent {
  const path = op.type === "rename" ? op.from : op.type === "list" ? op.dir : op.path;
  const code = result.ok ? undefined : result.code;
  return { type: "disk-op", id, op: op.type, path, ok: result.ok, code };
}
