// The trace file format (NDJSON) shared by the simulator, its exporters and the viewer: a header
// line, then one event per line `{seq, t, node?, type, ...}`. Invariant: encoding is a pure
// function of the event (keys in insertion order), so equal runs give byte-identical lines.
//
// Bytes: a Uint8Array is written as {"$bytes": length, "head": hex of the first 16 bytes,
// "fnv": FNV-1a 32 of all bytes} (compact, and any changed byte changes the line), or with
// `fullBytes` as {"$bytes": length, "b64": base64}. A bigint is {"$bigint": "decimal"}; a Map is
// {"$map": [[k, v], ...]}; a Set is {"$set": [...]}. Undefined object fields are left out.

import type { DiskOpType } from "../core/disk.ts";
import type { NodeId } from "../core/ids.ts";
import type { TraceEvent, TraceEventType } from "../core/trace.ts";
import type { Fault, FaultModel, ScheduledFault } from "./faults.ts";
import type { SwarmParams } from "./swarm.ts";

export const traceFormat = "runnel-trace";
export const traceVersion = 1;

export type MessageKind = "peer" | "request" | "response";
export type ConnectionKind = "peer" | "client";
export type NodeRole = "server" | "client";

export type FailureKind =
  | "node-step"
  | "node-invariant"
  | "global-invariant"
  | "final-check"
  | "contract";

/** Events the world itself records (node `trace` effects are core's TraceEvent). */
export type SimTraceEvent =
  /** `at` is the arrival time, or null when the message waits (clog, partition, handshake). */
  | {
      readonly type: "net-send";
      readonly msg: number;
      readonly from: NodeId;
      readonly to: NodeId;
      readonly conn: number;
      readonly kind: MessageKind;
      /** Estimated bytes; present when the link had a bandwidth limit. */
      readonly size?: number | undefined;
      readonly at: number | null;
      readonly body?: unknown;
    }
  | {
      readonly type: "net-deliver";
      readonly msg: number;
      readonly from: NodeId;
      readonly to: NodeId;
      readonly conn: number;
    }
  | {
      readonly type: "net-drop";
      readonly msg: number;
      readonly from: NodeId;
      readonly to: NodeId;
      readonly conn: number;
      readonly reason: string;
    }
  | {
      readonly type: "conn-open";
      readonly conn: number;
      readonly from: NodeId;
      readonly to: NodeId;
      readonly kind: ConnectionKind;
    }
  | {
      readonly type: "conn-break";
      readonly conn: number;
      readonly from: NodeId;
      readonly to: NodeId;
      readonly reason: string;
      readonly lost: number;
    }
  | { readonly type: "fault"; readonly fault: Fault }
  | { readonly type: "fault-skipped"; readonly fault: Fault; readonly reason: string }
  | {
      readonly type: "proc-crash";
      readonly incarnation: number;
      readonly diskOpsLost: number;
      readonly inputsLost: number;
      readonly unsyncedBytesLost: number;
    }
  | { readonly type: "proc-start"; readonly incarnation: number }
  | { readonly type: "proc-pause" }
  | { readonly type: "proc-resume"; readonly queued: number }
  | { readonly type: "proc-wipe" }
  | { readonly type: "clock"; readonly local: number; readonly rate: number }
  | {
      readonly type: "disk-op";
      readonly id: number;
      readonly op: DiskOpType;
      readonly path: string;
      readonly ok: boolean;
      readonly code?: string | undefined;
    }
  | { readonly type: "timer"; readonly local: number }
  | { readonly type: "phase"; readonly phase: "quiet"; readonly core: readonly NodeId[] }
  | { readonly type: "failure"; readonly kind: FailureKind; readonly message: string };

export type SimTraceEventType = SimTraceEvent["type"];

// The world's event names and core's must never collide: a line's `type` says who wrote it.
type Collisions = Extract<SimTraceEventType, TraceEventType>;
const namesAreDisjoint: [Collisions] extends [never] ? true : false = true;
void namesAreDisjoint;

/** One line of the trace after the header. `node` is absent for world-wide events. */
export type TraceRecord = {
  readonly seq: number;
  /** True simulated time in ms (not the node's clock). */
  readonly t: number;
  readonly node?: NodeId;
} & (SimTraceEvent | TraceEvent);

export interface TraceNode {
  readonly id: NodeId;
  readonly role: NodeRole;
}

/** The run's configuration, as the header records it. */
export interface TraceConfig {
  readonly durationMs: number;
  readonly maxEvents: number;
  readonly faultPhaseMs: number;
  readonly faultPlan: "swarm" | "none" | "explicit";
  readonly faultModel: FaultModel;
  /** Local clocks read this (plus their skew) at true time 0. */
  readonly clockEpochMs: number;
  /** Whether a process's readings may go back ("raw") or stand still instead ("monotonic"). */
  readonly clockMode: "monotonic" | "raw";
  readonly replay: string;
  /** Whatever the scenario said about itself (JSON-safe). */
  readonly scenario?: unknown;
}

/** The first line: enough to replay the run (seed, commit, config) and to read the rest. */
export interface TraceHeader {
  readonly format: typeof traceFormat;
  readonly version: typeof traceVersion;
  readonly seed: string;
  readonly commit: string;
  readonly nodes: readonly TraceNode[];
  readonly config: TraceConfig;
  /** The drawn swarm parameters (every kind, link, clock and disk) and the fault schedule. */
  readonly faults: {
    readonly params: SwarmParams;
    readonly schedule: readonly ScheduledFault[];
  };
}

