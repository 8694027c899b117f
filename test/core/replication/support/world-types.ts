// Shared names of the replication model world: the one partition, the controller's node id, the
// messages that travel between brokers and the controller, and a fetch error answer.

import type { ErrorCode } from "../../../../core/error-codes.ts";
import { type NodeId, nodeId } from "../../../../core/ids.ts";
import type { PartitionAssignment, PartitionId } from "../../../../core/replication/config.ts";
import type {
  AlterPartitionItem,
  AlterPartitionResult,
  BrokerEpoch,
  ReplicaFetchPartitionResponse,
  ReplicaFetchRequest,
  ReplicaFetchResponse,
} from "../../../../core/replication/messages.ts";
import type { BrokerState } from "../../../../core/replication/replica-log.ts";

export const CONTROLLER = nodeId(0);
export const PARTITION: PartitionId = { topic: "t", topicId: "t-id", partition: 0 };

export type Payload =
  | { readonly kind: "fetch"; readonly id: number; readonly request: ReplicaFetchRequest }
  | {
      readonly kind: "fetch-response";
      readonly id: number;
      readonly response: ReplicaFetchResponse;
    }
  | {
      readonly kind: "alter";
      readonly id: number;
      readonly brokerEpoch: BrokerEpoch;
      readonly item: AlterPartitionItem;
    }
  | { readonly kind: "alter-response"; readonly id: number; readonly result: AlterPartitionResult }
  | {
      readonly kind: "metadata";
      readonly assignment: PartitionAssignment;
      readonly brokers: ReadonlyMap<NodeId, BrokerState>;
    };

export interface Envelope {
  readonly from: NodeId;
  readonly to: NodeId;
  readonly payload: Payload;
}

/** A partition's fetch error answer with the leader's offsets unknown. */
export function fetchError(errorCode: ErrorCode): ReplicaFetchPartitionResponse {
  return {
    ...PARTITION,
    errorCode,
    highWatermark: -1,
    logStartOffset: -1,
    divergingEpoch: null,
    records: new Uint8Array(0),
  };
}

/** The whole answer to a fetch of the one partition. */
export function fetchResponse(
  correlationId: number,
  partition: ReplicaFetchPartitionResponse,
): ReplicaFetchResponse {
  return {
    type: "replica-fetch-response",
    correlationId,
    errorCode: 0 as ErrorCode,
    partitions: [partition],
  };
}
