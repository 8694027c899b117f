// The history the simulated clients record, in the shape of Jepsen's Kafka workload: every client
// operation appears twice, as an invoke and as its completion (ok, fail or info), stamped with the
// client's process id and simulated time. Keys map one-to-one to topic-partitions; values are unique.

import type { Millis, Offset } from "../ids.ts";

/** A workload key: one topic-partition (see KeyMap in workload-keys.ts). */
export type HistoryKey = number;
/** A workload value: a unique non-negative integer, sent once, by one op. */
export type HistoryValue = number;
/**
 * One client incarnation. Its ops are recorded in invocation order; they may overlap (a producer
 * pipelines sends), and then "successive" means invoked later. A crash retires the process: a
 * restarted client records under a new process id.
 */
export type ProcessId = number;

/** Jepsen's op types: the invocation, then one completion. */
export type HistoryPhase = "invoke" | "ok" | "fail" | "info";

/** One record as a consumer saw it. */
export type OffsetValue = readonly [offset: Offset, value: HistoryValue];

/** One record of a send: on the invoke `offset` is null; on an ok completion it is the offset. */
export interface SendMicroOp {
  readonly key: HistoryKey;
  readonly value: HistoryValue;
  /** The offset the broker acknowledged; null when unknown (invoke, fail, info, acks=0). */
  readonly offset: Offset | null;
}

/** What one poll returned for one key: consecutive records in log order. */
export interface PollRead {
  readonly key: HistoryKey;
  readonly records: readonly OffsetValue[];
}

/** A committed position: Kafka's meaning, the offset of the next record to consume. */
export interface CommittedOffset {
  readonly key: HistoryKey;
  readonly offset: Offset;
}

interface HistoryOpBase {
  readonly phase: HistoryPhase;
  readonly processId: ProcessId;
  /** Pairs an invoke with its completion: unique among the ops of one process. */
  readonly opId: number;
  /** Simulated time of this event. */
  readonly time: Millis;
  /** Why a completion is fail or info (a Kafka error name, "timeout", "crash"), for the reader. */
  readonly error?: string;
}

/** Manual assignment: the consumer reads exactly these keys from now on. */
export interface AssignOp extends HistoryOpBase {
  readonly type: "assign";
  readonly keys: readonly HistoryKey[];
  /** The consumer rewinds these keys to the log start offset (final reads do this). */
  readonly seekToBeginning: boolean;
}

/** Group subscription: the group coordinator's rebalances decide which keys the consumer reads. */
export interface SubscribeOp extends HistoryOpBase {
  readonly type: "subscribe";
  readonly keys: readonly HistoryKey[];
}

export interface SendOp extends HistoryOpBase {
  readonly type: "send";
  readonly sends: readonly SendMicroOp[];
}

export interface PollOp extends HistoryOpBase {
  readonly type: "poll";
  /** Empty on the invoke; per key, the records returned, on the completion. */
  readonly reads: readonly PollRead[];
  /** Keys whose assignment a rebalance changed during this poll (Jepsen's rebalance log). */
  readonly rebalancedKeys?: readonly HistoryKey[];
}

export interface CommitOp extends HistoryOpBase {
  readonly type: "commit";
  readonly offsets: readonly CommittedOffset[];
}

/** The workload tears the client down on purpose; the process is retired. */
export interface CrashOp extends HistoryOpBase {
  readonly type: "crash";
}

export type HistoryOp = AssignOp | SubscribeOp | SendOp | PollOp | CommitOp | CrashOp;
export type HistoryOpType = HistoryOp["type"];