export interface EncodeOptions {
  readonly fullBytes: boolean;
}

const hexDigits = "0123456789abcdef";

/** FNV-1a 32 over bytes, as 8 hex digits. */
export function fnv32Hex(bytes: Uint8Array): string {
  let h = 0x811c9dc5;
  for (let i = 0; i < bytes.length; i++) h = Math.imul(h ^ bytes[i]!, 0x01000193);
  return (h >>> 0).toString(16).padStart(8, "0");
}

function hexHead(bytes: Uint8Array, count: number): string {
  let out = "";
  const end = Math.min(count, bytes.length);
  for (let i = 0; i < end; i++) {
    const b = bytes[i]!;
    out += hexDigits[b >> 4]! + hexDigits[b & 15]!;
  }
  return out;
}

function encodeBytes(bytes: Uint8Array, options: EncodeOptions): string {
  if (options.fullBytes) {
    const b64 = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString("base64");
    return `{"$bytes":${bytes.length},"b64":"${b64}"}`;
  }
  return `{"$bytes":${bytes.length},"head":"${hexHead(bytes, 16)}","fnv":"${fnv32Hex(bytes)}"}`;
}

/** JSON text of `value` under the rules in this file's header. */
export function encodeValue(value: unknown, options: EncodeOptions, depth = 0): string {
  if (depth > 64) throw new Error("trace value nested deeper than 64 levels (a cycle?)");
  switch (typeof value) {
    case "string":
      return JSON.stringify(value);
    case "number":
      return Number.isFinite(value) ? String(value) : "null";
    case "boolean":
      return value ? "true" : "false";
    case "bigint":
      return `{"$bigint":"${value.toString()}"}`;
    case "object":
      return encodeObject(value, options, depth);
    default:
      // undefined, functions and symbols have no JSON form.
      return "null";
  }
}

function encodeObject(value: object | null, options: EncodeOptions, depth: number): string {
  if (value === null) return "null";
  if (value instanceof Uint8Array) return encodeBytes(value, options);
  if (Array.isArray(value)) {
    let out = "[";
    for (let i = 0; i < value.length; i++) {
      if (i > 0) out += ",";
      out += encodeValue(value[i], options, depth + 1);
    }
    return `${out}]`;
  }
  if (value instanceof Map) {
    return `{"$map":${encodeValue([...value.entries()], options, depth + 1)}}`;
  }
  if (value instanceof Set) return `{"$set":${encodeValue([...value], options, depth + 1)}}`;
  return `{${encodeFields(value as Record<string, unknown>, options, depth, true)}}`;
}

/** Quoted field names, computed once per name (names repeat on every line). */
const quotedKeys = new Map<string, string>();

function quoted(key: string): string {
  let q = quotedKeys.get(key);
  if (q === undefined) {
    q = `${JSON.stringify(key)}:`;
    if (quotedKeys.size < 10_000) quotedKeys.set(key, q);
  }
  return q;
}

/** `"k":v` pairs of a plain object's fields, comma-separated, undefined fields left out. */
function encodeFields(
  value: Record<string, unknown>,
  options: EncodeOptions,
  depth: number,
  first: boolean,
): string {
  let out = "";
  let needComma = !first;
  for (const key in value) {
    const field = value[key];
    if (field === undefined) continue;
    if (needComma) out += ",";
    out += quoted(key) + encodeValue(field, options, depth + 1);
    needComma = true;
  }
  return out;
}

/**
 * One trace line (without the newline). The hottest events have hand-written encoders that give
 * exactly what the generic one gives (a test compares them).
 */
export function encodeRecord(
  seq: number,
  t: number,
  node: NodeId | undefined,
  event: SimTraceEvent | TraceEvent,
  options: EncodeOptions,
): string {
  const head =
    node === undefined ? `{"seq":${seq},"t":${t}` : `{"seq":${seq},"t":${t},"node":${node}`;
  switch (event.type) {
    case "net-deliver": {
      const { msg, from, to, conn } = event;
      return `${head},"type":"net-deliver","msg":${msg},"from":${from},"to":${to},"conn":${conn}}`;
    }
    case "net-send": {
      const { msg, from, to, conn, kind } = event;
      let out = `${head},"type":"net-send","msg":${msg},"from":${from},"to":${to},"conn":${conn},"kind":"${kind}"`;
      if (event.size !== undefined) out += `,"size":${event.size}`;
      out += `,"at":${event.at === null ? "null" : event.at}`;
      if (event.body !== undefined) out += `,"body":${encodeValue(event.body, options, 1)}`;
      return `${out}}`;
    }
    default:
      return `${head}${encodeGeneric(event, options)}}`;
  }
}

/** The generic encoding of an event's fields (what every event would get without a fast path). */
export function encodeGeneric(event: SimTraceEvent | TraceEvent, options: EncodeOptions): string {
  return encodeFields(event as unknown as Record<string, unknown>, options, 0, false);
}

/** Parses one trace line (header or record); the viewer and exporters read traces with it. */
export function parseTraceLine(line: string): TraceHeader | TraceRecord {
  return JSON.parse(line) as TraceHeader | TraceRecord;
}

export function isTraceHeader(value: TraceHeader | TraceRecord): value is TraceHeader {
  return (value as TraceHeader).format === traceFormat;
}
