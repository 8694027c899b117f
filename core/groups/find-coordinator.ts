// FindCoordinator as Kafka's KafkaApis.getCoordinator answers it: the coordinator of a group (or a
// transactional id) is the leader of partition abs(hash(key)) % partitions of __consumer_offsets
// (or __transaction_state). A missing topic is COORDINATOR_NOT_AVAILABLE and should be created.

import { coordinatorPartitionFor } from "../client/java-string-hash.ts";
import { ErrorCode } from "../error-codes.ts";
import type { FindCoordinatorRequest, FindCoordinatorResponse } from "../protocol/index.ts";

export const GROUP_METADATA_TOPIC = "__consumer_offsets";
export const TRANSACTION_STATE_TOPIC = "__transaction_state";

/** FindCoordinator key types (CoordinatorType in Kafka). */
export const CoordinatorKeyType = { group: 0, transaction: 1 } as const;

export interface CoordinatorEndpoint {
  readonly nodeId: number;
  readonly host: string;
  readonly port: number;
}

export interface CoordinatorTopics {
  /** Partition count of a coordinator topic, undefined when the topic does not exist (yet). */
  partitionCount(topic: string): number | undefined;
  /** The live leader of a partition as the client's listener reaches it, if it has one. */
  leaderOf(topic: string, partition: number): CoordinatorEndpoint | undefined;
}

export interface FindCoordinatorAnswer {
  readonly response: FindCoordinatorResponse;
  /** The coordinator topic the broker should auto-create (Kafka creates it on first lookup). */
  readonly createTopic: string | null;
}

export function findCoordinator(
  request: FindCoordinatorRequest,
  topics: CoordinatorTopics,
): FindCoordinatorAnswer {
  const topic = topicOf(request.keyType);
  if (topic === undefined)
    return { response: failure(ErrorCode.INVALID_REQUEST), createTopic: null };
  const partitions = topics.partitionCount(topic);
  if (partitions === undefined || partitions < 1) {
    return { response: failure(ErrorCode.COORDINATOR_NOT_AVAILABLE), createTopic: topic };
  }
  const leader = topics.leaderOf(topic, coordinatorPartitionFor(request.key, partitions));
  if (leader === undefined) {
    return { response: failure(ErrorCode.COORDINATOR_NOT_AVAILABLE), createTopic: null };
  }
  return {
    response: {
      throttleTimeMs: 0,
      errorCode: ErrorCode.NONE,
      errorMessage: null,
      nodeId: leader.nodeId,
      host: leader.host,
      port: leader.port,
    },
    createTopic: null,
  };
}

function topicOf(keyType: number): string | undefined {
  if (keyType === CoordinatorKeyType.group) return GROUP_METADATA_TOPIC;
  if (keyType === CoordinatorKeyType.transaction) return TRANSACTION_STATE_TOPIC;
  return undefined;
}

function failure(errorCode: ErrorCode): FindCoordinatorResponse {
  const message =
    errorCode === ErrorCode.INVALID_REQUEST
      ? "Unknown coordinator key type."
      : "The coordinator is not available.";
  return { throttleTimeMs: 0, errorCode, errorMessage: message, nodeId: -1, host: "", port: -1 };
}
