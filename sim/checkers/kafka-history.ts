// The Jepsen Kafka history checker: reads what the simulated clients observed and reports the
// anomaly classes of Jepsen's kafka workload. Linear in the records (plus one sort per key), never
// in the highest offset. Valid means: no anomaly outside the allowed classes.

import type { HistoryOp } from "../../core/client/history.ts";
import type { TraceEvent } from "../../core/trace.ts";
import { buildIndex, type HistoryIndex } from "./kafka-history-index.ts";
import { checkProcessOrder } from "./kafka-history-order.ts";
import {
  ALLOWED_WITH_SUBSCRIBE,
  ALWAYS_ALLOWED,
  ANOMALY_CLASSES,
  type AnomalyClass,
  AnomalyLog,
  type KafkaHistoryCheckOptions,
  type KafkaHistoryResult,
  type KafkaHistoryStats,
} from "./kafka-history-types.ts";
import { checkValues } from "./kafka-history-values.ts";

export function checkKafkaHistory(
  history: readonly HistoryOp[],
  options: KafkaHistoryCheckOptions = {},
): KafkaHistoryResult {
  const index = options.index ?? buildIndex(history);
  const log = new AnomalyLog(options.examplesPerClass ?? 16);
  checkValues(index, log);
  checkProcessOrder(index, log);
  const allowedSet = new Set<AnomalyClass>([
    ...ALWAYS_ALLOWED,
    ...(index.usesSubscribe ? ALLOWED_WITH_SUBSCRIBE : []),
    ...(options.allowed ?? []),
  ]);
  const found = ANOMALY_CLASSES.filter((c) => (log.counts[c] ?? 0) > 0);
  const failing = found.filter((c) => !allowedSet.has(c));
  return {
    valid: failing.length === 0,
    failing,
    allowed: ANOMALY_CLASSES.filter((c) => allowedSet.has(c)),
    counts: log.counts,
    anomalies: log.examples,
    stats: statsOf(history, index),
  };
}

/** The history ops among trace events, in trace order (what the simulator hands the checker). */
export function historyFromTrace(events: Iterable<TraceEvent>): HistoryOp[] {
  const ops: HistoryOp[] = [];
  for (const event of events) if (event.type === "history") ops.push(event.op);
  return ops;
}

function statsOf(history: readonly HistoryOp[], index: HistoryIndex): KafkaHistoryStats {
  const sends = { ok: 0, info: 0, fail: 0 };
  const polls = { ok: 0, info: 0, fail: 0 };
  let valuesAcked = 0;
  for (const op of index.paired.ops) {
    const body = op.completion;
    if (body.type === "send") {
      sends[op.phase]++;
      if (op.phase === "ok") valuesAcked += body.sends.length;
    } else if (body.type === "poll") {
      polls[op.phase]++;
    }
  }
  let valuesRead = 0;
  let positions = 0;
  for (const keyOrder of index.keys.values()) {
    positions += keyOrder.size;
    for (const facts of keyOrder.values.values()) if (facts.okReader !== undefined) valuesRead++;
  }
  return {
    events: history.length,
    processes: index.paired.byProcess.size,
    keys: index.keys.size,
    sends,
    polls,
    valuesAcked,
    valuesRead,
    positions,
    unfinished: index.paired.unfinished,
  };
}
