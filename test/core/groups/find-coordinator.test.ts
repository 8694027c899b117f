// FindCoordinator: the leader of the key's partition of the coordinator topic, or the errors
// Kafka answers when there is none (COORDINATOR_NOT_AVAILABLE, INVALID_REQUEST).

import { describe, expect, it } from "vitest";
import { coordinatorPartitionFor } from "../../../core/client/java-string-hash.ts";
import { ErrorCode } from "../../../core/error-codes.ts";
import {
  type CoordinatorTopics,
  findCoordinator,
  GROUP_METADATA_TOPIC,
  TRANSACTION_STATE_TOPIC,
} from "../../../core/groups/find-coordinator.ts";

/** Partition p of every coordinator topic is led by node 100 + p, except partition 3. */
const topics = (present: readonly string[]): CoordinatorTopics => ({
  partitionCount: (topic) => (present.includes(topic) ? 5 : undefined),
  leaderOf: (_topic, partition) =>
    partition === 3 ? undefined : { nodeId: 100 + partition, host: `h${partition}`, port: 9092 },
});

describe("findCoordinator", () => {
  const both = topics([GROUP_METADATA_TOPIC, TRANSACTION_STATE_TOPIC]);

  it.each([
    "my-group",
    "console-consumer-12345",
    "a",
    "b",
    "c",
    "d",
  ])("group %s -> leader of its partition", (key) => {
    const partition = coordinatorPartitionFor(key, 5);
    const { response, createTopic } = findCoordinator({ key, keyType: 0 }, both);
    expect(createTopic).toBeNull();
    if (partition === 3) {
      expect(response.errorCode).toBe(ErrorCode.COORDINATOR_NOT_AVAILABLE);
    } else {
      expect(response).toMatchObject({
        errorCode: 0,
        nodeId: 100 + partition,
        host: `h${partition}`,
      });
    }
  });

  it.each([
    [0, [], ErrorCode.COORDINATOR_NOT_AVAILABLE, GROUP_METADATA_TOPIC],
    [1, [GROUP_METADATA_TOPIC], ErrorCode.COORDINATOR_NOT_AVAILABLE, TRANSACTION_STATE_TOPIC],
    [2, [GROUP_METADATA_TOPIC], ErrorCode.INVALID_REQUEST, null],
  ])("key type %i with topics %j -> %i, create %s", (keyType, present, errorCode, createTopic) => {
    const answer = findCoordinator({ key: "a", keyType }, topics(present));
    expect(answer.response).toMatchObject({ errorCode, nodeId: -1, host: "", port: -1 });
    expect(answer.createTopic).toBe(createTopic);
  });
});
