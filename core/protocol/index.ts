// Kafka's client API as decoded domain types (no wire versions): what a client asks of a node and
// what the node answers. The runtime's codec and the simulated clients both speak these. Each body
// is the union of the fields of every version Runnel advertises, defaults filled in.

import type {
  AlterConfigsRequest,
  AlterConfigsResponse,
  CreatePartitionsRequest,
  CreatePartitionsResponse,
  CreateTopicsRequest,
  CreateTopicsResponse,
  DeleteRecordsRequest,
  DeleteRecordsResponse,
  DeleteTopicsRequest,
  DeleteTopicsResponse,
  DescribeConfigsRequest,
  DescribeConfigsResponse,
} from "./admin.ts";
import type { ApiName } from "./api-keys.ts";
import type {
  FetchRequest,
  FetchResponse,
  ListOffsetsRequest,
  ListOffsetsResponse,
} from "./fetch.ts";
import type {
  DeleteGroupsRequest,
  DeleteGroupsResponse,
  DescribeGroupsRequest,
  DescribeGroupsResponse,
  FindCoordinatorRequest,
  FindCoordinatorResponse,
  HeartbeatRequest,
  HeartbeatResponse,
  JoinGroupRequest,
  JoinGroupResponse,
  LeaveGroupRequest,
  LeaveGroupResponse,
  ListGroupsRequest,
  ListGroupsResponse,
  SyncGroupRequest,
  SyncGroupResponse,
} from "./groups.ts";
import type {
  ApiVersionsRequest,
  ApiVersionsResponse,
  MetadataRequest,
  MetadataResponse,
} from "./metadata.ts";
import type {
  OffsetCommitRequest,
  OffsetCommitResponse,
  OffsetDeleteRequest,
  OffsetDeleteResponse,
  OffsetFetchRequest,
  OffsetFetchResponse,
} from "./offsets.ts";
import type { ProduceRequest, ProduceResponse } from "./produce.ts";
import type {
  SaslAuthenticateRequest,
  SaslAuthenticateResponse,
  SaslHandshakeRequest,
  SaslHandshakeResponse,
} from "./sasl.ts";
import type {
  AddOffsetsToTxnRequest,
  AddOffsetsToTxnResponse,
  AddPartitionsToTxnRequest,
  AddPartitionsToTxnResponse,
  EndTxnRequest,
  EndTxnResponse,
  InitProducerIdRequest,
  InitProducerIdResponse,
  TxnOffsetCommitRequest,
  TxnOffsetCommitResponse,
} from "./transactions.ts";

export type * from "./admin.ts";
export type { ApiKeyNumber, ApiName } from "./api-keys.ts";
export { ApiKey, apiNameOf, apiNames } from "./api-keys.ts";
export type * from "./fetch.ts";
export type * from "./groups.ts";
export type * from "./metadata.ts";
export type * from "./offsets.ts";
export type * from "./produce.ts";
export type * from "./sasl.ts";
export type * from "./transactions.ts";

/** Request and response body of every API, by name. */
export interface ApiBodies {
  Produce: { request: ProduceRequest; response: ProduceResponse };
  Fetch: { request: FetchRequest; response: FetchResponse };
  ListOffsets: { request: ListOffsetsRequest; response: ListOffsetsResponse };
  Metadata: { request: MetadataRequest; response: MetadataResponse };
  OffsetCommit: { request: OffsetCommitRequest; response: OffsetCommitResponse };
  OffsetFetch: { request: OffsetFetchRequest; response: OffsetFetchResponse };
  FindCoordinator: { request: FindCoordinatorRequest; response: FindCoordinatorResponse };
  JoinGroup: { request: JoinGroupRequest; response: JoinGroupResponse };
  Heartbeat: { request: HeartbeatRequest; response: HeartbeatResponse };
  LeaveGroup: { request: LeaveGroupRequest; response: LeaveGroupResponse };
  SyncGroup: { request: SyncGroupRequest; response: SyncGroupResponse };
  DescribeGroups: { request: DescribeGroupsRequest; response: DescribeGroupsResponse };
  ListGroups: { request: ListGroupsRequest; response: ListGroupsResponse };
  SaslHandshake: { request: SaslHandshakeRequest; response: SaslHandshakeResponse };
  ApiVersions: { request: ApiVersionsRequest; response: ApiVersionsResponse };
  CreateTopics: { request: CreateTopicsRequest; response: CreateTopicsResponse };
  DeleteTopics: { request: DeleteTopicsRequest; response: DeleteTopicsResponse };
  DeleteRecords: { request: DeleteRecordsRequest; response: DeleteRecordsResponse };
  InitProducerId: { request: InitProducerIdRequest; response: InitProducerIdResponse };
  AddPartitionsToTxn: { request: AddPartitionsToTxnRequest; response: AddPartitionsToTxnResponse };
  AddOffsetsToTxn: { request: AddOffsetsToTxnRequest; response: AddOffsetsToTxnResponse };
  EndTxn: { request: EndTxnRequest; response: EndTxnResponse };
  TxnOffsetCommit: { request: TxnOffsetCommitRequest; response: TxnOffsetCommitResponse };
  DescribeConfigs: { request: DescribeConfigsRequest; response: DescribeConfigsResponse };
  AlterConfigs: { request: AlterConfigsRequest; response: AlterConfigsResponse };
  SaslAuthenticate: { request: SaslAuthenticateRequest; response: SaslAuthenticateResponse };
  CreatePartitions: { request: CreatePartitionsRequest; response: CreatePartitionsResponse };
  DeleteGroups: { request: DeleteGroupsRequest; response: DeleteGroupsResponse };
  OffsetDelete: { request: OffsetDeleteRequest; response: OffsetDeleteResponse };
}

/** The request body of API `N`, e.g. RequestOf<"Produce"> = ProduceRequest. */
export type RequestOf<N extends ApiName> = ApiBodies[N]["request"];
/** The response body of API `N`. */
export type ResponseOf<N extends ApiName> = ApiBodies[N]["response"];

/** One client request: the API, the client id from the request header, and the decoded body. */
export type ClientRequestOf<N extends ApiName> = {
  readonly api: N;
  /** The client.id the client sent in the request header (null is legal on the wire). */
  readonly clientId: string | null;
  readonly body: RequestOf<N>;
};

/** One answer to a client request. The runtime encodes it at the version the request used. */
export type ClientResponseOf<N extends ApiName> = {
  readonly api: N;
  readonly body: ResponseOf<N>;
};

export type ClientRequest = { [N in ApiName]: ClientRequestOf<N> }[ApiName];
export type ClientResponse = { [N in ApiName]: ClientResponseOf<N> }[ApiName];

// Every API named in api-keys.ts has bodies here, and nothing else does (a compile-time check).
type Exactly<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
const everyApiHasBodies: Exactly<keyof ApiBodies, ApiName> = true;
void everyApiHasBodies;
