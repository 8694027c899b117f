// Trace events of core/client/. Add a variant per thing worth seeing in a trace or the viewer.
// A simulated client reports each history event (invoke or completion) as it happens; the
// simulator collects them in trace order for the Jepsen Kafka history checker.

import type { HistoryOp } from "./history.ts";

export interface HistoryTraceEvent {
  readonly type: "history";
  readonly op: HistoryOp;
}

export type ClientTraceEvent = HistoryTraceEvent;
