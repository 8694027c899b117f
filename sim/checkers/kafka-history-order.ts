// The per-process anomalies of the Jepsen Kafka checker: what one consumer read next compared with
// what it read last (poll-skip, nonmonotonic-poll, and their int- forms inside one poll), and where
// one producer's later sends landed compared with its earlier ones (nonmonotonic-send, int-...).

import { assert, assertNever } from "../../core/assert.ts";
import type { HistoryKey, PollOp, PollRead, SendOp } from "../../core/client/history.ts";
import type { CompletedOp, HistoryIndex, KeyOrder } from "./kafka-history-index.ts";
import type { AnomalyLog, OpRef, Position, SentPosition } from "./kafka-history-types.ts";

const LISTED_VALUES_MAX = 32;

interface LastRead {
  readonly position: Position;
  readonly op: OpRef;
}

/** A sent value's position: an index range, for a value a duplicate put at several offsets. */
interface SentRange extends SentPosition {
  readonly maxIndex: number;
}

interface LastSent {
  readonly position: SentRange;
  readonly op: OpRef;
}

export function checkProcessOrder(index: HistoryIndex, log: AnomalyLog): void {
  const processes = [...index.paired.byProcess.keys()].sort((a, b) => a - b);
  for (const process of processes) {
    const lastRead = new Map<HistoryKey, LastRead>();
    const lastSent = new Map<HistoryKey, LastSent>();
    for (const op of index.paired.byProcess.get(process)!) {
      const body = op.completion;
      switch (body.type) {
        case "assign":
          // Keys outside the new set are forgotten; a rewind to the beginning is deliberate.
          if (op.phase === "ok") forgetKeys(lastRead, body.keys, body.seekToBeginning);
          break;
        case "subscribe":
          if (op.phase === "ok") forgetKeys(lastRead, body.keys, false);
          break;
        case "rebalance":
          // A key that leaves the member and comes back restarts from the committed offset.
          forgetKeys(lastRead, body.owned, false);
          break;
        case "close":
        case "crash":
          lastRead.clear();
          lastSent.clear();
          break;
        case "poll":
          if (op.phase === "ok") checkPoll(index, op, body, lastRead, log);
          break;
        case "send":
          if (op.phase !== "fail") checkSend(index, op, body, lastSent, log);
          break;
        case "commit":
        case "producer-id":
          break;
        default:
          assertNever(body, "history op");
      }
    }
  }
}

function forgetKeys(
  lastRead: Map<HistoryKey, LastRead>,
  keys: readonly HistoryKey[],
  all: boolean,
) {
  const kept = new Set(all ? [] : keys);
  for (const key of [...lastRead.keys()]) if (!kept.has(key)) lastRead.delete(key);
}

function checkPoll(
  index: HistoryIndex,
  op: CompletedOp,
  body: PollOp,
  lastRead: Map<HistoryKey, LastRead>,
  log: AnomalyLog,
): void {
  const exempt = new Set(body.rebalancedKeys ?? []);
  for (const read of body.reads) {
    if (read.records.length === 0) continue;
    const keyOrder = index.keys.get(read.key)!;
    const positions = indexRecords(keyOrder, read.records);
    if (!exempt.has(read.key)) {
      for (let i = 1; i < positions.length; i++) {
        const from = positions[i - 1]!;
        const to = positions[i]!;
        const delta = to.index - from.index;
        if (delta === 1) continue;
        const type = delta > 1 ? "int-poll-skip" : "int-nonmonotonic-poll";
        log.add(type, () => ({
          type,
          key: read.key,
          op: op.ref,
          from,
          to,
          delta,
          skipped: skippedValues(keyOrder, from.index, to.index),
        }));
      }
    }
    const previous = lastRead.get(read.key);
    const first = positions[0]!;
    if (previous !== undefined) {
      const delta = first.index - previous.position.index;
      if (delta !== 1) {
        const type = delta > 1 ? "poll-skip" : "nonmonotonic-poll";
        log.add(type, () => ({
          type,
          key: read.key,
          processId: op.ref.processId,
          previous: { ...previous.position, op: previous.op },
          next: { ...first, op: op.ref },
          delta,
          skipped: skippedValues(keyOrder, previous.position.index, first.index),
        }));
      }
    }
    lastRead.set(read.key, { position: positions.at(-1)!, op: op.ref });
  }
}

