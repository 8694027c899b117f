// The Jepsen Kafka checker's derived structures: ops paired with completions, and per key a version
// order (offset -> values from all polls and from sends that must have committed) with dense indices,
// in O(n log n): offsets are sorted and hashed, never array positions, so 2^50 offsets cost nothing.

import { assert, assertNever } from "../../core/assert.ts";
import type {
  HistoryKey,
  HistoryOp,
  HistoryValue,
  ProcessId,
  SendOp,
} from "../../core/client/history.ts";
import type { Offset } from "../../core/ids.ts";
import type { OpRef } from "./kafka-history-types.ts";

/** An op as the checker sees it: its completion (an unfinished op counts as info). */
export interface CompletedOp {
  readonly invoke: HistoryOp;
  completion: HistoryOp;
  phase: "ok" | "fail" | "info";
  ref: OpRef;
  finished: boolean;
}

export interface PairedHistory {
  /** Every op, in invocation order. */
  readonly ops: readonly CompletedOp[];
  /** Each process's ops, in invocation order. */
  readonly byProcess: ReadonlyMap<ProcessId, readonly CompletedOp[]>;
  readonly unfinished: number;
}

/** Pairs each invoke with its completion by (process, opId); a malformed history is a bug. */
export function pairOps(history: readonly HistoryOp[]): PairedHistory {
  const ops: CompletedOp[] = [];
  const byProcess = new Map<ProcessId, CompletedOp[]>();
  const open = new Map<ProcessId, Map<number, CompletedOp>>();
  history.forEach((event, index) => {
    const ref: OpRef = { index, processId: event.processId, opId: event.opId, time: event.time };
    let pending = open.get(event.processId);
    if (pending === undefined) {
      pending = new Map();
      open.set(event.processId, pending);
      byProcess.set(event.processId, []);
    }
    if (event.phase === "invoke") {
      assert(!pending.has(event.opId), `op ${event.processId}/${event.opId} invoked twice`);
      const op: CompletedOp = {
        invoke: event,
        completion: event,
        phase: "info",
        ref,
        finished: false,
      };
      pending.set(event.opId, op);
      ops.push(op);
      byProcess.get(event.processId)!.push(op);
      return;
    }
    const op = pending.get(event.opId);
    assert(op !== undefined, `completion of ${event.processId}/${event.opId} without an invoke`);
    assert(op.invoke.type === event.type, `op ${event.processId}/${event.opId} changed its type`);
    if (event.type === "send") checkSameSends(op.invoke as SendOp, event);
    pending.delete(event.opId);
    op.completion = event;
    op.phase = event.phase;
    op.ref = ref;
    op.finished = true;
  });
  return { ops, byProcess, unfinished: ops.filter((op) => !op.finished).length };
}

function checkSameSends(invoke: SendOp, completion: SendOp): void {
  assert(invoke.sends.length === completion.sends.length, "send completion changed its records");
  invoke.sends.forEach((send, i) => {
    const done = completion.sends[i]!;
    assert(send.key === done.key && send.value === done.value, "send completion changed a record");
    assert(
      completion.phase === "ok" || done.offset === null || completion.phase === "info",
      "a failed send cannot carry an offset",
    );
  });
}

/** What the history says about one value of one key. */
export interface ValueFacts {
  writer: CompletedOp | undefined;
  /** The offset the writer's completion acknowledged, if any. */
  ackedOffset: Offset | null;
  /** The first ok poll that returned it, and at which offset. */
  okReader: CompletedOp | undefined;
  okReadOffset: Offset;
}

/**
 * One key's version order. Offsets are collected in a hash map, then sorted once; index i is the
 * i-th distinct offset. Maps are keyed by the offset minus the key's first offset, which keeps the
 * keys small integers (fast to hash) even when the offsets themselves are near 2^50. Values per
 * offset are one number, plus a side map for the rare offsets with several values.
 */
export class KeyOrder {
  readonly key: HistoryKey;
  readonly values = new Map<HistoryValue, ValueFacts>();
  #base: Offset | undefined;
  readonly #firstValue = new Map<number, HistoryValue>();
  readonly #moreValues = new Map<number, HistoryValue[]>();
  #offsets: Offset[] = [];
  readonly #indexOf = new Map<number, number>();
  readonly #valueOffsets = new Map<HistoryValue, Offset | Offset[]>();
  #sealed = false;

  constructor(key: HistoryKey) {
    this.key = key;
  }

  facts(value: HistoryValue): ValueFacts {
    let facts = this.values.get(value);
    if (facts === undefined) {
      facts = { writer: undefined, ackedOffset: null, okReader: undefined, okReadOffset: -1 };
      this.values.set(value, facts);
    }
    return facts;
  }

