// A zero-latency harness for tests and tools: it carries out a component's `disk` effects against a
// disk (a SimDisk, or any disk with a synchronous `execute`, such as the runtime's) strictly in issue
// order (the FIFO the disk contract promises) and feeds each result back through DiskIo.complete.

import { assert } from "../core/assert.ts";
import type { DiskOp, DiskResult } from "../core/disk.ts";
import type { DiskIo } from "../core/disk-io.ts";
import type { DiskOpId } from "../core/ids.ts";
import type { Effect } from "../core/node.ts";
import type { Outbox } from "../core/outbox.ts";

/** What the driver needs of a disk: operations applied one at a time, in the order given. */
export interface ExecutingDisk {
  execute(op: DiskOp): DiskResult;
}

/** A bound on one `run`, so a component that keeps issuing work fails instead of spinning. */
const RUN_OPS_MAX = 10_000_000;

export class DiskDriver {
  readonly #disk: ExecutingDisk;
  readonly #io: DiskIo;
  readonly #outbox: Outbox;
  readonly #queue: { id: DiskOpId; op: DiskOp }[] = [];
  #queueHead = 0;
  /** Effects other than `disk`, in the order they were emitted. */
  readonly effects: Effect[] = [];
  /** Disk operations executed since this driver was made. */
  executed = 0;

  constructor(disk: ExecutingDisk, io: DiskIo, outbox: Outbox) {
    this.#disk = disk;
    this.#io = io;
    this.#outbox = outbox;
  }

  /** Operations issued and not yet executed. */
  get pending(): number {
    this.#collect();
    return this.#queue.length - this.#queueHead;
  }

  /** Executes operations in order until none is left (or `maxOps` ran); returns how many ran. */
  run(maxOps = RUN_OPS_MAX): number {
    let ran = 0;
    while (ran < maxOps && this.step()) ran++;
    assert(maxOps !== RUN_OPS_MAX || this.pending === 0, "disk work did not quiesce");
    return ran;
  }

  /** Executes the oldest pending operation; false when there was none. */
  step(): boolean {
    this.#collect();
    const next = this.#queue[this.#queueHead];
    if (next === undefined) return false;
    this.#queueHead++;
    if (this.#queueHead === this.#queue.length) {
      this.#queue.length = 0;
      this.#queueHead = 0;
    }
    const result = this.#disk.execute(next.op);
    this.executed++;
    this.#io.complete(next.id, result);
    this.#collect();
    return true;
  }

  /** Forgets pending operations without running them: what a crash does to work in flight. */
  dropPending(): number {
    this.#collect();
    const dropped = this.#queue.length - this.#queueHead;
    this.#queue.length = 0;
    this.#queueHead = 0;
    return dropped;
  }

  /** Trace events emitted so far, in order. */
  traces(): Extract<Effect, { type: "trace" }>["event"][] {
    this.#collect();
    return this.effects.flatMap((effect) => (effect.type === "trace" ? [effect.event] : []));
  }

  #collect(): void {
    for (const effect of this.#outbox.take()) {
      if (effect.type === "disk") this.#queue.push({ id: effect.id, op: effect.op });
      else this.effects.push(effect);
    }
  }
}
