// Trace events of core/broker/: topics created and deleted, each partition replica's state (the
// viewer draws LEO, HW and durable offset over time from `partition-state`), produce
// acknowledgements, fetches served, metadata applied, and the broker halting on a disk failure.

import type { Epoch, Offset } from "../ids.ts";
import type { ProducerTraceEvent } from "../producers/trace-events.ts";

export interface PartitionStateEvent {
  readonly type: "partition-state";
  readonly topic: string;
  readonly partition: number;
  /** -1 when the partition has no leader. */
  readonly leader: number;
  readonly leaderEpoch: Epoch;
  readonly isr: readonly number[];
  readonly logStartOffset: Offset;
  readonly logEndOffset: Offset;
  readonly highWatermark: Offset;
  /** Every offset below this one is synced on this replica's disk. */
  readonly durableOffset: Offset;
}

export interface FetchServedPartition {
  readonly topic: string;
  readonly partition: number;
  readonly fetchOffset: Offset;
  readonly bytes: number;
  readonly errorCode: number;
}

export type BrokerTraceEvent =
  | ProducerTraceEvent
  | { readonly type: "topic-created"; readonly topic: string; readonly topicId: string }
  | { readonly type: "topic-deleted"; readonly topic: string; readonly topicId: string }
  | {
      readonly type: "partition-created";
      readonly topic: string;
      readonly partition: number;
      readonly replicas: readonly number[];
      readonly leader: number;
    }
  | PartitionStateEvent
  | {
      readonly type: "produce-acknowledged";
      readonly topic: string;
      readonly partition: number;
      readonly baseOffset: Offset;
      /** Records (not batches) acknowledged. */
      readonly count: number;
      readonly acks: number;
    }
  | {
      readonly type: "produce-rejected";
      readonly topic: string;
      readonly partition: number;
      readonly errorCode: number;
      readonly acks: number;
    }
  | {
      readonly type: "fetch-served";
      /** -1 for a consumer, the follower's node id otherwise. */
      readonly replicaId: number;
      readonly waitedMs: number;
      readonly partitions: readonly FetchServedPartition[];
    }
  | {
      readonly type: "metadata-applied";
      readonly offset: Offset;
      readonly recordType: string;
    }
  | { readonly type: "broker-halted"; readonly reason: string }
  /** This incarnation got its broker epoch from the active controller (KIP-631). */
  | {
      readonly type: "broker-registered";
      readonly brokerEpoch: Offset;
      readonly incarnationId: string;
    }
  /** The active controller heard nothing from a broker for broker.session.timeout.ms. */
  | {
      readonly type: "broker-session-expired";
      readonly brokerId: number;
      readonly brokerEpoch: Offset;
      readonly silentMs: number;
    }
  /** A controlled shutdown finished: the broker leads nothing and stopped serving. */
  | { readonly type: "broker-stopped" };
