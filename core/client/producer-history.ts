// Records the producer's side of the Jepsen history (core/client/history.ts) as `history` trace
// events: one invoke per send op and exactly one completion for it, under one process id. It
// keeps the pairing honest: an op completes only if it was invoked and has not completed yet.

import { assert } from "../assert.ts";
import type { Millis } from "../ids.ts";
import { limits } from "../limits.ts";
import type { Outbox } from "../outbox.ts";
import type { HistoryOp, ProcessId, ProducerIdOp, SendOp } from "./history.ts";
import type { SendCompletion, SendRecord } from "./producer-ops.ts";

export class ProducerHistory {
  readonly processId: ProcessId;
  readonly #open = new Set<number>();
  readonly #idempotent: boolean;
  /** Open producer-id ops: op id -> reason. */
  readonly #openIds = new Map<number, ProducerIdOp["reason"]>();
  #crashed = false;

  constructor(processId: ProcessId, idempotent = false) {
    assert(Number.isSafeInteger(processId) && processId >= 0, `process id ${processId}`);
    this.processId = processId;
    this.#idempotent = idempotent;
  }

  /** InitProducerId sent, or a local epoch bump about to happen. Returns the op id. */
  invokeProducerId(
    outbox: Outbox,
    now: Millis,
    opId: number,
    reason: ProducerIdOp["reason"],
  ): number {
    assert(!this.#crashed, "a crashed process records nothing");
    assert(this.#openIds.size === 0, "one identity change at a time");
    assert(!this.#open.has(opId) && !this.#openIds.has(opId), `op id ${opId} in use`);
    this.#openIds.set(opId, reason);
    emit(outbox, {
      type: "producer-id",
      phase: "invoke",
      processId: this.processId,
      opId,
      time: now,
      idempotent: this.#idempotent,
      producerId: -1,
      producerEpoch: -1,
      reason,
    });
    return opId;
  }

  completeProducerId(
    outbox: Outbox,
    now: Millis,
    opId: number,
    phase: "ok" | "fail" | "info",
    producerId: number,
    producerEpoch: number,
    error?: string,
  ): void {
    const reason = this.#openIds.get(opId);
    assert(reason !== undefined, `producer-id op ${opId} completed without an invoke`);
    assert(phase !== "ok" || producerId >= 0, "an ok identity has a producer id");
    this.#openIds.delete(opId);
    emit(outbox, {
      type: "producer-id",
      phase,
      processId: this.processId,
      opId,
      time: now,
      idempotent: this.#idempotent,
      producerId,
      producerEpoch,
      reason,
      ...(error === undefined ? {} : { error }),
    });
  }

  #idempotence(): { idempotent?: true } {
    return this.#idempotent ? { idempotent: true } : {};
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
      ...this.#idempotence(),
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
      ...this.#idempotence(),
    };
    emit(outbox, op);
  }

  /** The workload tore the client down: recorded after every open op ended as info. */
  crash(outbox: Outbox, now: Millis, opId: number): void {
    assert(this.#open.size === 0, "crash recorded with ops still open");
    for (const id of [...this.#openIds.keys()]) {
      this.completeProducerId(outbox, now, id, "info", -1, -1, "crash");
    }
    const base = { type: "crash", processId: this.processId, opId, time: now } as const;
    emit(outbox, { ...base, phase: "invoke" });
    emit(outbox, { ...base, phase: "info", error: "crash" });
    this.#crashed = true;
  }
}

export function emit(outbox: Outbox, op: HistoryOp): void {
  outbox.trace({ type: "history", op });
}
