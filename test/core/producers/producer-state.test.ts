// The idempotent producer state of a partition: Kafka's validation rules as a table, sequence wrap,
// expiry and the bound, and properties against a naive model that remembers every batch: the
// manager's verdicts match, accepted sequences per (producer, epoch) never overlap, and the state
// rebuilt from the log (or from a snapshot after a truncation) equals the one built incrementally.

import { fc, test } from "@fast-check/vitest";
import { describe, expect, it } from "vitest";
import { ErrorCode } from "../../../core/error-codes.ts";
import { limits } from "../../../core/limits.ts";
import type { AppendedBatch, ProducerBatch } from "../../../core/producers/producer-batch.ts";
import { ProducerStateManager } from "../../../core/producers/producer-state-manager.ts";
import { incrementSequence, SEQUENCE_MAX } from "../../../core/producers/sequence.ts";

function batch(
  producerId: number,
  producerEpoch: number,
  baseSequence: number,
  count = 1,
  maxTimestamp = 0,
): ProducerBatch {
  return {
    producerId,
    producerEpoch,
    baseSequence,
    lastOffsetDelta: count - 1,
    maxTimestamp,
    isControl: false,
    isTransactional: false,
  };
}

/** Checks then (when valid) appends at the log end, as a leader does; the verdict. */
function produce(m: ProducerStateManager, b: ProducerBatch) {
  const verdict = m.check(b);
  if (verdict.type === "append" || verdict.type === "no-producer")
    m.append({ ...b, baseOffset: m.endOffset });
  m.checkInvariants();
  return verdict;
}

