// The viewer's reading of trace lines: a loose record (any `type`, unknown types tolerated) and
// narrowing helpers that check the fields the panels rely on. Invariant: a record whose fields do
// not have the expected shape is treated as an unknown event (listed, never drawn), not a crash.

import type { PartitionStateEvent } from "../core/broker/trace-events.ts";
import type { RaftRoleName } from "../core/metadata/trace-events.ts";
import type { Fault } from "../sim/faults.ts";
import type { traceFormat, traceVersion } from "../sim/trace-format.ts";

/** Mirrors sim/trace-format.ts (a test proves they agree; the viewer may not import its values). */
export const expectedFormat: typeof traceFormat = "runnel-trace";
export const expectedVersion: typeof traceVersion = 1;

/** One trace line after the header, as the viewer sees it: any type, any fields. */
export interface AnyRecord {
  readonly seq: number;
  readonly t: number;
  readonly node?: number;
  readonly type: string;
  readonly [field: string]: unknown;
}

export function isRecord(value: unknown): value is AnyRecord {
  if (typeof value !== "object" || value === null) return false;
  const r = value as Record<string, unknown>;
  return typeof r.seq === "number" && typeof r.t === "number" && typeof r.type === "string";
}

export function num(r: AnyRecord, field: string): number | undefined {
  const v = r[field];
  return typeof v === "number" ? v : undefined;
}

export function str(r: AnyRecord, field: string): string | undefined {
  const v = r[field];
  return typeof v === "string" ? v : undefined;
}

export function numbers(value: unknown): number[] | undefined {
  if (!Array.isArray(value)) return undefined;
  for (const v of value) if (typeof v !== "number") return undefined;
  return value as number[];
}

/** "topic-partition", Kafka's own key for a partition (folders, maps). */
export function partitionKey(topic: string, partition: number): string {
  return `${topic}-${partition}`;
}

/** The topic and partition of any record that names one (log, broker, replication events). */
export function partitionOf(r: AnyRecord): string | undefined {
  const topic = str(r, "topic");
  const partition = num(r, "partition");
  return topic === undefined || partition === undefined
    ? undefined
    : partitionKey(topic, partition);
}

export function asPartitionState(r: AnyRecord): PartitionStateEvent | undefined {
  if (r.type !== "partition-state") return undefined;
  const fields = [
    "partition",
    "leader",
    "leaderEpoch",
    "logStartOffset",
    "logEndOffset",
    "highWatermark",
  ] as const;
  for (const f of fields) if (typeof r[f] !== "number") return undefined;
  if (typeof r.topic !== "string" || numbers(r.isr) === undefined) return undefined;
  const durable = num(r, "durableOffset");
  return {
    ...(r as unknown as PartitionStateEvent),
    durableOffset: durable ?? (r.logEndOffset as number),
  };
}

export interface RaftRole {
  readonly role: RaftRoleName | string;
  readonly epoch: number;
  readonly leaderId: number | null;
  readonly reason: string;
}

export function asRaftRole(r: AnyRecord): RaftRole | undefined {
  if (r.type !== "raft-role-changed") return undefined;
  const role = str(r, "role");
  const epoch = num(r, "epoch");
  if (role === undefined || epoch === undefined) return undefined;
  const leaderId = typeof r.leaderId === "number" ? r.leaderId : null;
  return { role, epoch, leaderId, reason: str(r, "reason") ?? "" };
}

export function asFault(r: AnyRecord): Fault | undefined {
  if (r.type !== "fault" && r.type !== "fault-skipped") return undefined;
  const f = r.fault;
  if (typeof f !== "object" || f === null || typeof (f as { type?: unknown }).type !== "string") {
    return undefined;
  }
  return f as Fault;
}

/** What a net-send carried, in a word: the peer message type or the client API. */
export function messageLabel(body: unknown): string {
  if (typeof body !== "object" || body === null) return "message";
  const b = body as Record<string, unknown>;
  if (typeof b.type === "string") return b.type;
  for (const side of ["request", "response"] as const) {
    const inner = b[side];
    if (typeof inner === "object" && inner !== null) {
      const api = (inner as Record<string, unknown>).api;
      if (typeof api === "string") return side === "request" ? api : `${api} response`;
    }
  }
  return "message";
}
