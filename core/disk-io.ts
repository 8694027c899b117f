// Disk operations in flight for one node: each `submit` becomes a `disk` effect with a fresh id,
// and its `disk-done` input calls the continuation. Continuations die with the node object, which
// is exactly what a crash does to in-flight work.

import { assert } from "./assert.ts";
import type { DiskOp, DiskResult } from "./disk.ts";
import { type DiskOpId, diskOpId } from "./ids.ts";
import { limits } from "./limits.ts";
import type { Outbox } from "./outbox.ts";

export type DiskContinuation = (result: DiskResult) => void;

export class DiskIo {
  readonly #outbox: Outbox;
  readonly #pending = new Map<DiskOpId, DiskContinuation>();
  #nextId = 1;

  constructor(outbox: Outbox) {
    this.#outbox = outbox;
  }

  submit(op: DiskOp, done: DiskContinuation): DiskOpId {
    assert(this.#pending.size < limits.diskOpsInFlightMax, "disk operations in flight over limit");
    const id = diskOpId(this.#nextId++);
    this.#pending.set(id, done);
    this.#outbox.push({ type: "disk", id, op });
    return id;
  }

  /** Runs the continuation of `id`. Completions for unknown ids are bugs in the driver. */
  complete(id: DiskOpId, result: DiskResult): void {
    const done = this.#pending.get(id);
    assert(done !== undefined, `disk completion for unknown operation ${id}`);
    this.#pending.delete(id);
    done(result);
  }

  get inFlight(): number {
    return this.#pending.size;
  }
}