describe("ProducerStateManager validation", () => {
  it("accepts sequences in order and recognises a retry of any of the last five batches", () => {
    const m = new ProducerStateManager();
    for (let i = 0; i < 6; i++) expect(produce(m, batch(7, 0, i * 2, 2)).type).toBe("append");
    // Batch 1 (sequences 2-3, offsets 2-3) is still remembered; batch 0 has left the window.
    expect(produce(m, batch(7, 0, 2, 2))).toEqual({
      type: "duplicate",
      errorCode: ErrorCode.DUPLICATE_SEQUENCE_NUMBER,
      firstOffset: 2,
      lastOffset: 3,
    });
    expect(produce(m, batch(7, 0, 0, 2))).toMatchObject({
      errorCode: ErrorCode.OUT_OF_ORDER_SEQUENCE_NUMBER,
    });
    expect(m.endOffset).toBe(12);
  });

  it.each([
    ["a gap", batch(1, 1, 3), ErrorCode.OUT_OF_ORDER_SEQUENCE_NUMBER],
    ["a sequence already passed", batch(1, 1, 1), ErrorCode.OUT_OF_ORDER_SEQUENCE_NUMBER],
    ["a partial retry", batch(1, 1, 0, 1), ErrorCode.OUT_OF_ORDER_SEQUENCE_NUMBER],
    ["an older epoch", batch(1, 0, 2), ErrorCode.INVALID_PRODUCER_EPOCH],
    ["a new epoch not at 0", batch(1, 2, 2), ErrorCode.OUT_OF_ORDER_SEQUENCE_NUMBER],
    ["a negative sequence", batch(1, 1, -1), ErrorCode.INVALID_RECORD],
    ["a negative epoch", batch(1, -1, 2), ErrorCode.INVALID_RECORD],
  ])("refuses %s", (_name, b, errorCode) => {
    const m = new ProducerStateManager();
    produce(m, batch(1, 1, 0, 2));
    expect(produce(m, b)).toMatchObject({ type: "error", errorCode });
    expect(m.endOffset).toBe(2);
  });

  it("fences an older epoch once a newer one appended, and lets the new epoch start at 0", () => {
    const m = new ProducerStateManager();
    produce(m, batch(1, 3, 0, 5));
    expect(produce(m, batch(1, 4, 0))).toMatchObject({ type: "append" });
    expect(produce(m, batch(1, 3, 5))).toMatchObject({
      errorCode: ErrorCode.INVALID_PRODUCER_EPOCH,
    });
    // The old epoch's batches are forgotten: its retry is not a duplicate any more.
    expect(produce(m, batch(1, 3, 0, 5))).toMatchObject({
      errorCode: ErrorCode.INVALID_PRODUCER_EPOCH,
    });
    expect(m.lastEntry(1)).toMatchObject({
      producerEpoch: 4,
      batches: [{ firstSequence: 0, lastSequence: 0 }],
    });
  });

  it("accepts any sequence from a producer it has no state for (KIP-360), and ignores producer id -1", () => {
    const m = new ProducerStateManager();
    expect(produce(m, batch(9, 2, 1_234))).toEqual({ type: "append", unknownProducer: true });
    expect(produce(m, batch(9, 2, 1_235))).toEqual({ type: "append", unknownProducer: false });
    expect(produce(m, batch(-1, -1, -1))).toEqual({ type: "no-producer" });
    expect(produce(m, batch(-1, -1, 0))).toEqual({ type: "no-producer" });
    expect(m.producerCount).toBe(1);
    expect(m.endOffset).toBe(4);
  });

  it("wraps sequences at int32 max", () => {
    const m = new ProducerStateManager();
    produce(m, batch(1, 0, SEQUENCE_MAX - 1, 3));
    expect(m.lastEntry(1)?.batches[0]).toMatchObject({
      firstSequence: SEQUENCE_MAX - 1,
      lastSequence: 0,
    });
    expect(produce(m, batch(1, 0, 1, 2)).type).toBe("append");
    expect(produce(m, batch(1, 0, SEQUENCE_MAX - 1, 3)).type).toBe("duplicate");
  });

  it("expires producers idle for producer.id.expiration.ms, by their last batch's timestamp", () => {
    const m = new ProducerStateManager({ producerIdExpirationMs: 1_000 });
    produce(m, batch(1, 0, 0, 1, 100));
    produce(m, batch(2, 0, 0, 1, 600));
    expect(m.removeExpiredProducers(1_099)).toEqual([]);
    expect(m.removeExpiredProducers(1_100)).toEqual([1]);
    expect(produce(m, batch(1, 0, 5)).type).toBe("append");
  });

  it("evicts the idlest producer past the bound", () => {
    const m = new ProducerStateManager();
    for (let p = 0; p <= limits.producersPerPartitionMax; p++) {
      const b = batch(p, 0, 0, 1, 1_000 + (p === 5 ? -1 : p));
      m.append({ ...b, baseOffset: m.endOffset });
    }
    m.checkInvariants();
    expect(m.producerCount).toBe(limits.producersPerPartitionMax);
    expect(m.evictions).toBe(1);
    expect(m.lastEntry(5)).toBeUndefined();
  });
});

// ---- Properties against a naive model ------------------------------------------------------------

type Action =
  | { readonly type: "send"; readonly p: number; readonly count: number }
  | { readonly type: "retry"; readonly p: number; readonly back: number }
  | { readonly type: "gap"; readonly p: number; readonly skip: number }
  | { readonly type: "bump"; readonly p: number; readonly restart: boolean }
  | { readonly type: "zombie"; readonly p: number };

const actionArb: fc.Arbitrary<Action> = fc.oneof(
  {
    weight: 8,
    arbitrary: fc.record({
      type: fc.constant("send" as const),
      p: fc.nat(2),
      count: fc.integer({ min: 1, max: 4 }),
    }),
  },
  {
    weight: 4,
    arbitrary: fc.record({ type: fc.constant("retry" as const), p: fc.nat(2), back: fc.nat(6) }),
  },
  {
    weight: 1,
    arbitrary: fc.record({
      type: fc.constant("gap" as const),
      p: fc.nat(2),
      skip: fc.integer({ min: 1, max: 3 }),
    }),
  },
  {
    weight: 1,
    arbitrary: fc.record({
      type: fc.constant("bump" as const),
      p: fc.nat(2),
      restart: fc.boolean(),
    }),
  },
  { weight: 1, arbitrary: fc.record({ type: fc.constant("zombie" as const), p: fc.nat(2) }) },
);