/**
 * The version-order position of each record of one read. Records of a read are usually at
 * consecutive indices, so the next index is tried before the hash lookup.
 */
function indexRecords(keyOrder: KeyOrder, records: PollRead["records"]): Position[] {
  const positions: Position[] = [];
  let previous = -2;
  for (const [offset, value] of records) {
    let at: number | undefined = previous + 1;
    if (at < 0 || at >= keyOrder.size || keyOrder.offsetAt(at) !== offset) {
      at = keyOrder.indexOf(offset);
      assert(at !== undefined, `polled offset ${offset} missing from key ${keyOrder.key}'s order`);
    }
    positions.push({ offset, index: at, value });
    previous = at;
  }
  return positions;
}

/** Values strictly between two indices (at most 32): what a skip jumped over. */
function skippedValues(keyOrder: KeyOrder, from: number, to: number): number[] {
  const values: number[] = [];
  for (let i = from + 1; i < to && values.length < LISTED_VALUES_MAX; i++) {
    values.push(...keyOrder.valuesAtOffset(keyOrder.offsetAt(i)));
  }
  return values.slice(0, LISTED_VALUES_MAX);
}

/** Where a sent value is: its acknowledged offset if that is in the order, else where it was read. */
function sentRange(
  keyOrder: KeyOrder,
  value: number,
  offset: number | null,
): SentRange | undefined {
  const acked = offset === null ? undefined : keyOrder.indexOf(offset);
  if (acked !== undefined) return { value, offset, index: acked, maxIndex: acked };
  const first = keyOrder.firstIndexOf(value);
  if (first === undefined) return undefined;
  const at = keyOrder.offsetAt(first);
  return { value, offset: at, index: first, maxIndex: keyOrder.lastIndexOf(value)! };
}

function checkSend(
  index: HistoryIndex,
  op: CompletedOp,
  body: SendOp,
  lastSent: Map<HistoryKey, LastSent>,
  log: AnomalyLog,
): void {
  const thisOp = new Map<HistoryKey, SentRange>(); // the previous position within this op
  for (const send of body.sends) {
    const keyOrder = index.keys.get(send.key)!;
    const at = sentRange(keyOrder, send.value, send.offset);
    if (at === undefined) continue;
    const within = thisOp.get(send.key);
    if (within !== undefined) {
      // Conservative with duplicates: skips use the nearest, regressions the farthest positions.
      const skip = at.index - within.maxIndex;
      const regress = at.maxIndex - within.index;
      const type = regress <= 0 ? "int-nonmonotonic-send" : skip > 1 ? "int-send-skip" : undefined;
      if (type !== undefined) {
        const delta = type === "int-send-skip" ? skip : regress;
        log.add(type, () => ({ type, key: send.key, op: op.ref, from: within, to: at, delta }));
      }
    } else {
      const previous = lastSent.get(send.key);
      const delta = previous === undefined ? 1 : at.maxIndex - previous.position.index;
      if (previous !== undefined && delta <= 0) {
        log.add("nonmonotonic-send", () => ({
          type: "nonmonotonic-send",
          key: send.key,
          processId: op.ref.processId,
          previous: { ...stripRange(previous.position), op: previous.op },
          next: { ...stripRange(at), op: op.ref },
          delta,
        }));
      }
    }
    thisOp.set(send.key, at);
  }
  for (const [key, position] of thisOp) lastSent.set(key, { position, op: op.ref });
}

function stripRange({ value, offset, index }: SentRange): SentPosition {
  return { value, offset, index };
}
