// The group member's request tags and the pure helpers around them: the error classes of the
// classic protocol as the Java consumer reacts to them, and the assignment diff of a rebalance.
// Keeps: every tag names the generation its request was sent under, so stale answers are known.

import { ErrorCode } from "../error-codes.ts";
import type { Offset } from "../ids.ts";
import type { PartitionRef } from "./assignors/assignor.ts";
import type { CommittedOffset, GroupStamp } from "./history.ts";

/** What the group member's requests in flight are for. */
export type GroupTag =
  | { readonly type: "find-coordinator" }
  | { readonly type: "join-group" }
  | { readonly type: "sync-group"; readonly generation: number }
  | { readonly type: "heartbeat"; readonly generation: number }
  | { readonly type: "leave-group" }
  | {
      readonly type: "offset-commit";
      readonly opId: number;
      readonly offsets: readonly CommittedOffset[];
      readonly stamp: GroupStamp;
    }
  | {
      readonly type: "offset-fetch";
      readonly partitions: readonly OwnedPartition[];
      /** The generation whose assignment asked: an answer for an older one is not applied. */
      readonly generation: number;
    };

/** One partition the member owns, with its workload key. */
export interface OwnedPartition extends PartitionRef {
  readonly key: number;
}

/** A committed offset to apply on assignment (-1: none committed). */
export interface FetchedCommit {
  readonly partition: OwnedPartition;
  readonly offset: Offset;
}

/** How the member reacts to a group error (Java's AbstractCoordinator, classic protocol). */
export type GroupErrorClass =
  /** The coordinator moved or is down: forget it, find it again, retry. */
  | "coordinator-moved"
  /** Retry the same request after a backoff. */
  | "retry"
  /** The group rebalances: rejoin, keeping generation and member id. */
  | "rejoin"
  /** The generation is gone: partitions are lost, rejoin with the member id. */
  | "reset-generation"
  /** The member is gone: partitions are lost, rejoin with an empty member id. */
  | "reset-member"
  /** Another instance with our group.instance.id took over: this consumer stops (Java throws). */
  | "fenced"
  /** Anything else: Java raises it to the application; the member stops. */
  | "fatal";

export function classifyGroupError(errorCode: number): GroupErrorClass {
  switch (errorCode) {
    case ErrorCode.NOT_COORDINATOR:
    case ErrorCode.COORDINATOR_NOT_AVAILABLE:
    case ErrorCode.NETWORK_EXCEPTION:
    case ErrorCode.REQUEST_TIMED_OUT:
      return "coordinator-moved";
    case ErrorCode.COORDINATOR_LOAD_IN_PROGRESS:
    case ErrorCode.UNSTABLE_OFFSET_COMMIT:
    case ErrorCode.UNKNOWN_TOPIC_OR_PARTITION:
      return "retry";
    case ErrorCode.REBALANCE_IN_PROGRESS:
      return "rejoin";
    case ErrorCode.ILLEGAL_GENERATION:
      return "reset-generation";
    case ErrorCode.UNKNOWN_MEMBER_ID:
      return "reset-member";
    case ErrorCode.FENCED_INSTANCE_ID:
      return "fenced";
    default:
      return "fatal";
  }
}

export function partitionId(p: PartitionRef): string {
  return `${p.topic}\u0000${p.partition}`;
}

/** Partitions in `a` not in `b`, in `a`'s order. */
export function minus(
  a: readonly OwnedPartition[],
  b: readonly OwnedPartition[],
): OwnedPartition[] {
  const inB = new Set(b.map(partitionId));
  return a.filter((p) => !inB.has(partitionId(p)));
}

/** Total order: topic, then partition. */
export function comparePartitions(a: PartitionRef, b: PartitionRef): number {
  if (a.topic !== b.topic) return a.topic < b.topic ? -1 : 1;
  return a.partition - b.partition;
}

export function keysOf(partitions: readonly OwnedPartition[]): number[] {
  return partitions.map((p) => p.key).sort((a, b) => a - b);
}
