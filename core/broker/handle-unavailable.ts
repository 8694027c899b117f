// APIs whose component is not in this broker yet (group and transaction coordinators, SASL) answer
// what Kafka answers when the feature is unavailable on a node: no coordinator (retriable) and
// ILLEGAL_SASL_STATE on a listener without SASL. core/broker/README.md lists each choice.

import { assertNever } from "../assert.ts";
import { ErrorCode } from "../error-codes.ts";
import type { ApiName, ClientRequest, ClientResponse } from "../protocol/index.ts";
import type { BrokerContext } from "./broker-context.ts";

export type UnavailableApi = Exclude<
  ApiName,
  | "Produce"
  | "Fetch"
  | "ListOffsets"
  | "Metadata"
  | "CreateTopics"
  | "DeleteTopics"
  | "DeleteRecords"
  | "CreatePartitions"
  | "DescribeConfigs"
  | "AlterConfigs"
>;

const NOT_COORDINATOR = ErrorCode.NOT_COORDINATOR;
const NO_COORDINATOR = ErrorCode.COORDINATOR_NOT_AVAILABLE;

/** The answer to a request of an API served by a component this broker does not run yet. */
export function unavailableResponse(
  ctx: BrokerContext,
  request: Extract<ClientRequest, { api: UnavailableApi }>,
): ClientResponse {
  const t = { throttleTimeMs: 0 };
  switch (request.api) {
    case "ApiVersions":
      return {
        api: "ApiVersions",
        body: {
          ...t,
          errorCode: ErrorCode.NONE,
          apiKeys: ctx.apiVersions,
          supportedFeatures: [],
          finalizedFeaturesEpoch: -1,
          finalizedFeatures: [],
          zkMigrationReady: false,
        },
      };
    case "FindCoordinator":
      return {
        api: "FindCoordinator",
        body: {
          ...t,
          errorCode: NO_COORDINATOR,
          errorMessage: "The coordinator is not available.",
          nodeId: -1,
          host: "",
          port: -1,
        },
      };
    case "JoinGroup":
      return {
        api: "JoinGroup",
        body: {
          ...t,
          errorCode: NOT_COORDINATOR,
          generationId: -1,
          protocolName: "",
          leader: "",
          memberId: request.body.memberId,
          members: [],
        },
      };
    case "Heartbeat":
      return { api: "Heartbeat", body: { ...t, errorCode: NOT_COORDINATOR } };
    case "LeaveGroup":
      return {
        api: "LeaveGroup",
        body: {
          ...t,
          errorCode: NOT_COORDINATOR,
          members: request.body.members.map((m) => ({ ...m, errorCode: NOT_COORDINATOR })),
        },
      };
    case "SyncGroup":
      return {
        api: "SyncGroup",
        body: { ...t, errorCode: NOT_COORDINATOR, assignment: new Uint8Array(0) },
      };
    case "DescribeGroups":
      return {
        api: "DescribeGroups",
        body: {
          ...t,
          groups: request.body.groups.map((groupId) => ({
            errorCode: NOT_COORDINATOR,
            groupId,
            groupState: "",
            protocolType: "",
            protocolData: "",
            members: [],
            authorizedOperations: -2147483648,
          })),
        },
      };
    case "ListGroups":
      return { api: "ListGroups", body: { ...t, errorCode: ErrorCode.NONE, groups: [] } };
    case "DeleteGroups":
      return {
        api: "DeleteGroups",
        body: {
          ...t,
          results: request.body.groupsNames.map((groupId) => ({
            groupId,
            errorCode: NOT_COORDINATOR,
          })),
        },
      };
    default:
      return offsetsOrTransactions(request);
  }
}

function offsetsOrTransactions(
  request: Extract<
    ClientRequest,
    {
      api: Exclude<
        UnavailableApi,
        | "ApiVersions"
        | "FindCoordinator"
        | "JoinGroup"
        | "Heartbeat"
        | "LeaveGroup"
        | "SyncGroup"
        | "DescribeGroups"
        | "ListGroups"
        | "DeleteGroups"
      >;
    }
  >,
): ClientResponse {
  const t = { throttleTimeMs: 0 };
  const partitionsOf = <P>(ps: readonly P[], index: (p: P) => number) =>
    ps.map((p) => ({ partitionIndex: index(p), errorCode: NOT_COORDINATOR }));
  switch (request.api) {
    case "OffsetCommit":
      return {
        api: "OffsetCommit",
        body: {
          ...t,
          topics: request.body.topics.map((topic) => ({
            name: topic.name,
            partitions: partitionsOf(topic.partitions, (p) => p.partitionIndex),
          })),
        },
      };
    case "OffsetFetch":
      return {
        api: "OffsetFetch",
        body: {
          ...t,
          errorCode: NOT_COORDINATOR,
          topics: (request.body.topics ?? []).map((topic) => ({
            name: topic.name,
            partitions: topic.partitionIndexes.map((partitionIndex) => ({
              partitionIndex,
              committedOffset: -1,
              committedLeaderEpoch: -1,
              metadata: null,
              errorCode: NOT_COORDINATOR,
            })),
          })),
        },
      };
    case "OffsetDelete":
      return { api: "OffsetDelete", body: { ...t, errorCode: NOT_COORDINATOR, topics: [] } };
    case "InitProducerId":
      return {
        api: "InitProducerId",
        body: { ...t, errorCode: NO_COORDINATOR, producerId: -1, producerEpoch: -1 },
      };
    case "AddPartitionsToTxn":
      return {
        api: "AddPartitionsToTxn",
        body: {
          ...t,
          resultsByTopicV3AndBelow: request.body.v3AndBelowTopics.map((topic) => ({
            name: topic.name,
            resultsByPartition: topic.partitions.map((partitionIndex) => ({
              partitionIndex,
              partitionErrorCode: NOT_COORDINATOR,
            })),
          })),
        },
      };
    case "AddOffsetsToTxn":
      return { api: "AddOffsetsToTxn", body: { ...t, errorCode: NOT_COORDINATOR } };
    case "EndTxn":
      return { api: "EndTxn", body: { ...t, errorCode: NOT_COORDINATOR } };
    case "TxnOffsetCommit":
      return {
        api: "TxnOffsetCommit",
        body: {
          ...t,
          topics: request.body.topics.map((topic) => ({
            name: topic.name,
            partitions: partitionsOf(topic.partitions, (p) => p.partitionIndex),
          })),
        },
      };
    case "SaslHandshake":
      return {
        api: "SaslHandshake",
        body: { errorCode: ErrorCode.ILLEGAL_SASL_STATE, mechanisms: [] },
      };
    case "SaslAuthenticate":
      return {
        api: "SaslAuthenticate",
        body: {
          errorCode: ErrorCode.ILLEGAL_SASL_STATE,
          errorMessage: "SASL is not enabled on this listener.",
          authBytes: new Uint8Array(0),
          sessionLifetimeMs: 0,
        },
      };
    default:
      return assertNever(request, "client request");
  }
}