interface Sent {
  readonly batch: ProducerBatch;
}

/** The producers' side: what they send (new batches, retries, gaps, epoch bumps, zombies). */
class Producers {
  readonly epoch: number[] = [0, 0, 0];
  readonly next: number[];
  readonly sent: Sent[][] = [[], [], []];

  constructor(starts: readonly number[]) {
    this.next = [...starts];
  }

  batchFor(a: Action): ProducerBatch | undefined {
    const p = a.p;
    const epoch = this.epoch[p] ?? 0;
    const next = this.next[p] ?? 0;
    switch (a.type) {
      case "send": {
        const b = batch(100 + p, epoch, next, a.count);
        this.next[p] = incrementSequence(next, a.count);
        this.sent[p]?.push({ batch: b });
        return b;
      }
      case "retry":
        return this.sent[p]?.at(-1 - a.back)?.batch;
      case "gap":
        this.next[p] = incrementSequence(next, a.skip);
        return undefined;
      case "bump":
        this.epoch[p] = epoch + 1;
        if (a.restart) this.next[p] = 0;
        return undefined;
      case "zombie":
        return epoch === 0 ? undefined : batch(100 + p, epoch - 1, next, 1);
    }
  }

  /** Like Kafka's producers (KIP-360): after OUT_OF_ORDER_SEQUENCE_NUMBER, bump the epoch, restart at 0. */
  outOfOrder(a: Action): void {
    if (a.type !== "send") return;
    this.epoch[a.p] = (this.epoch[a.p] ?? 0) + 1;
    this.next[a.p] = 0;
  }
}

interface ModelBatch {
  readonly epoch: number;
  readonly first: number;
  readonly last: number;
  readonly firstOffset: number;
  readonly lastOffset: number;
}

/** Remembers every accepted batch of every producer; decides from the whole history. */
class NaiveModel {
  readonly accepted = new Map<number, ModelBatch[]>();

  verdict(b: ProducerBatch): { type: string; errorCode?: number; firstOffset?: number } {
    const history = this.accepted.get(b.producerId) ?? [];
    const current = history.at(-1);
    const last = incrementSequence(b.baseSequence, b.lastOffsetDelta);
    if (current !== undefined && current.epoch === b.producerEpoch) {
      const sameEpoch = history.filter((h) => h.epoch === current.epoch).slice(-5);
      const dup = sameEpoch.find((h) => h.first === b.baseSequence && h.last === last);
      if (dup !== undefined) return { type: "duplicate", firstOffset: dup.firstOffset };
    }
    if (current === undefined) return { type: "append" };
    if (b.producerEpoch < current.epoch)
      return { type: "error", errorCode: ErrorCode.INVALID_PRODUCER_EPOCH };
    if (b.producerEpoch > current.epoch) {
      return b.baseSequence === 0
        ? { type: "append" }
        : { type: "error", errorCode: ErrorCode.OUT_OF_ORDER_SEQUENCE_NUMBER };
    }
    const follows = b.baseSequence === (current.last === SEQUENCE_MAX ? 0 : current.last + 1);
    return follows
      ? { type: "append" }
      : { type: "error", errorCode: ErrorCode.OUT_OF_ORDER_SEQUENCE_NUMBER };
  }

  accept(b: AppendedBatch): void {
    const history = this.accepted.get(b.producerId) ?? [];
    const last = incrementSequence(b.baseSequence, b.lastOffsetDelta);
    history.push({
      epoch: b.producerEpoch,
      first: b.baseSequence,
      last,
      firstOffset: b.baseOffset,
      lastOffset: b.baseOffset + b.lastOffsetDelta,
    });
    this.accepted.set(b.producerId, history);
  }