  #relative(offset: Offset): number {
    if (this.#base === undefined) this.#base = offset;
    return smallInteger(offset - this.#base);
  }

  /** Records that `value` sits at `offset` in this key's log. */
  place(offset: Offset, value: HistoryValue): void {
    assert(!this.#sealed, "version order already sealed");
    const at = this.#relative(offset);
    const first = this.#firstValue.get(at);
    if (first === undefined) {
      this.#firstValue.set(at, value);
      return;
    }
    if (first === value) return;
    const more = this.#moreValues.get(at);
    if (more === undefined) this.#moreValues.set(at, [value]);
    else if (!more.includes(value)) more.push(value);
  }

  /** Sorts the offsets and builds the index and value -> offsets maps. */
  seal(): void {
    const base = this.#base ?? 0;
    const relative = [...this.#firstValue.keys()].sort((a, b) => a - b);
    this.#offsets = relative.map((at) => at + base);
    for (let index = 0; index < relative.length; index++) {
      const at = relative[index]!;
      this.#indexOf.set(at, index);
      this.#noteValue(this.#firstValue.get(at)!, at + base);
      for (const value of this.#moreValues.get(at) ?? []) this.#noteValue(value, at + base);
    }
    this.#sealed = true;
  }

  #noteValue(value: HistoryValue, offset: Offset): void {
    const seen = this.#valueOffsets.get(value);
    if (seen === undefined) this.#valueOffsets.set(value, offset);
    else if (typeof seen === "number") this.#valueOffsets.set(value, [seen, offset]);
    else seen.push(offset);
  }

  get size(): number {
    return this.#offsets.length;
  }

  indexOf(offset: Offset): number | undefined {
    return this.#base === undefined
      ? undefined
      : this.#indexOf.get(smallInteger(offset - this.#base));
  }

  offsetAt(index: number): Offset {
    const offset = this.#offsets[index];
    assert(offset !== undefined, `index ${index} outside key ${this.key}'s version order`);
    return offset;
  }

  valuesAtOffset(offset: Offset): HistoryValue[] {
    if (this.#base === undefined) return [];
    const at = smallInteger(offset - this.#base);
    const first = this.#firstValue.get(at);
    if (first === undefined) return [];
    return [first, ...(this.#moreValues.get(at) ?? [])];
  }

  /** Offsets with two or more different values. */
  conflictingOffsets(): Offset[] {
    const base = this.#base ?? 0;
    return [...this.#moreValues.keys()].sort((a, b) => a - b).map((at) => at + base);
  }

  /** Offsets where a value appears, ascending (empty if it is nowhere in the order). */
  offsetsOf(value: HistoryValue): Offset[] {
    const seen = this.#valueOffsets.get(value);
    if (seen === undefined) return [];
    return typeof seen === "number" ? [seen] : seen;
  }

  /** The index of the first offset where a value appears, or undefined. */
  firstIndexOf(value: HistoryValue): number | undefined {
    const seen = this.#valueOffsets.get(value);
    if (seen === undefined) return undefined;
    return this.indexOf(typeof seen === "number" ? seen : seen[0]!);
  }

  /** The index of the last offset where a value appears, or undefined. */
  lastIndexOf(value: HistoryValue): number | undefined {
    const seen = this.#valueOffsets.get(value);
    if (seen === undefined) return undefined;
    return this.indexOf(typeof seen === "number" ? seen : seen.at(-1)!);
  }

  /** Values found at more than one offset. */
  *duplicatedValues(): Generator<[HistoryValue, Offset[]]> {
    for (const [value, offsets] of this.#valueOffsets) {
      if (typeof offsets !== "number") yield [value, offsets];
    }
  }
}

/** An int32 as an int32 (a V8 small integer: hashed without boxing), anything else as is. */
function smallInteger(value: number): number {
  return value >= -0x40000000 && value < 0x40000000 ? value | 0 : value;
}

export interface HistoryIndex {
  readonly paired: PairedHistory;
  readonly keys: ReadonlyMap<HistoryKey, KeyOrder>;
  /** Send ops that must have committed: ok, or info with a value some ok poll returned. */
  readonly committedSends: ReadonlySet<CompletedOp>;
  readonly usesSubscribe: boolean;
}

/** Pairs the ops and builds every key's version order (Jepsen's version-orders). */
export function buildIndex(history: readonly HistoryOp[]): HistoryIndex {
  const paired = pairOps(history);
  const keys = new Map<HistoryKey, KeyOrder>();
  const order = (key: HistoryKey) => {
    let found = keys.get(key);
    if (found === undefined) {
      found = new KeyOrder(key);
      keys.set(key, found);
    }
    return found;
  };
  let usesSubscribe = false;
  for (const op of paired.ops) {
    const body = op.completion;
    switch (body.type) {
      case "send":
        for (const send of body.sends) {
          const facts = order(send.key).facts(send.value);
          assert(facts.writer === undefined, `value ${send.value} sent twice to key ${send.key}`);
          facts.writer = op;
          facts.ackedOffset = op.phase === "fail" ? null : send.offset;
        }
        break;
      case "poll":
        // Every poll, whatever its outcome: consumers must only ever see committed data.
        for (const read of body.reads) {
          const keyOrder = order(read.key);
          for (const [offset, value] of read.records) {
            keyOrder.place(offset, value);
            const facts = keyOrder.facts(value);
            if (op.phase === "ok" && facts.okReader === undefined) {
              facts.okReader = op;
              facts.okReadOffset = offset;
            }
          }
        }
        break;
      case "subscribe":
        usesSubscribe = true;
        break;
      case "assign":
      case "rebalance":
      case "producer-id":
      case "commit":
      case "close":
      case "crash":
        break;
      default:
        assertNever(body, "history op");
    }
  }
  const committedSends = placeCommittedSends(paired.ops, keys);
  for (const keyOrder of keys.values()) keyOrder.seal();
  return { paired, keys, committedSends, usesSubscribe };
}

/** Sends that must have committed: ok, or info with one of their values read by an ok poll. */
function placeCommittedSends(
  ops: readonly CompletedOp[],
  keys: Map<HistoryKey, KeyOrder>,
): Set<CompletedOp> {
  const committed = new Set<CompletedOp>();
  for (const op of ops) {
    const body = op.completion;
    if (body.type !== "send" || op.phase === "fail") continue;
    const mustHaveCommitted =
      op.phase === "ok" ||
      body.sends.some((s) => keys.get(s.key)!.values.get(s.value)!.okReader !== undefined);
    if (!mustHaveCommitted) continue;
    committed.add(op);
    for (const send of body.sends) {
      if (send.offset !== null) keys.get(send.key)!.place(send.offset, send.value);
    }
  }
  return committed;
}
