// What the consumer-group and idempotent-producer checkers report: one anomaly class per promise
// (sim/checkers/README.md defines each), an example shape per class naming the ops that show it,
// and the result. Offsets are the log's; committed offsets are Kafka's "next record to consume".

import type { HistoryKey, HistoryValue } from "../../core/client/history.ts";
import type { Offset } from "../../core/ids.ts";
import type { OpRef } from "./kafka-history-types.ts";

export const GROUP_ANOMALY_CLASSES = [
  "partition-owned-twice",
  "committed-offset-regression",
  "group-poll-skip",
  "zombie-commit",
  "idempotent-duplicate",
] as const;

export type GroupAnomalyClass = (typeof GROUP_ANOMALY_CLASSES)[number];

/** One member's claim on a key in a generation: who, and the rebalance op that shows it. */
export interface Ownership {
  /** group.instance.id for a static member, else the member id. */
  readonly member: string;
  readonly op: OpRef;
}

export type GroupAnomalyExample =
  | {
      readonly type: "partition-owned-twice";
      readonly groupId: string;
      readonly generation: number;
      readonly key: HistoryKey;
      readonly first: Ownership;
      readonly second: Ownership;
    }
  | {
      readonly type: "committed-offset-regression";
      readonly groupId: string;
      readonly key: HistoryKey;
      /** The highest offset an ok commit had acknowledged before this commit was invoked. */
      readonly previous: { readonly offset: Offset; readonly op: OpRef };
      readonly next: { readonly offset: Offset; readonly op: OpRef };
    }
  | {
      readonly type: "group-poll-skip";
      readonly groupId: string;
      readonly key: HistoryKey;
      readonly commit: { readonly offset: Offset; readonly op: OpRef };
      /** The first offset below the commit that no member had polled when the commit was invoked. */
      readonly firstUnpolled: Offset;
      /** Known records from the first unpolled one up to the commit, and the unpolled (at most 32). */
      readonly count: number;
      readonly skipped: readonly (readonly [Offset, HistoryValue])[];
    }
  | {
      readonly type: "zombie-commit";
      readonly groupId: string;
      readonly commit: { readonly generation: number; readonly member: string; readonly op: OpRef };
      /**
       * What fenced the member before the commit was invoked: an assignment of a later generation,
       * or (static members) another member id's assignment under the same group.instance.id.
       */
      readonly superseded: { readonly generation: number; readonly op: OpRef };
      readonly keys: readonly HistoryKey[];
    }
  | {
      readonly type: "idempotent-duplicate";
      readonly key: HistoryKey;
      readonly value: HistoryValue;
      readonly offsets: readonly Offset[];
      readonly writer: OpRef;
      /** The producer identity and sequence of the record's last attempt, when recorded. */
      readonly sequence: {
        readonly producerId: number;
        readonly producerEpoch: number;
        readonly sequence: number;
      } | null;
    };

export interface GroupHistoryCheckOptions {
  /** Classes to report without failing. */
  readonly allowed?: readonly GroupAnomalyClass[];
  /** Examples kept per class (all are counted). Default 16. */
  readonly examplesPerClass?: number;
}

export interface GroupHistoryStats {
  readonly groups: number;
  readonly generations: number;
  readonly rebalances: number;
  readonly commits: { readonly ok: number; readonly info: number; readonly fail: number };
  /** Commits the coordinator rejected as fenced (ILLEGAL_GENERATION, UNKNOWN_MEMBER_ID, ...). */
  readonly fencedCommits: number;
  readonly idempotentValues: number;
}

export interface GroupHistoryResult {
  readonly valid: boolean;
  readonly failing: readonly GroupAnomalyClass[];
  readonly counts: Partial<Record<GroupAnomalyClass, number>>;
  readonly anomalies: Partial<Record<GroupAnomalyClass, readonly GroupAnomalyExample[]>>;
  readonly stats: GroupHistoryStats;
}

/** Collects examples per class, capped, while counting all of them. */
export class GroupAnomalyLog {
  readonly #cap: number;
  readonly counts: Partial<Record<GroupAnomalyClass, number>> = {};
  readonly examples: Partial<Record<GroupAnomalyClass, GroupAnomalyExample[]>> = {};

  constructor(cap: number) {
    this.#cap = cap;
  }

  add(type: GroupAnomalyClass, make: () => GroupAnomalyExample): void {
    this.counts[type] = (this.counts[type] ?? 0) + 1;
    const list = this.examples[type] ?? [];
    this.examples[type] = list;
    if (list.length < this.#cap) list.push(make());
  }
}
