// The trace index the worker hands to the page: columns per event, per message, per replica and per
// partition, process spans, fault bands and notable events. Plain data and typed arrays only, so it
// crosses postMessage as transferable buffers. Invariant: every column of a group has `count` rows.

import type { FaultCategory } from "./fault-state.ts";

export interface LaneInfo {
  readonly id: number;
  readonly role: string;
}

export interface TraceInfo {
  readonly seed: string;
  readonly commit: string;
  readonly version: number;
  readonly nodes: readonly LaneInfo[];
  readonly config: unknown;
  readonly faults: unknown;
  /** The replay command, when the header carries one. */
  readonly replay: string | undefined;
}

export const messageStatus = { inFlight: 0, delivered: 1, dropped: 2, dropOnly: 3 } as const;
export const messageKinds = ["peer", "request", "response"] as const;

export interface MessageColumns {
  readonly count: number;
  readonly id: Float64Array;
  readonly sendIdx: Int32Array;
  /** Event index of the delivery or drop, -1 while in flight. */
  readonly endIdx: Int32Array;
  readonly from: Int32Array;
  readonly to: Int32Array;
  readonly sendT: Float64Array;
  /** NaN while in flight. */
  readonly endT: Float64Array;
  readonly status: Uint8Array;
  readonly kind: Uint8Array;
  readonly label: Int32Array;
  readonly labels: readonly string[];
  /** Messages in flight longer than `longMs` (or never ended): drawn whatever their send time. */
  readonly long: Int32Array;
  readonly longMs: number;
}

export interface ProcSpan {
  readonly node: number;
  readonly kind: "down" | "paused";
  readonly t0: number;
  /** NaN: still down or paused at the end of the trace. */
  readonly t1: number;
  readonly idx0: number;
  readonly idx1: number;
}

export type ProcMarkKind = "crash" | "start" | "restart" | "pause" | "resume" | "wipe" | "halt";

export interface ProcMark {
  readonly node: number;
  readonly kind: ProcMarkKind;
  readonly t: number;
  readonly idx: number;
}

export interface FaultBand {
  readonly key: string;
  readonly category: FaultCategory;
  readonly label: string;
  readonly nodes: readonly number[];
  readonly t0: number;
  /** NaN: still in force at the end of the trace. */
  readonly t1: number;
  readonly idx0: number;
}

export interface FaultInstant {
  readonly category: FaultCategory;
  readonly label: string;
  readonly nodes: readonly number[];
  readonly t: number;
  readonly idx: number;
}

/** One replica's reports over time (every `partition-state` of one node for one partition). */
export interface ReplicaSeries {
  readonly node: number;
  readonly key: string;
  readonly t: Float64Array;
  readonly idx: Int32Array;
  readonly logEndOffset: Float64Array;
  readonly highWatermark: Float64Array;
  readonly durableOffset: Float64Array;
  readonly logStartOffset: Float64Array;
  readonly leaderEpoch: Float64Array;
}

/** A partition's leader, leader epoch and ISR size, one row per change. */
export interface PartitionSeries {
  readonly key: string;
  readonly t: Float64Array;
  readonly leader: Int32Array;
  readonly leaderEpoch: Int32Array;
  readonly isrSize: Int32Array;
  readonly replicas: Int32Array;
}

/** A partition's high watermark as its leader reports it, one row per move. */
export interface HwSeries {
  readonly key: string;
  readonly t: Float64Array;
  readonly hw: Float64Array;
}

/** A consumer group's total lag (sum over its committed partitions), one row per change. */
export interface LagSeries {
  readonly group: string;
  readonly t: Float64Array;
  readonly lag: Float64Array;
  /** 1 from a row on while the group rebalances (PreparingRebalance, CompletingRebalance). */
  readonly rebalancing: Uint8Array;
}

export interface ResolvedBeat {
  readonly text: string;
  /** The event the beat pauses at, -1 when the trace never reached it. */
  readonly idx: number;
}

export interface IndexData {
  /** More lines follow: the page renders what it has and waits for the rest. */
  readonly partial: boolean;
  readonly info: TraceInfo;
  readonly count: number;
  readonly types: readonly string[];
  readonly type: Int32Array;
  readonly t: Float64Array;
  readonly seq: Float64Array;
  /** Node of each event, -1 for world events. */
  readonly node: Int32Array;
  /** Partition key index of each event, -1 when it names none. */
  readonly part: Int32Array;
  /** Message index of each net-* event, -1 otherwise. */
  readonly msg: Int32Array;
  readonly partitions: readonly string[];
  readonly messages: MessageColumns;
  readonly spans: readonly ProcSpan[];
  readonly marks: readonly ProcMark[];
  readonly bands: readonly FaultBand[];
  readonly instants: readonly FaultInstant[];
  readonly replicaSeries: readonly ReplicaSeries[];
  readonly partitionSeries: readonly PartitionSeries[];
  readonly hwSeries: readonly HwSeries[];
  readonly lagSeries: readonly LagSeries[];
  /** Scenario beats resolved to event indices (empty without a scenario). */
  readonly beats: readonly ResolvedBeat[];
  /** Indices of notable events and a bit per NotableKind (bit i = notableKinds[i]). */
  readonly notableIdx: Int32Array;
  readonly notableBits: Int32Array;
  readonly failures: readonly number[];
  readonly tMin: number;
  readonly tMax: number;
  readonly bytes: number;
}

/** The buffers of an IndexData, for postMessage's transfer list. */
export function transferables(data: IndexData): ArrayBuffer[] {
  const out: ArrayBuffer[] = [];
  const add = (a: { buffer: ArrayBufferLike }) => {
    if (a.buffer instanceof ArrayBuffer && !out.includes(a.buffer)) out.push(a.buffer);
  };
  for (const a of [data.type, data.t, data.seq, data.node, data.part, data.msg]) add(a);
  for (const a of [data.notableIdx, data.notableBits]) add(a);
  const m = data.messages;
  for (const a of [
    m.id,
    m.sendIdx,
    m.endIdx,
    m.from,
    m.to,
    m.sendT,
    m.endT,
    m.status,
    m.kind,
    m.label,
    m.long,
  ]) {
    add(a);
  }
  for (const s of data.replicaSeries) {
    for (const a of [
      s.t,
      s.idx,
      s.logEndOffset,
      s.highWatermark,
      s.durableOffset,
      s.logStartOffset,
      s.leaderEpoch,
    ]) {
      add(a);
    }
  }
  for (const s of data.partitionSeries) {
    for (const a of [s.t, s.leader, s.leaderEpoch, s.isrSize, s.replicas]) add(a);
  }
  for (const s of data.lagSeries) for (const a of [s.t, s.lag, s.rebalancing]) add(a);
  for (const s of data.hwSeries) for (const a of [s.t, s.hw]) add(a);
  return out;
}
