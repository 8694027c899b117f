// Builds Jepsen Kafka histories by hand for the checker tests: each helper records an invoke and,
// unless told otherwise, its completion, with a clock that ticks once per event.

import type {
  HistoryKey,
  HistoryOp,
  HistoryPhase,
  HistoryValue,
  OffsetValue,
  ProcessId,
} from "../../../core/client/history.ts";

type Body = HistoryOp extends infer T
  ? T extends HistoryOp
    ? Omit<T, "phase" | "processId" | "opId" | "time">
    : never
  : never;

export class HistoryBuilder {
  readonly ops: HistoryOp[] = [];
  #time = 0;
  readonly #nextOpId = new Map<ProcessId, number>();

  /** Records an invoke; returns its op id for complete(). */
  invoke(process: ProcessId, body: Body): number {
    const opId = this.#nextOpId.get(process) ?? 0;
    this.#nextOpId.set(process, opId + 1);
    this.ops.push({
      ...body,
      phase: "invoke",
      processId: process,
      opId,
      time: this.#time++,
    } as HistoryOp);
    return opId;
  }

  complete(process: ProcessId, opId: number, phase: Exclude<HistoryPhase, "invoke">, body: Body) {
    this.ops.push({ ...body, phase, processId: process, opId, time: this.#time++ } as HistoryOp);
  }

  /** One send op of [key, value, offset] records, completed with `phase`. */
  send(
    process: ProcessId,
    records: readonly (readonly [HistoryKey, HistoryValue, number | null])[],
    phase: Exclude<HistoryPhase, "invoke"> = "ok",
  ): this {
    const invoked = records.map(([key, value]) => ({ key, value, offset: null }));
    const opId = this.invoke(process, { type: "send", sends: invoked });
    const done = records.map(([key, value, offset]) => ({
      key,
      value,
      offset: phase === "ok" ? offset : null,
    }));
    this.complete(process, opId, phase, { type: "send", sends: done });
    return this;
  }

  /** One poll op returning `reads` (key -> records). */
  poll(
    process: ProcessId,
    reads: Record<number, readonly OffsetValue[]>,
    options: { phase?: Exclude<HistoryPhase, "invoke">; rebalancedKeys?: HistoryKey[] } = {},
  ): this {
    const opId = this.invoke(process, { type: "poll", reads: [] });
    const list = Object.entries(reads).map(([key, records]) => ({ key: Number(key), records }));
    const rebalanced =
      options.rebalancedKeys === undefined ? {} : { rebalancedKeys: options.rebalancedKeys };
    this.complete(process, opId, options.phase ?? "ok", {
      type: "poll",
      reads: list,
      ...rebalanced,
    });
    return this;
  }

  assign(process: ProcessId, keys: HistoryKey[], seekToBeginning = false): this {
    const body: Body = { type: "assign", keys, seekToBeginning };
    this.complete(process, this.invoke(process, body), "ok", body);
    return this;
  }

  subscribe(process: ProcessId, keys: HistoryKey[]): this {
    const body: Body = { type: "subscribe", keys };
    this.complete(process, this.invoke(process, body), "ok", body);
    return this;
  }

  commit(process: ProcessId, offsets: Record<number, number>): this {
    const list = Object.entries(offsets).map(([key, offset]) => ({ key: Number(key), offset }));
    const body: Body = { type: "commit", offsets: list };
    this.complete(process, this.invoke(process, body), "ok", body);
    return this;
  }

  crash(process: ProcessId): this {
    this.complete(process, this.invoke(process, { type: "crash" }), "info", { type: "crash" });
    return this;
  }
}

/** [offset, value] pairs for consecutive offsets from `offset`, values from `value`. */
export function run(offset: number, values: readonly number[]): OffsetValue[] {
  return values.map((value, i) => [offset + i, value] as const);
}