  /** No sequence number of one (producer, epoch) was accepted twice. */
  checkNoDuplicates(): void {
    for (const [producerId, history] of this.accepted) {
      const seen = new Set<string>();
      for (const h of history) {
        for (
          let i = 0, s = h.first;
          i <= h.lastOffset - h.firstOffset;
          i++, s = incrementSequence(s, 1)
        ) {
          const key = `${h.epoch}/${s}`;
          expect(seen.has(key), `producer ${producerId} sequence ${key} accepted twice`).toBe(
            false,
          );
          seen.add(key);
        }
      }
    }
  }
}

const startsArb = fc.array(fc.constantFrom(0, 0, SEQUENCE_MAX - 3), { minLength: 3, maxLength: 3 });

function runHistory(starts: readonly number[], actions: readonly Action[]) {
  const m = new ProducerStateManager();
  const model = new NaiveModel();
  const producers = new Producers(starts);
  const log: AppendedBatch[] = [];
  for (const action of actions) {
    const b = producers.batchFor(action);
    if (b === undefined) continue;
    const expected = model.verdict(b);
    const verdict = m.check(b);
    expect(verdict.type).toBe(expected.type);
    if (verdict.type === "error") expect(verdict.errorCode).toBe(expected.errorCode);
    if (verdict.type === "error" && verdict.errorCode === ErrorCode.OUT_OF_ORDER_SEQUENCE_NUMBER) {
      producers.outOfOrder(action);
    }
    if (verdict.type === "duplicate") expect(verdict.firstOffset).toBe(expected.firstOffset);

    if (verdict.type === "append") {
      const appended = { ...b, baseOffset: m.endOffset };
      m.append(appended);
      model.accept(appended);
      log.push(appended);
    }
    m.checkInvariants();
  }
  model.checkNoDuplicates();
  return { m, log };
}

test.prop([startsArb, fc.array(actionArb, { minLength: 40, maxLength: 150 })], { numRuns: 300 })(
  "agrees with a naive model under retries, duplicates, gaps and epoch bumps",
  (starts, actions) => {
    runHistory(starts, actions);
  },
);

test.prop([startsArb, fc.array(actionArb, { minLength: 20, maxLength: 100 })], { numRuns: 200 })(
  "the state rebuilt from the log equals the incremental one",
  (starts, actions) => {
    const { m, log } = runHistory(starts, actions);
    expect(ProducerStateManager.rebuild(log).snapshot()).toEqual(m.snapshot());
  },
);

test.prop(
  [
    startsArb,
    fc.array(actionArb, { minLength: 20, maxLength: 100 }),
    fc.array(fc.nat(80), { maxLength: 6 }),
    fc.nat(100),
  ],
  { numRuns: 200 },
)(
  "after a truncation, snapshot plus replay equals the rebuilt prefix",
  (starts, actions, snapshotAt, cut) => {
    const { log } = runHistory(starts, actions);
    // A follower builds the same state as it appends, taking snapshots at some batch boundaries.
    const follower = new ProducerStateManager();
    const points = new Set(snapshotAt);
    log.forEach((b, i) => {
      if (points.has(i)) follower.takeSnapshot();
      follower.append(b);
    });
    const endOffset = Math.min(cut, follower.endOffset);
    const from = follower.truncateAndReload(endOffset, 0);
    expect(from).toBeLessThanOrEqual(endOffset);
    for (const b of log) if (b.baseOffset >= from && b.baseOffset < endOffset) follower.append(b);
    follower.checkInvariants();
    const prefix = log.filter((b) => b.baseOffset < endOffset);
    const expected = ProducerStateManager.rebuild(prefix).snapshot();
    expect(follower.snapshot().entries).toEqual(expected.entries);
  },
);
