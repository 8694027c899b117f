// Records the consumer's side of the Jepsen history (core/client/history.ts) as `history` trace
// events: assign and subscribe ops, polls with the records each key returned, rebalance callbacks,
// commits, close and crash. Polls run one at a time, as a Jepsen process does; callbacks (recorded
// whole) and commits (each completed once) may happen while a poll is open.

import { assert } from "../assert.ts";
import { errorName } from "../error-codes.ts";
import type { Millis } from "../ids.ts";
import { limits } from "../limits.ts";
import type { Outbox } from "../outbox.ts";
import type {
  CommittedOffset,
  GroupStamp,
  HistoryKey,
  PollRead,
  ProcessId,
  RebalanceOp,
  SubscribeOp,
} from "./history.ts";
import { emit } from "./producer-history.ts";

export class ConsumerHistory {
  readonly processId: ProcessId;
  #nextOpId = 0;
  /** The open poll's op id, or undefined. */
  #openPoll: number | undefined;
  #crashed = false;
  /** Open commits: op id -> what the invoke carried. */
  readonly #openCommits = new Map<
    number,
    { offsets: readonly CommittedOffset[]; group: GroupStamp; auto: boolean }
  >();

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

  /** A subscribe takes effect at once; the rebalances that follow decide the keys. */
  subscribe(
    outbox: Outbox,
    now: Millis,
    keys: readonly HistoryKey[],
    group: NonNullable<SubscribeOp["group"]>,
  ): void {
    this.#checkIdle();
    const base = {
      type: "subscribe",
      processId: this.processId,
      opId: this.#nextOpId++,
      time: now,
      keys,
      group,
    } as const;
    emit(outbox, { ...base, phase: "invoke" });
    emit(outbox, { ...base, phase: "ok" });
  }

  /** A rebalance callback ran (inside a poll or between polls): recorded whole. */
  rebalance(
    outbox: Outbox,
    now: Millis,
    fields: Pick<RebalanceOp, "callback" | "group" | "protocol" | "keys" | "owned">,
  ): void {
    assert(!this.#crashed, "a crashed process records nothing");
    const base = {
      type: "rebalance",
      processId: this.processId,
      opId: this.#nextOpId++,
      time: now,
      ...fields,
    } as const;
    emit(outbox, { ...base, phase: "invoke" });
    emit(outbox, { ...base, phase: "ok" });
  }

  invokeCommit(
    outbox: Outbox,
    now: Millis,
    offsets: readonly CommittedOffset[],
    group: GroupStamp,
    auto: boolean,
  ): number {
    assert(!this.#crashed, "a crashed process records nothing");
    assert(this.#openCommits.size < limits.clientPendingOpsMax, "too many open commits");
    const opId = this.#nextOpId++;
    this.#openCommits.set(opId, { offsets, group, auto });
    emit(outbox, {
      type: "commit",
      phase: "invoke",
      processId: this.processId,
      opId,
      time: now,
      offsets,
      group,
      auto,
    });
    return opId;
  }

  /** ok: written; fail with the error code: rejected; info: unknown. */
  completeCommit(
    outbox: Outbox,
    now: Millis,
    opId: number,
    phase: "ok" | "fail" | "info",
    errorCode?: number,
    infoCode?: number,
  ): void {
    const open = this.#openCommits.get(opId);
    assert(open !== undefined, `commit ${opId} completed without an open invoke`);
    assert((phase === "fail") === (errorCode !== undefined), "a failed commit says why");
    this.#openCommits.delete(opId);
    const why = errorCode ?? infoCode;
    const error = phase === "ok" ? {} : { error: why === undefined ? "unknown" : errorName(why) };
    emit(outbox, {
      type: "commit",
      phase,
      processId: this.processId,
      opId,
      time: now,
      ...open,
      ...error,
      ...(errorCode === undefined ? {} : { errorCode }),
    });
  }

  /** The application closed the consumer: open commits end as info, then the close op. */
  close(outbox: Outbox, now: Millis, group: GroupStamp | undefined, leftGroup: boolean): void {
    if (this.#openPoll !== undefined) this.completePoll(outbox, now, "info", [], "closed");
    this.#abandonCommits(outbox, now, "closed");
    const base = {
      type: "close",
      processId: this.processId,
      opId: this.#nextOpId++,
      time: now,
      leftGroup,
      ...(group === undefined ? {} : { group }),
    } as const;
    emit(outbox, { ...base, phase: "invoke" });
    emit(outbox, { ...base, phase: "ok" });
    this.#crashed = true;
  }

  get closed(): boolean {
    return this.#crashed;
  }

  #abandonCommits(outbox: Outbox, now: Millis, why: string): void {
    for (const [opId, open] of [...this.#openCommits]) {
      this.#openCommits.delete(opId);
      emit(outbox, {
        type: "commit",
        phase: "info",
        processId: this.processId,
        opId,
        time: now,
        ...open,
        error: why,
      });
    }
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
    extra: { rebalancedKeys?: readonly HistoryKey[]; group?: GroupStamp } = {},
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
      ...(extra.rebalancedKeys === undefined || extra.rebalancedKeys.length === 0
        ? {}
        : { rebalancedKeys: extra.rebalancedKeys }),
      ...(extra.group === undefined ? {} : { group: extra.group }),
    } as const;
    emit(outbox, error === undefined ? base : { ...base, error });
  }

  /** The workload tore the client down: an open poll ends as info, then the crash op. */
  crash(outbox: Outbox, now: Millis): void {
    if (this.#crashed) return; // closed before: the process is already retired
    if (this.#openPoll !== undefined) this.completePoll(outbox, now, "info", [], "crash");
    this.#abandonCommits(outbox, now, "crash");
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
