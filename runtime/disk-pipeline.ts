// Group commit for the runtime disk: a `sync` runs off the event loop while later operations keep
// flowing, yet completions still arrive in issue order (core/disk.ts), and one fsync answers every
// sync of its file issued before it started; a sync never answers for a write it could miss.
//
// Rules. When nothing is pending, writes, appends, reads and lists run at once and return their
// result (the fast path, as `execute`). A sync starts an fsync off the loop and its answer waits
// for it; so do truncate, delete and rename (each with the folder fsync that makes it durable,
// which can wait for the journal to flush other files' data: tens of milliseconds the event loop
// must not stall for). While anything is off the loop, later operations are held in a FIFO and
// answered in order after it: writes, appends and reads run at once when every held operation
// before them already ran or is a sync and no truncate, delete or rename is off the loop (a sync
// that starts later only covers more bytes); anything else is a barrier that runs, with
// everything behind it, only once what is ahead of it completed.

import { assert } from "../core/assert.ts";
import type { DiskOp, DiskResult } from "../core/disk.ts";

export type DiskDone = (result: DiskResult) => void;

/** What the pipeline needs of a disk: synchronous operations and an fsync off the event loop. */
export interface PipelineDisk {
  /** Runs a non-sync operation now. */
  runNow(op: DiskOp): DiskResult;
  /**
   * Starts an fsync of `path` (and of the folders whose entries it created) off the event loop and
   * calls `done` later; or answers at once (no such file, an earlier failed fsync).
   */
  syncOffLoop(path: string, done: DiskDone): DiskResult | undefined;
  /** The same for a truncate, delete or rename, made durable (its folders fsynced) off the loop. */
  slowOffLoop(op: SlowOp, done: DiskDone): DiskResult | undefined;
}

/** Operations that go off the loop like a sync, but answer only for themselves. */
export type SlowOp = Extract<DiskOp, { type: "truncate" | "delete" | "rename" }>;

function isSlow(op: DiskOp): op is SlowOp {
  return op.type === "truncate" || op.type === "delete" || op.type === "rename";
}

interface Held {
  readonly op: DiskOp;
  readonly done: DiskDone;
  /** Set once the operation ran (writes ahead of a pending fsync); its answer still waits. */
  result: DiskResult | undefined;
}

export class DiskPipeline {
  readonly #disk: PipelineDisk;
  readonly #held: Held[] = [];
  /**
   * What the operation off the loop answers when it completes: the syncs (and the operations
   * answered between them) of an fsync in flight, or one truncate, delete or rename.
   */
  #syncing: Held[] | undefined;
  /**
   * Held operations that have not run and are not syncs, plus a truncate, delete or rename off the
   * loop: while any exists, nothing behind it may run early.
   */
  #barriers = 0;
  #pumping = false;
  #closed = false;
  #fsyncs = 0;
  #syncsAnswered = 0;

  constructor(disk: PipelineDisk) {
    this.#disk = disk;
  }

  /** True when nothing is in flight or held: a synchronous `execute` would not overtake anything. */
  get idle(): boolean {
    return this.#syncing === undefined && this.#held.length === 0 && !this.#pumping;
  }

  /** fsyncs started, and sync operations they answered (more answered than started = grouped). */
  get stats(): { readonly fsyncs: number; readonly syncsAnswered: number } {
    return { fsyncs: this.#fsyncs, syncsAnswered: this.#syncsAnswered };
  }

  /** The result now, or undefined when `later` will get it after everything issued before. */
  run(op: DiskOp, later: DiskDone): DiskResult | undefined {
    assert(!this.#closed, "disk used after close()");
    if (this.idle) {
      const entry = { op, done: later, result: undefined };
      if (op.type === "sync") return this.#startSync(entry);
      if (isSlow(op)) return this.#startSlow(entry, op);
      return this.#disk.runNow(op);
    }
    const entry: Held = { op, done: later, result: undefined };
    if (this.#barriers === 0 && runsEarly(op)) entry.result = this.#disk.runNow(op);
    else if (op.type !== "sync") this.#barriers++;
    this.#held.push(entry);
    return undefined;
  }

  /** Drops held work (as if the process stopped); a pending fsync's answer is never delivered. */
  close(): void {
    this.#closed = true;
    this.#held.length = 0;
    this.#syncing = undefined;
    this.#barriers = 0;
  }

  /**
   * Starts the fsync for `first` and lets it answer every following held sync of the same file
   * up to the first operation that has not run yet: they were all issued before it starts, and
   * so were the writes between them. Returns an immediate answer when there is no fsync to wait for.
   */
  #startSync(first: Held): DiskResult | undefined {
    assert(first.op.type === "sync", "only a sync waits off the loop");
    const path = first.op.path;
    const group = [first];
    while (this.#held.length > 0) {
      const next = this.#held[0]!;
      const sameSync = next.op.type === "sync" && next.op.path === path;
      if (next.result === undefined && !sameSync) break;
      group.push(this.#held.shift()!);
    }
    const immediate = this.#disk.syncOffLoop(path, (result) => this.#synced(result));
    if (immediate !== undefined) {
      // Nothing to wait for: the group is answered as if it had run now (the caller delivers first).
      this.#held.unshift(...group.slice(1));
      return immediate;
    }
    this.#fsyncs++;
    this.#syncing = group;
    return undefined;
  }

  /** Starts a truncate, delete or rename off the loop; nothing behind it runs until it is done. */
  #startSlow(entry: Held, op: SlowOp): DiskResult | undefined {
    const immediate = this.#disk.slowOffLoop(op, (result) => this.#synced(result));
    if (immediate !== undefined) return immediate;
    this.#barriers++;
    this.#syncing = [entry];
    return undefined;
  }

  #synced(result: DiskResult): void {
    if (this.#closed) return;
    const group = this.#syncing;
    assert(group !== undefined, "an operation off the loop completed that was never started");
    this.#syncing = undefined;
    const slow = group.length === 1 && isSlow(group[0]!.op);
    if (slow) this.#barriers--;
    this.#pumping = true;
    try {
      for (const entry of group) {
        if (entry.op.type === "sync") this.#syncsAnswered++;
        entry.done(entry.op.type === "sync" || slow ? result : entry.result!);
        if (this.#closed) return;
      }
      this.#pump();
    } finally {
      this.#pumping = false;
    }
  }

  /** Answers held operations in order until the next sync goes off the loop or none is left. */
  #pump(): void {
    while (this.#held.length > 0 && this.#syncing === undefined && !this.#closed) {
      const entry = this.#held.shift()!;
      let result = entry.result;
      if (result === undefined && entry.op.type === "sync") {
        result = this.#startSync(entry);
        if (result === undefined) return;
        this.#syncsAnswered++;
      } else if (result === undefined) {
        this.#barriers--;
        const op = entry.op;
        if (isSlow(op)) {
          result = this.#startSlow(entry, op);
          if (result === undefined) return;
        } else {
          result = this.#disk.runNow(op);
        }
      }
      entry.done(result);
    }
    assert(this.#syncing !== undefined || this.#barriers === 0, "barriers left with nothing held");
  }
}

function runsEarly(op: DiskOp): boolean {
  return op.type === "write" || op.type === "append" || op.type === "read";
}
