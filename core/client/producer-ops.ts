// The producer's application operations: each send op holds one or more (key, value) records and
// completes once every record has an outcome. An op is ok only if every record was acknowledged,
// failed only if no record can be in the log, and info (unknown) otherwise.

import { assert } from "../assert.ts";
import type { Offset } from "../ids.ts";
import { limits } from "../limits.ts";
import type { ProducerSequence } from "./history.ts";

/** One record of a send op: an integer key of the workload and a unique integer value. */
export interface SendRecord {
  readonly key: number;
  readonly value: number;
}

/** What became of one record. `fail` means certainly not in the log; `info` means unknown. */
export type RecordOutcome = (
  | { readonly type: "ok"; readonly offset: Offset }
  | { readonly type: "fail"; readonly error: string }
  | { readonly type: "info"; readonly error: string }
) & {
  /** Idempotent producers: the identity and sequence of the record's last attempt. */
  readonly sequence?: ProducerSequence;
};

export interface SendCompletion {
  readonly opId: number;
  readonly type: "ok" | "fail" | "info";
  /** Every record of the op, with its offset when acknowledged (null otherwise). */
  readonly records: readonly (SendRecord & {
    readonly offset: Offset | null;
    readonly sequence?: ProducerSequence;
  })[];
  /** Why the op is not ok (the first record's error), or null. */
  readonly error: string | null;
}

interface OpenOp {
  readonly records: readonly SendRecord[];
  readonly outcomes: (RecordOutcome | undefined)[];
  remaining: number;
}

export class SendOps {
  readonly #ops = new Map<number, OpenOp>();
  #nextOpId = 0;
  #unsettledRecords = 0;

  /** Records of open ops without an outcome yet: queued or in flight. */
  get unsettledRecords(): number {
    return this.#unsettledRecords;
  }

  /** Whether another op may open (the client holds at most clientPendingOpsMax). */
  get full(): boolean {
    return this.#ops.size >= limits.clientPendingOpsMax;
  }

  get size(): number {
    return this.#ops.size;
  }

  open(records: readonly SendRecord[]): number {
    assert(records.length > 0, "a send op needs at least one record");
    assert(!this.full, "too many open send ops");
    const opId = this.#nextOpId++;
    this.#unsettledRecords += records.length;
    this.#ops.set(opId, {
      records,
      outcomes: records.map(() => undefined),
      remaining: records.length,
    });
    return opId;
  }

  /** An op id no open op will ever use (for ops that complete at once, and the crash op). */
  reserveId(): number {
    return this.#nextOpId++;
  }

  records(opId: number): readonly SendRecord[] {
    const op = this.#ops.get(opId);
    assert(op !== undefined, `no open send op ${opId}`);
    return op.records;
  }

  /** Settles one record; returns the op's completion when it was the last one. */
  settle(opId: number, index: number, outcome: RecordOutcome): SendCompletion | undefined {
    const op = this.#ops.get(opId);
    assert(op !== undefined, `settling record of unknown op ${opId}`);
    assert(index >= 0 && index < op.records.length, `record ${index} outside op ${opId}`);
    assert(op.outcomes[index] === undefined, `record ${index} of op ${opId} settled twice`);
    op.outcomes[index] = outcome;
    op.remaining--;
    this.#unsettledRecords--;
    if (op.remaining > 0) return undefined;
    this.#ops.delete(opId);
    return completion(opId, op);
  }

  /** The process crashed: every open op ends with an unknown outcome, oldest first. */
  abandon(reason: string): SendCompletion[] {
    const done: SendCompletion[] = [];
    for (const [opId, op] of this.#ops) {
      op.outcomes.forEach((outcome, i) => {
        if (outcome === undefined) op.outcomes[i] = { type: "info", error: reason };
      });
      done.push(completion(opId, op));
    }
    this.#ops.clear();
    this.#unsettledRecords = 0;
    return done;
  }

  checkInvariants(): void {
    let unsettled = 0;
    for (const [opId, op] of this.#ops) {
      const open = op.outcomes.filter((o) => o === undefined).length;
      assert(open === op.remaining && open > 0, `op ${opId} remaining count drifted`);
      unsettled += open;
    }
    assert(unsettled === this.#unsettledRecords, "unsettled record count drifted");
  }
}

function completion(opId: number, op: OpenOp): SendCompletion {
  const outcomes = op.outcomes.map((o) => {
    assert(o !== undefined, `op ${opId} completed with an open record`);
    return o;
  });
  const records = op.records.map((r, i) => {
    const o = outcomes[i]!;
    const offset = o.type === "ok" ? o.offset : null;
    return o.sequence === undefined
      ? { key: r.key, value: r.value, offset }
      : { key: r.key, value: r.value, offset, sequence: o.sequence };
  });
  const firstError = outcomes.find((o) => o.type !== "ok") as
    | Exclude<RecordOutcome, { type: "ok" }>
    | undefined;
  let type: SendCompletion["type"] = "info";
  if (outcomes.every((o) => o.type === "ok")) type = "ok";
  else if (outcomes.every((o) => o.type === "fail")) type = "fail";
  const error = firstError === undefined ? null : firstError.error;
  return { opId, type, records, error };
}
