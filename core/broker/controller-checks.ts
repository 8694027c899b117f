// Checks the controller makes on replica assignments and cluster limits, and the partition
// records of new partitions (ISR = unfenced replicas, leader = the first of them, epochs 0).
// Each answers a Kafka error as an Outcome, never by throwing.

import { ErrorCode } from "../error-codes.ts";
import type { NodeId } from "../ids.ts";
import { limits } from "../limits.ts";
import type { MetadataRecord, TopicId } from "../metadata/records.ts";
import type { MetadataImage } from "./metadata-image.ts";

export type Outcome = { readonly errorCode: number; readonly errorMessage: string | null };
export const NONE: Outcome = { errorCode: ErrorCode.NONE, errorMessage: null };
export const fail = (errorCode: number, errorMessage: string): Outcome => ({
  errorCode,
  errorMessage,
});

/** Every replica list has `rf` distinct registered brokers. */
export function assignmentProblem(
  image: MetadataImage,
  assignment: readonly (readonly number[])[],
  rf: number,
): Outcome | undefined {
  for (const [i, brokerIds] of assignment.entries()) {
    if (brokerIds.length === 0) {
      return fail(ErrorCode.INVALID_REPLICA_ASSIGNMENT, `Empty replica list for partition ${i}.`);
    }
    if (brokerIds.length !== rf) {
      return fail(
        ErrorCode.INVALID_REPLICA_ASSIGNMENT,
        "All partitions should have the same number of replicas.",
      );
    }
    if (new Set(brokerIds).size !== brokerIds.length) {
      return fail(ErrorCode.INVALID_REPLICA_ASSIGNMENT, `Duplicate brokers for partition ${i}.`);
    }
    const unknown = brokerIds.find((id) => image.broker(id) === undefined);
    if (unknown !== undefined) {
      return fail(ErrorCode.INVALID_REPLICA_ASSIGNMENT, `Broker ${unknown} is not registered.`);
    }
  }
  return undefined;
}

/** Cluster limits, answered as a create-topic policy would (POLICY_VIOLATION). */
export function policyProblem(
  image: MetadataImage,
  newTopics: number,
  newPartitions: number,
  partitionsAdded: number,
): Outcome {
  if (image.topicCount + newTopics > limits.topicsMax) {
    return fail(
      ErrorCode.POLICY_VIOLATION,
      `The cluster holds its limit of ${limits.topicsMax} topics.`,
    );
  }
  const total = image.partitionCount + partitionsAdded + newPartitions;
  if (total > limits.partitionsMax) {
    return fail(
      ErrorCode.POLICY_VIOLATION,
      `${total} partitions would exceed the limit of ${limits.partitionsMax}.`,
    );
  }
  return NONE;
}

export function partitionRecords(
  image: MetadataImage,
  topicId: TopicId,
  first: number,
  assignment: readonly (readonly NodeId[])[],
): Outcome | MetadataRecord[] {
  const records: MetadataRecord[] = [];
  for (const [i, replicas] of assignment.entries()) {
    const isr = replicas.filter((id) => image.broker(id)?.fenced === false);
    const leader = isr[0];
    if (leader === undefined) {
      return fail(
        ErrorCode.INVALID_REPLICA_ASSIGNMENT,
        `All brokers specified in the partition assignment for partition ${first + i} are fenced.`,
      );
    }
    records.push({
      type: "partition",
      topicId,
      partition: first + i,
      replicas: [...replicas],
      isr,
      leader,
      leaderEpoch: 0,
      partitionEpoch: 0,
    });
  }
  return records;
}

export function countNames(names: readonly string[]): Map<string, number> {
  const counts = new Map<string, number>();
  for (const name of names) counts.set(name, (counts.get(name) ?? 0) + 1);
  return counts;
}

/** Kafka warns that '.' and '_' collide in metric names, and KRaft refuses such topics. */
export function collisionKey(name: string): string {
  return name.replaceAll(".", "_");
}
