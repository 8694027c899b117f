// Controller operations in flight: records proposed to the metadata quorum, applied at once to the
// controller's own image (so the next request sees them, as KRaft's controller does), and reported
// committed once the broker's image applied the last of them. Timeouts answer REQUEST_TIMED_OUT.

import { assert } from "../assert.ts";
import type { Millis, Offset } from "../ids.ts";
import { limits } from "../limits.ts";
import type { ProposeResult, RaftCore, RaftView } from "../metadata/raft/raft-core.ts";
import type { MetadataRecord } from "../metadata/records.ts";
import type { Outbox } from "../outbox.ts";
import type { Deadlines } from "./deadlines.ts";
import type { MetadataImage } from "./metadata-image.ts";
import type { MonoClock } from "./mono-clock.ts";

export type ControllerOutcome =
  /** Durable in the metadata log and applied by this broker. */
  | "committed"
  /** The caller's timeout passed first; the records may still commit. */
  | "timed-out"
  /** This node is not the active controller (NOT_CONTROLLER). */
  | "not-controller"
  /** The quorum holds too many uncommitted bytes, or a record is too large: try again. */
  | "backpressure";

interface Waiter {
  readonly lastOffset: Offset;
  readonly done: (outcome: ControllerOutcome) => void;
}

const DEADLINE_PREFIX = "controller-op:";

export class ControllerOps {
  readonly #raft: RaftCore;
  readonly #image: MetadataImage;
  readonly #deadlines: Deadlines;
  readonly #outbox: Outbox;
  readonly #mono: MonoClock;
  readonly #waiters = new Map<number, Waiter>();
  #nextId = 1;

  constructor(
    raft: RaftCore,
    controllerImage: MetadataImage,
    deadlines: Deadlines,
    outbox: Outbox,
    mono: MonoClock,
  ) {
    this.#mono = mono;
    this.#raft = raft;
    this.#image = controllerImage;
    this.#deadlines = deadlines;
    this.#outbox = outbox;
  }

  get pending(): number {
    return this.#waiters.size;
  }

  /**
   * Active: the quorum leader, with every entry of the log applied to the controller's image, so
   * the image is exactly the log and new records can be validated against it.
   */
  isActive(view: RaftView = this.#raft.view()): boolean {
    return view.role === "leader" && this.#image.nextOffset === view.logEndOffset;
  }

  /** The quorum leader's id, or -1 when there is none this node knows of. */
  controllerId(): number {
    return this.#raft.view().leaderId ?? -1;
  }

  /**
   * Proposes `records` (already validated against the controller's image). `done` runs exactly
   * once; timeoutMs <= 0 waits for the commit however long it takes.
   */
  submit(
    now: Millis,
    records: readonly MetadataRecord[],
    timeoutMs: Millis,
    done: (outcome: ControllerOutcome) => void,
  ): void {
    if (records.length === 0) {
      done("committed");
      return;
    }
    if (!this.isActive()) {
      done("not-controller");
      return;
    }
    assert(this.#waiters.size < limits.connectionsMax + limits.topicsMax, "controller ops");
    const result: ProposeResult = this.#raft.propose(this.#mono.now, records);
    if (result.type === "not-leader") {
      done("not-controller");
      return;
    }
    if (result.type === "backpressure" || result.type === "record-too-large") {
      this.#outbox.mark(`controller-propose-${result.type}`);
      done("backpressure");
      return;
    }
    assert(result.baseOffset === this.#image.nextOffset, "proposal not at the image's next offset");
    records.forEach((record, i) => {
      this.#image.apply(record, result.baseOffset + i, result.epoch);
    });
    const id = this.#nextId++;
    this.#waiters.set(id, { lastOffset: result.lastOffset, done });
    if (timeoutMs > 0) this.#deadlines.set(`${DEADLINE_PREFIX}${id}`, now + timeoutMs);
  }

  /** The broker's image applied `offset`: operations whose last record is at or below it commit. */
  applied(offset: Offset): void {
    for (const [id, waiter] of this.#waiters) {
      if (waiter.lastOffset > offset) continue;
      this.#finish(id, "committed");
    }
  }

  /** Handles a due deadline if it is one of ours; false otherwise. */
  onDeadline(key: string): boolean {
    if (!key.startsWith(DEADLINE_PREFIX)) return false;
    const id = Number(key.slice(DEADLINE_PREFIX.length));
    if (this.#waiters.has(id)) {
      this.#outbox.mark("controller-op-timed-out");
      this.#finish(id, "timed-out");
    }
    return true;
  }

  /** Leadership was lost: nothing in flight will be reported committed by us. */
  failAll(): void {
    for (const id of [...this.#waiters.keys()]) this.#finish(id, "not-controller");
  }

  #finish(id: number, outcome: ControllerOutcome): void {
    const waiter = this.#waiters.get(id);
    assert(waiter !== undefined, `controller op ${id} finished twice`);
    this.#waiters.delete(id);
    this.#deadlines.clear(`${DEADLINE_PREFIX}${id}`);
    waiter.done(outcome);
  }
}
