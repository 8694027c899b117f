// Records the consumer's side of the Jepsen history (core/client/history.ts) as `history` trace
// events: assign ops, poll ops with the records each key returned, and the crash. A consumer runs
// one op at a time, as a Jepsen process does, so at most one op is ever open.

import { assert } from "../assert.ts";
import type { Millis } from "../ids.ts";
import type { Outbox } from "../outbox.ts";
import type { HistoryKey, PollRead, ProcessId } from "./history.ts";
import { emit } from "./producer-history.ts";

export class ConsumerHistory {
  readonly processId: ProcessId;
  #nextOpId = 0;
  /** The open poll's op id, or undefined. */
  #openPoll: number | undefined;
  #crashed = false;

  constructor(processId: ProcessId) {
    assert(Number.isSafeInteger(processId) && processId >= 0, `process id ${processId}`);
    this.processId = processId;
  }

  get pollOpen(): boolean {
    return this.#openPoll !== undefined;
  }

  /** An assign takes effect at once: its invoke and ok are recorded together. */
  assign(outbox: Outbox, now: Millis, keys: readonly HistoryKey[], seekToBeginning: boolean): void {
    this.#checkIdle();
    const base = {
      type: "assign",
      processId: this.processId,
      opId: this.#nextOpId++,
      time: now,
    } as const;
    emit(outbox, { ...base, phase: "invoke", keys, seekToBeginning });
    emit(outbox, { ...base, phase: "ok", keys, seekToBeginning });
  }

  invokePoll(outbox: Outbox, now: Millis): void {
    this.#checkIdle();
    this.#openPoll = this.#nextOpId++;
    emit(outbox, {
      type: "poll",
      phase: "invoke",
      processId: this.processId,
      opId: this.#openPoll,
      time: now,
      reads: [],
    });
  }

  completePoll(
    outbox: Outbox,
    now: Millis,
    phase: "ok" | "fail" | "info",
    reads: readonly PollRead[],
    error?: string,
  ): void {
    const opId = this.#openPoll;
    assert(opId !== undefined, "poll completed without an open poll");
    assert(phase === "ok" || reads.length === 0, "only an ok poll returns records");
    this.#openPoll = undefined;
    const base = {
      type: "poll",
      phase,
      processId: this.processId,
      opId,
      time: now,
      reads,
    } as const;
    emit(outbox, error === undefined ? base : { ...base, error });
  }

  /** The workload tore the client down: an open poll ends as info, then the crash op. */
  crash(outbox: Outbox, now: Millis): void {
    if (this.#openPoll !== undefined) this.completePoll(outbox, now, "info", [], "crash");
    const base = {
      type: "crash",
      processId: this.processId,
      opId: this.#nextOpId++,
      time: now,
    } as const;
    emit(outbox, { ...base, phase: "invoke" });
    emit(outbox, { ...base, phase: "info", error: "crash" });
    this.#crashed = true;
  }

  #checkIdle(): void {
    assert(!this.#crashed, "a crashed process records nothing");
    assert(this.#openPoll === undefined, "a consumer runs one op at a time");
  }
}
