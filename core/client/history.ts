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
  /**
   * Idempotent producers, on the completion: the producer id, epoch and sequence the record was
   * last sent with (its batch's base sequence plus its index in the batch). Absent when the
   * producer is not idempotent or the record was never sent.
   */
  readonly sequence?: ProducerSequence;
}

/** Where one record of an idempotent producer sat in its partition's sequence. */
export interface ProducerSequence {
  readonly producerId: number;
  readonly producerEpoch: number;
  readonly sequence: number;
}

/**
 * A consumer group member as it stood when it recorded an op. `generation` is -1 and `memberId`
 * "" until the member first joined. Members of the classic protocol only.
 */
export interface GroupStamp {
  readonly groupId: string;
  readonly memberId: string;
  /** Static membership (KIP-345): group.instance.id, or null for a dynamic member. */
  readonly groupInstanceId: string | null;
  readonly generation: number;
}

/** The rebalance protocol a member follows: eager revokes everything, cooperative (KIP-429) only what moves. */
export type RebalanceProtocol = "eager" | "cooperative";

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
  /** Every key of the subscribed topics. */
  readonly keys: readonly HistoryKey[];
  /** The group joined (absent for histories written before groups were simulated). */
  readonly group?: {
    readonly groupId: string;
    readonly groupInstanceId: string | null;
    readonly protocol: RebalanceProtocol;
    /** The assignor names in preference order, e.g. ["cooperative-sticky"]. */
    readonly assignors: readonly string[];
  };
}

/**
 * A rebalance callback as the member ran it (ConsumerRebalanceListener), recorded invoke and ok
 * together at the moment it ran, possibly while a poll is open (Kafka runs callbacks inside poll).
 * revoked: onPartitionsRevoked before a rejoin (eager: everything; cooperative: only what moved);
 * lost: onPartitionsLost, the member lost its membership (ILLEGAL_GENERATION, UNKNOWN_MEMBER_ID,
 * FENCED_INSTANCE_ID, session expiry) and its partitions may already belong to another member;
 * assigned: onPartitionsAssigned after SyncGroup (cooperative: only the newly added keys).
 */
export interface RebalanceOp extends HistoryOpBase {
  readonly type: "rebalance";
  readonly callback: "revoked" | "lost" | "assigned";
  /** revoked/lost: the member's stamp before; assigned: the generation just joined. */
  readonly group: GroupStamp;
  readonly protocol: RebalanceProtocol;
  /** The keys this callback hands over. */
  readonly keys: readonly HistoryKey[];
  /** The member's whole assignment once the callback ran. */
  readonly owned: readonly HistoryKey[];
}

/**
 * The producer obtained or changed its identity: InitProducerId (a fresh id or an epoch bump by
 * the broker), or a client-side epoch bump of the idempotent producer (Java's
 * bumpIdempotentEpochAndResetIdIfNeeded). ok carries the new id and epoch; fail the error.
 */
export interface ProducerIdOp extends HistoryOpBase {
  readonly type: "producer-id";
  readonly idempotent: boolean;
  /** On ok: the identity sends carry from now on. -1 on invoke and fail. */
  readonly producerId: number;
  readonly producerEpoch: number;
  /** Why the identity changed: the first one, or the error that forced a bump or reset. */
  readonly reason: "init" | "epoch-bump" | "reset";
}

export interface SendOp extends HistoryOpBase {
  readonly type: "send";
  readonly sends: readonly SendMicroOp[];
  /** True when the producer has enable.idempotence (absent means a non-idempotent producer). */
  readonly idempotent?: boolean;
}

export interface PollOp extends HistoryOpBase {
  readonly type: "poll";
  /** Empty on the invoke; per key, the records returned, on the completion. */
  readonly reads: readonly PollRead[];
  /** Keys whose assignment a rebalance changed during this poll (Jepsen's rebalance log). */
  readonly rebalancedKeys?: readonly HistoryKey[];
  /** Group members, on the completion: the member's stamp when the poll returned. */
  readonly group?: GroupStamp;
}

/**
 * An OffsetCommit of a group member: sync (commitSync of the last poll's positions) or auto
 * (auto.enable.commit, the positions of the poll before the current one). ok: every offset was
 * written; fail: the coordinator rejected it, `errorCode` says why (ILLEGAL_GENERATION for a
 * zombie of an older generation, UNKNOWN_MEMBER_ID, FENCED_INSTANCE_ID, REBALANCE_IN_PROGRESS);
 * info: unknown (timeout, connection lost). `group` is the stamp the request carried.
 */
export interface CommitOp extends HistoryOpBase {
  readonly type: "commit";
  readonly offsets: readonly CommittedOffset[];
  readonly group?: GroupStamp;
  readonly auto?: boolean;
  /** On fail: the Kafka error code (core/error-codes.ts) that rejected the commit. */
  readonly errorCode?: number;
}

/**
 * The application closed the client (not a crash): a group member sent LeaveGroup unless it is
 * static (`leftGroup` false). The process is retired, as after a crash.
 */
export interface CloseOp extends HistoryOpBase {
  readonly type: "close";
  readonly group?: GroupStamp;
  readonly leftGroup: boolean;
}

/** The workload tears the client down on purpose; the process is retired. */
export interface CrashOp extends HistoryOpBase {
  readonly type: "crash";
}

export type HistoryOp =
  | AssignOp
  | SubscribeOp
  | RebalanceOp
  | SendOp
  | ProducerIdOp
  | PollOp
  | CommitOp
  | CloseOp
  | CrashOp;
export type HistoryOpType = HistoryOp["type"];
