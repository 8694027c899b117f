// APIs whose component is not in this broker yet (the transaction coordinator, SASL) answer what
// Kafka answers when the feature is unavailable on a node: no coordinator (retriable) and
// ILLEGAL_SASL_STATE on a listener without SASL. core/broker/README.md lists each choice.

import { ErrorCode } from "../error-codes.ts";
import type { GroupApi } from "../groups/group-context.ts";
import type {
  ApiName,
  ApiVersion,
  ClientRequest,
  ClientResponse,
  RequestOf,
  ResponseOf,
} from "../protocol/index.ts";
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
  | "FindCoordinator"
  | GroupApi
>;

const NOT_COORDINATOR = ErrorCode.NOT_COORDINATOR;
const NO_COORDINATOR = ErrorCode.COORDINATOR_NOT_AVAILABLE;
const t = { throttleTimeMs: 0 } as const;

type Answers = {
  readonly [N in UnavailableApi]: (
    body: RequestOf<N>,
    apiVersions: readonly ApiVersion[],
  ) => ResponseOf<N>;
};

/** One answer per API: the table is checked complete by the type above. */
const answers: Answers = {
  ApiVersions: (_body, apiVersions) => ({
    ...t,
    errorCode: ErrorCode.NONE,
    apiKeys: apiVersions,
    supportedFeatures: [],
    finalizedFeaturesEpoch: -1,
    finalizedFeatures: [],
    zkMigrationReady: false,
  }),
  InitProducerId: () => ({ ...t, errorCode: NO_COORDINATOR, producerId: -1, producerEpoch: -1 }),
  AddPartitionsToTxn: (body) => ({
    ...t,
    resultsByTopicV3AndBelow: body.v3AndBelowTopics.map((topic) => ({
      name: topic.name,
      resultsByPartition: topic.partitions.map((partitionIndex) => ({
        partitionIndex,
        partitionErrorCode: NOT_COORDINATOR,
      })),
    })),
  }),
  AddOffsetsToTxn: () => ({ ...t, errorCode: NOT_COORDINATOR }),
  EndTxn: () => ({ ...t, errorCode: NOT_COORDINATOR }),
  TxnOffsetCommit: (body) => ({
    ...t,
    topics: body.topics.map((topic) => ({
      name: topic.name,
      partitions: topic.partitions.map((p) => ({
        partitionIndex: p.partitionIndex,
        errorCode: NOT_COORDINATOR,
      })),
    })),
  }),
  SaslHandshake: () => ({ errorCode: ErrorCode.ILLEGAL_SASL_STATE, mechanisms: [] }),
  SaslAuthenticate: () => ({
    errorCode: ErrorCode.ILLEGAL_SASL_STATE,
    errorMessage: "SASL is not enabled on this listener.",
    authBytes: new Uint8Array(0),
    sessionLifetimeMs: 0,
  }),
};

/** The answer to a request of an API served by a component this broker does not run yet. */
export function unavailableResponse(
  ctx: BrokerContext,
  request: Extract<ClientRequest, { api: UnavailableApi }>,
): ClientResponse {
  // The table is indexed by the request's own API, so its answer has that API's body type.
  const answer = answers[request.api] as (body: unknown, v: readonly ApiVersion[]) => unknown;
  return { api: request.api, body: answer(request.body, ctx.apiVersions) } as ClientResponse;
}
