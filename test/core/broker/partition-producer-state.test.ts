// A hosted log's producer state against a deliberately naive model: after any sequence of leader
// appends (new batches, retries, gaps), truncations (back to a snapshot, then the log read forward),
// maintenance snapshots and restarts (rebuilt from the log), the state equals the state rebuilt
// from scratch over the log as it now is — and a retry is a duplicate exactly when its batch is one
// of its producer's last five in the log.

import { fc, test } from "@fast-check/vitest";
import { expect } from "vitest";
import { PartitionProducerState } from "../../../core/broker/partition-producer-state.ts";
import type { LogReadRequest, LogReadResult } from "../../../core/log/log-read.ts";
import { encodeBatch, scanBatches } from "../../../core/log/record-batch.ts";
import { Outbox } from "../../../core/outbox.ts";
import { producerBatchOf } from "../../../core/producers/producer-batch.ts";
import { ProducerStateManager } from "../../../core/producers/producer-state-manager.ts";

interface LogBatch {
  readonly producerId: number;
  readonly baseSequence: number;
  readonly count: number;
  readonly baseOffset: number;
}

type Action =
  | { readonly type: "send"; readonly p: number; readonly count: number }
  | { readonly type: "retry"; readonly p: number; readonly back: number }
  | { readonly type: "gap"; readonly p: number }
  | { readonly type: "truncate"; readonly drop: number }
  | { readonly type: "maintain" }
  | { readonly type: "restart" };

const actionArb: fc.Arbitrary<Action> = fc.oneof(
  {
    weight: 6,
    arbitrary: fc.record({
      type: fc.constant("send" as const),
      p: fc.nat(2),
      count: fc.integer({ min: 1, max: 3 }),
    }),
  },
  {
    weight: 3,
    arbitrary: fc.record({ type: fc.constant("retry" as const), p: fc.nat(2), back: fc.nat(7) }),
  },
  { weight: 1, arbitrary: fc.record({ type: fc.constant("gap" as const), p: fc.nat(2) }) },
  {
    weight: 2,
    arbitrary: fc.record({
      type: fc.constant("truncate" as const),
      drop: fc.integer({ min: 1, max: 6 }),
    }),
  },
  { weight: 2, arbitrary: fc.record({ type: fc.constant("maintain" as const) }) },
  { weight: 1, arbitrary: fc.record({ type: fc.constant("restart" as const) }) },
);

function endOf(log: readonly LogBatch[]): number {
  const last = log.at(-1);
  return last === undefined ? 0 : last.baseOffset + last.count;
}

function bytesOf(b: LogBatch): Uint8Array {
  return encodeBatch({
    baseOffset: b.baseOffset,
    baseTimestamp: 1_000,
    producerId: b.producerId,
    producerEpoch: 0,
    baseSequence: b.baseSequence,
    records: Array.from({ length: b.count }, () => ({ key: null, value: new Uint8Array([1]) })),
  });
}

/** Whole batches from the one holding the offset, below upperBound, at least one (as the log reads). */
function readerOver(log: readonly LogBatch[], maxBatches: number) {
  return (request: LogReadRequest, done: (result: LogReadResult) => void) => {
    const parts = log
      .filter((b) => b.baseOffset + b.count - 1 >= request.offset)
      .filter((b) => b.baseOffset + b.count - 1 < request.upperBound)
      .slice(0, maxBatches)
      .map(bytesOf);
    const bytes = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
    let at = 0;
    for (const part of parts) {
      bytes.set(part, at);
      at += part.length;
    }
    const last = parts.length === 0 ? -1 : (scanBatches(bytes).batches.at(-1)?.header ?? null);
    const lastOffset = last === -1 || last === null ? -1 : last.baseOffset + last.lastOffsetDelta;
    done({ type: "records", bytes, batchCount: parts.length, lastOffset });
  };
}

