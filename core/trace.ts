// Trace events a node emits (as `trace` effects). The simulator stamps each with a sequence number,
// the simulated time and the node, and writes NDJSON; the viewer replays it; checkers read it.
// Each area owns its own union in its folder; this file only joins them.

import type { BrokerTraceEvent } from "./broker/trace-events.ts";
import type { ClientTraceEvent } from "./client/trace-events.ts";
import type { GroupTraceEvent } from "./groups/trace-events.ts";
import type { LogTraceEvent } from "./log/trace-events.ts";
import type { MetadataTraceEvent } from "./metadata/trace-events.ts";
import type { ReplicationTraceEvent } from "./replication/trace-events.ts";

/** A coverage mark: a named rare path was taken (TigerBeetle's marks, FoundationDB's probes). */
export interface MarkEvent {
  readonly type: "mark";
  readonly name: string;
}

/** A node finished recovery and serves requests. */
export interface NodeReadyEvent {
  readonly type: "node-ready";
}

export type TraceEvent =
  | MarkEvent
  | NodeReadyEvent
  | LogTraceEvent
  | BrokerTraceEvent
  | ReplicationTraceEvent
  | MetadataTraceEvent
  | GroupTraceEvent
  | ClientTraceEvent;

export type TraceEventType = TraceEvent["type"];
