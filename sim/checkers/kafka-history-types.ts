// What the Jepsen Kafka history checker reports: the anomaly classes of Jepsen's kafka workload
// (sim-anchors §2.3), one example shape per class with what a reader needs to debug it, and the
// result. Offsets are the log's; an index is a position in a key's version order, gaps removed.

import type { HistoryKey, HistoryValue, ProcessId } from "../../core/client/history.ts";
import type { Millis, Offset } from "../../core/ids.ts";
import type { HistoryIndex } from "./kafka-history-index.ts";

export const ANOMALY_CLASSES = [
  "lost-write",
  "duplicate",
  "inconsistent-offsets",
  "poll-skip",
  "nonmonotonic-poll",
  "int-poll-skip",
  "int-nonmonotonic-poll",
  "nonmonotonic-send",
  "int-send-skip",
  "int-nonmonotonic-send",
  "unseen",
  "G1a",
  "phantom-read",
] as const;

export type AnomalyClass = (typeof ANOMALY_CLASSES)[number];

/** Jepsen allows these always: another writer may interleave between two sends of one op. */
export const ALWAYS_ALLOWED: readonly AnomalyClass[] = ["int-send-skip"];
/** With group subscription, rebalances legitimately move consumer positions back and forth. */
export const ALLOWED_WITH_SUBSCRIBE: readonly AnomalyClass[] = ["poll-skip", "nonmonotonic-poll"];

/** Where an op is in the history: the index of its completion (or of its invoke if none). */
export interface OpRef {
  readonly index: number;
  readonly processId: ProcessId;
  readonly opId: number;
  readonly time: Millis;
}

/** A record at a position of a key's version order. */
export interface Position {
  readonly offset: Offset;
  readonly index: number;
  readonly value: HistoryValue;
}

/** A sent value's position, when known (from the acknowledgement or from a read). */
export interface SentPosition {
  readonly value: HistoryValue;
  readonly offset: Offset | null;
  readonly index: number;
}

export type AnomalyExample =
  | {
      readonly type: "lost-write";
      readonly key: HistoryKey;
      readonly value: HistoryValue;
      readonly offset: Offset | null;
      readonly index: number;
      /** The highest index below which every committed value must have been read. */
      readonly boundIndex: number;
      readonly boundOffset: Offset;
      readonly writer: OpRef;
    }
  | {
      readonly type: "duplicate";
      readonly key: HistoryKey;
      readonly value: HistoryValue;
      readonly offsets: readonly Offset[];
    }
  | {
      readonly type: "inconsistent-offsets";
      readonly key: HistoryKey;
      readonly offset: Offset;
      readonly values: readonly HistoryValue[];
    }
  | {
      readonly type: "poll-skip" | "nonmonotonic-poll";
      readonly key: HistoryKey;
      readonly processId: ProcessId;
      /** The last record the process read of this key, and the first it read next. */
      readonly previous: Position & { readonly op: OpRef };
      readonly next: Position & { readonly op: OpRef };
      readonly delta: number;
      /** Values at the skipped indices (at most 32), for poll-skip. */
      readonly skipped: readonly HistoryValue[];
    }
  | {
      readonly type: "int-poll-skip" | "int-nonmonotonic-poll";
      readonly key: HistoryKey;
      readonly op: OpRef;
      readonly from: Position;
      readonly to: Position;
      readonly delta: number;
      readonly skipped: readonly HistoryValue[];
    }
  | {
      readonly type: "nonmonotonic-send";
      readonly key: HistoryKey;
      readonly processId: ProcessId;
      readonly previous: SentPosition & { readonly op: OpRef };
      readonly next: SentPosition & { readonly op: OpRef };
      readonly delta: number;
    }
  | {
      readonly type: "int-send-skip" | "int-nonmonotonic-send";
      readonly key: HistoryKey;
      readonly op: OpRef;
      readonly from: SentPosition;
      readonly to: SentPosition;
      readonly delta: number;
    }
  | {
      readonly type: "unseen";
      readonly key: HistoryKey;
      /** How many acknowledged values of this key no ok poll returned. */
      readonly count: number;
      /** The first of them (at most 32), in send order. */
      readonly values: readonly HistoryValue[];
    }
  | {
      readonly type: "G1a";
      readonly key: HistoryKey;
      readonly value: HistoryValue;
      readonly offset: Offset;
      readonly reader: OpRef;
      readonly writer: OpRef;
    }
  | {
      readonly type: "phantom-read";
      readonly key: HistoryKey;
      readonly value: HistoryValue;
      readonly offset: Offset;
      readonly reader: OpRef;
    };

export interface KafkaHistoryCheckOptions {
  /**
   * Classes to report without failing: e.g. lost-write and unseen where the fault contract permits
   * loss (unclean election, acks=1 or acks=0 with a crash).
   */
  readonly allowed?: readonly AnomalyClass[];
  /** Examples kept per class (all are counted). Default 16. */
  readonly examplesPerClass?: number;
  /** The history's index when the caller built it already (buildIndex of the same history). */
  readonly index?: HistoryIndex;
}

export interface KafkaHistoryStats {
  readonly events: number;
  readonly processes: number;
  readonly keys: number;
  readonly sends: { readonly ok: number; readonly info: number; readonly fail: number };
  readonly polls: { readonly ok: number; readonly info: number; readonly fail: number };
  /** Values acknowledged by ok sends, and distinct values returned by ok polls. */
  readonly valuesAcked: number;
  readonly valuesRead: number;
  /** Distinct (key, offset) positions in the version orders. */
  readonly positions: number;
  /** Ops whose invoke never completed (treated as info). */
  readonly unfinished: number;
}

export interface KafkaHistoryResult {
  readonly valid: boolean;
  /** Classes found and not allowed: why `valid` is false. */
  readonly failing: readonly AnomalyClass[];
  /** Classes that did not count against validity (options, subscribe, Jepsen's defaults). */
  readonly allowed: readonly AnomalyClass[];
  readonly counts: Partial<Record<AnomalyClass, number>>;
  readonly anomalies: Partial<Record<AnomalyClass, readonly AnomalyExample[]>>;
  readonly stats: KafkaHistoryStats;
}

/** Collects examples per class, capped, while counting all of them. */
export class AnomalyLog {
  readonly #cap: number;
  readonly counts: Partial<Record<AnomalyClass, number>> = {};
  readonly examples: Partial<Record<AnomalyClass, AnomalyExample[]>> = {};

  constructor(cap: number) {
    this.#cap = cap;
  }

  /** Counts one anomaly; `make` builds its example only while under the cap. */
  add(type: AnomalyClass, make: () => AnomalyExample, count = 1): void {
    this.counts[type] = (this.counts[type] ?? 0) + count;
    const list = this.examples[type] ?? [];
    this.examples[type] = list;
    if (list.length < this.#cap) list.push(make());
  }
}