/** Producer id, epoch and retained batches: what dedupe depends on (not the idle clock). */
function essence(manager: ProducerStateManager) {
  return manager.snapshot().entries.map((e) => ({
    id: e.producerId,
    epoch: e.producerEpoch,
    batches: e.batches.map((b) => [b.firstSequence, b.lastSequence, b.firstOffset, b.lastOffset]),
  }));
}

function naive(log: readonly LogBatch[]): ProducerStateManager {
  return ProducerStateManager.rebuild(
    log.map((b) => producerBatchOf(scanBatches(bytesOf(b)).batches[0]!.header)),
  );
}

test.prop([fc.array(actionArb, { minLength: 10, maxLength: 80 }), fc.integer({ min: 1, max: 4 })], {
  numRuns: 200,
})(
  "equals the state rebuilt from the log after appends, retries, truncations and restarts",
  (actions, maxBatchesPerRead) => {
    const outbox = new Outbox();
    const config = { producerIdExpirationMs: 86_400_000 };
    let state = new PartitionProducerState(config, outbox, "t", 0);
    let log: LogBatch[] = [];
    const nextSequence = [0, 0, 0];
    // Reads see the log as it is when they run.
    const reader = (request: LogReadRequest, done: (result: LogReadResult) => void) =>
      readerOver(log, maxBatchesPerRead)(request, done);
    for (const action of actions) {
      const logEnd = endOf(log);
      if (action.type === "send" || action.type === "gap" || action.type === "retry") {
        const p = action.p;
        let candidate: LogBatch;
        if (action.type === "retry") {
          const own = log.filter((b) => b.producerId === p);
          const old = own.at(-1 - action.back);
          if (old === undefined) continue;
          candidate = { ...old, baseOffset: 0 };
        } else {
          const skip = action.type === "gap" ? 1 : 0;
          candidate = {
            producerId: p,
            baseSequence: (nextSequence[p] ?? 0) + skip,
            count: action.type === "send" ? action.count : 1,
            baseOffset: 0,
          };
        }
        const batches = scanBatches(bytesOf(candidate)).batches;
        const check = state.checkLeaderAppend(batches);
        const own = log.filter((b) => b.producerId === p);
        const retained = own
          .slice(-5)
          .find((b) => b.baseSequence === candidate.baseSequence && b.count === candidate.count);
        if (retained !== undefined) {
          expect(check).toEqual({
            ok: true,
            value: {
              type: "duplicate",
              firstOffset: retained.baseOffset,
              lastOffset: retained.baseOffset + retained.count - 1,
            },
          });
          continue;
        }
        const follows =
          own.length === 0 ||
          candidate.baseSequence === (own.at(-1)?.baseSequence ?? 0) + (own.at(-1)?.count ?? 0);
        expect(check.ok).toBe(follows);
        if (!check.ok) continue;
        state.appendedAsLeader(5_000, batches, logEnd);
        log = [...log, { ...candidate, baseOffset: logEnd }];
        nextSequence[p] = candidate.baseSequence + candidate.count;
      } else if (action.type === "truncate") {
        log = log.slice(0, Math.max(0, log.length - action.drop));
        const end = endOf(log);
        let done = false;
        state.truncated(reader, 0, end, () => {
          done = true;
        });
        expect(done).toBe(true);
        for (const p of [0, 1, 2]) {
          const last = log.filter((b) => b.producerId === p).at(-1);
          nextSequence[p] =
            last === undefined ? (nextSequence[p] ?? 0) : last.baseSequence + last.count;
        }
      } else if (action.type === "maintain") {
        state.maintain(10_000, 0);
      } else {
        state = new PartitionProducerState(config, outbox, "t", 0);
        let done = false;
        state.rebuild(10_000, reader, 0, logEnd, () => {
          done = true;
        });
        expect(done).toBe(true);
      }
      state.checkInvariants();
      expect(essence(state.manager)).toEqual(essence(naive(log)));
    }
  },
);
