// One node's disk as the world drives it: a FIFO of operations, each completing after its drawn
// latency and never before the one issued before it. Invariants: an operation takes effect on the
// disk only when it completes, so a crash before then leaves no trace of it; a stall slows the
// disk only while it lasts (when it ends, the operations still queued speed up again).

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
  /** The quiet phase began for this node: no new disk fault from now on. */
  endFaults(): void;
}

/** An operation issued and not completed: its unstalled service time and when it completes. */
interface PendingOp {
  readonly id: DiskOpId;
  readonly op: DiskOp;
  /** Service time still to do, at factor 1 (ms). */
  workLeftMs: number;
  /** Since when it has been served at the current factor (or will be, once the one before completes). */
  resumedAt: number;
  doneAt: number;
}

/** A pending operation's (new) completion time, for the world's agenda. */
export interface DiskCompletion {
  readonly id: DiskOpId;
  readonly op: DiskOp;
  readonly doneAt: number;
}

export class DiskQueue {
  readonly disk: WorldDisk;
  readonly #pending: PendingOp[] = [];
  #head = 0;
  /** Queued truncates, deletes and renames: the common case (none) answers shrinkPendingUnder at once. */
  #shrinks = 0;
  #lastDoneAt = 0;
  #stallFactor = 1;
  #errors: DiskErrorMode = "none";
  /** Bumped when pending completions are re-timed or dropped: older agenda events are stale. */
  #generation = 0;

  constructor(disk: WorldDisk) {
    this.disk = disk;
  }

  /** Operations issued and not yet completed. */
  get pending(): number {
    return this.#pending.length - this.#head;
  }

  get errors(): DiskErrorMode {
    return this.#errors;
  }

  get generation(): number {
    return this.#generation;
  }

  /** Queues `op` issued at `nowMs`; returns when it completes. */
  submit(nowMs: number, id: DiskOpId, op: DiskOp): number {
    const baseMs = this.disk.latencyMs(op);
    assert(Number.isFinite(baseMs) && baseMs >= 0, `bad disk latency ${baseMs}`);
    const resumedAt = Math.max(nowMs, this.#lastDoneAt);
    const doneAt = quantizeMs(resumedAt + baseMs * this.#stallFactor);
    this.#lastDoneAt = doneAt;
    this.#pending.push({ id, op, workLeftMs: baseMs, resumedAt, doneAt });
    if (isShrink(op)) this.#shrinks++;
    return doneAt;
  }

  /** The oldest pending operation completes: apply it (or fail it, during an error episode). */
  complete(op: DiskOp): DiskResult {
    assert(this.pending > 0, "disk completion without a pending operation");
    const head = this.#pending[this.#head++]!;
    if (isShrink(head.op)) this.#shrinks--;
    assert(head.op === op, "disk operations complete in issue order");
    if (this.#head > 1024 && this.#head * 2 > this.#pending.length) {
      this.#pending.splice(0, this.#head);
      this.#head = 0;
    }
    if (this.#errors === "eio") {
      return { ok: false, code: "EIO", message: `injected EIO burst on ${op.type}` };
    }
    if (this.#errors === "enospc" && (op.type === "append" || op.type === "write")) {
      return { ok: false, code: "ENOSPC", message: `injected disk full on ${op.type}` };
    }
    return this.disk.execute(op);
  }

  /** Whether a truncate, delete or rename of a path under `folder` is still queued. */
  shrinkPendingUnder(folder: string): boolean {
    if (this.#shrinks === 0) return false;
    const prefix = `${folder}/`;
    for (let i = this.#head; i < this.#pending.length; i++) {
      const op = this.#pending[i]!.op;
      if (op.type === "truncate" || op.type === "delete") {
        if (op.path.startsWith(prefix)) return true;
      } else if (op.type === "rename" && (op.from.startsWith(prefix) || op.to.startsWith(prefix))) {
        return true;
      }
    }
    return false;
  }

  /** The process died: pending operations vanish; returns how many, and unsynced bytes lost. */
  crash(nowMs: number): { opsLost: number; bytesLost: number } {
    const opsLost = this.pending;
    this.#pending.length = 0;
    this.#head = 0;
    this.#shrinks = 0;
    this.#generation++;
    this.#lastDoneAt = nowMs;
    const report = this.disk.crash();
    return { opsLost, bytesLost: report?.lostBytes ?? 0 };
  }

  wipe(): void {
    assert(this.pending === 0, "wipe a disk with operations in flight");
    this.disk.wipe();
  }

  /**
   * A stall begins, changes or ends at `nowMs`. The operation in service keeps the work it has
   * done and finishes the rest at the new speed, the queued ones follow; returns their new
   * completion times (the world schedules them, earlier events of this disk going stale), or
   * an empty list when nothing changed.
   */
  setStall(factor: number, nowMs: number): DiskCompletion[] {
    assert(factor >= 1 && Number.isFinite(factor), `bad disk stall factor ${factor}`);
    const before = this.#stallFactor;
    this.#stallFactor = factor;
    if (factor === before || this.pending === 0) return [];
    this.#generation++;
    let at = nowMs;
    const retimed: DiskCompletion[] = [];
    for (let i = this.#head; i < this.#pending.length; i++) {
      const p = this.#pending[i]!;
      // Only the operation in service has done work; it keeps it and finishes at the new speed.
      if (p.resumedAt < nowMs)
        p.workLeftMs = Math.max(0, p.workLeftMs - (nowMs - p.resumedAt) / before);
      p.resumedAt = Math.max(at, nowMs);
      p.doneAt = Math.max(nowMs, quantizeMs(p.resumedAt + p.workLeftMs * factor));
      at = p.doneAt;
      retimed.push({ id: p.id, op: p.op, doneAt: p.doneAt });
    }
    this.#lastDoneAt = at;
    return retimed;
  }

  setErrors(mode: DiskErrorMode): void {
    this.#errors = mode;
  }

  /** The quiet phase: stalls and error episodes end, and the disk injects no new fault. */
  endFaults(nowMs: number): DiskCompletion[] {
    this.#errors = "none";
    this.disk.endFaults();
    return this.setStall(1, nowMs);
  }
}

function isShrink(op: DiskOp): boolean {
  return op.type === "truncate" || op.type === "delete" || op.type === "rename";
}

/** The trace event of a completed disk operation. */
export function diskOpEvent(id: DiskOpId, op: DiskOp, result: DiskResult): SimTraceEvent {
  const path = op.type === "rename" ? op.from : op.type === "list" ? op.dir : op.path;
  const code = result.ok ? undefined : result.code;
  return { type: "disk-op", id, op: op.type, path, ok: result.ok, code };
}
