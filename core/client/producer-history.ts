// Records the producer's side of the Jepsen history (core/client/history.ts) as `history` trace
// events: one invoke per send op and exactly one completion for it, under one process id. It
// keeps the pairing honest: an op completes only if it was invoked and has not completed yet.

import { assert } from "../assert.ts";
import type { Millis } from "../ids.ts";
import { limits } from "../limits.ts";
import type { Outbox } from "../outbox.ts";
import type { HistoryOp, ProcessId, SendOp } from "./history.ts";
import type { SendCompletion, SendRecord } from "./producer-ops.ts";

export class ProducerHistory {
  readonly processId: ProcessId;
  readonly #open = new Set<number>();
  #crashed = false;

  constructor(processId: ProcessId) {
    assert(Number.isSafeInteger(processId) && processId >= 0, `process id ${processId}`);
    this.processId = processId;
  }

  get openOps(): number {
    return this.#open.size;
  }

  invoke(outbox: Outbox, now: Millis, opId: number, records: readonly SendRecord[]): void {
    assert(!this.#crashed, "a crashed process records nothing");
    assert(!this.#open.has(opId), `op ${opId} invoked twice`);
    assert(this.#open.size <= limits.clientPendingOpsMax, "too many open history ops");
    this.#open.add(opId);
    const sends = records.map((r) => ({ key: r.key, value: r.value, offset: null }));
    emit(outbox, {
      type: "send",
      phase: "invoke",
      processId: this.processId,
      opId,
      time: now,
      sends,
    });
  }

  complete(outbox: Outbox, now: Millis, c: SendCompletion): void {
    assert(this.#open.delete(c.opId), `op ${c.opId} completed without an open invoke`);
    assert(c.type !== "ok" || c.records.every((r) => r.offset !== null), "ok send without offsets");
    const op: SendOp = {
      type: "send",
      phase: c.type,
      processId: this.processId,
      opId: c.opId,
      time: now,
      sends: c.records,
      ...(c.error === null ? {} : { error: c.error }),
    };
    emit(outbox, op);
  }

  /** The workload tore the client down: recorded after every open op ended as info. */
  crash(outbox: Outbox, now: Millis, opId: number): void {
    assert(this.#open.size === 0, "crash recorded with ops still open");
    const base = { type: "crash", processId: this.processId, opId, time: now } as const;
    emit(outbox, { ...base, phase: "invoke" });
    emit(outbox, { ...base, phase: "info", error: "crash" });
    this.#crashed = true;
  }
}

export function emit(outbox: Outbox, op: HistoryOp): void {
  outbox.trace({ type: "history", op });
}
