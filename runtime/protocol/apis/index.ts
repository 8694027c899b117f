// Every API's codec, by name: the registry the frame codec dispatches on. The mapped type makes
// a missing API a compile error; the schemas' apiKey must match core's ApiKey (asserted here).

import { assert } from "../../../core/assert.ts";
import { ApiKey, type ApiName, apiNames } from "../../../core/protocol/index.ts";
import type { ApiCodec, BodyCodec } from "../api.ts";
import { addOffsetsToTxnApi } from "./add-offsets-to-txn.ts";
import { addPartitionsToTxnApi } from "./add-partitions-to-txn.ts";
import { alterConfigsApi } from "./alter-configs.ts";
import { apiVersionsApi } from "./api-versions.ts";
import { createPartitionsApi } from "./create-partitions.ts";
import { createTopicsApi } from "./create-topics.ts";
import { deleteGroupsApi } from "./delete-groups.ts";
import { deleteRecordsApi } from "./delete-records.ts";
import { deleteTopicsApi } from "./delete-topics.ts";
import { describeConfigsApi } from "./describe-configs.ts";
import { describeGroupsApi } from "./describe-groups.ts";
import { endTxnApi } from "./end-txn.ts";
import { fetchApi } from "./fetch.ts";
import { findCoordinatorApi } from "./find-coordinator.ts";
import { heartbeatApi } from "./heartbeat.ts";
import { initProducerIdApi } from "./init-producer-id.ts";
import { joinGroupApi } from "./join-group.ts";
import { leaveGroupApi } from "./leave-group.ts";
import { listGroupsApi } from "./list-groups.ts";
import { listOffsetsApi } from "./list-offsets.ts";
import { metadataApi } from "./metadata.ts";
import { offsetCommitApi } from "./offset-commit.ts";
import { offsetDeleteApi } from "./offset-delete.ts";
import { offsetFetchApi } from "./offset-fetch.ts";
import { produceApi } from "./produce.ts";
import { saslAuthenticateApi } from "./sasl-authenticate.ts";
import { saslHandshakeApi } from "./sasl-handshake.ts";
import { syncGroupApi } from "./sync-group.ts";
import { txnOffsetCommitApi } from "./txn-offset-commit.ts";

export const apiCodecs: { readonly [N in ApiName]: ApiCodec<N> } = {
  Produce: produceApi,
  Fetch: fetchApi,
  ListOffsets: listOffsetsApi,
  Metadata: metadataApi,
  OffsetCommit: offsetCommitApi,
  OffsetFetch: offsetFetchApi,
  FindCoordinator: findCoordinatorApi,
  JoinGroup: joinGroupApi,
  Heartbeat: heartbeatApi,
  LeaveGroup: leaveGroupApi,
  SyncGroup: syncGroupApi,
  DescribeGroups: describeGroupsApi,
  ListGroups: listGroupsApi,
  SaslHandshake: saslHandshakeApi,
  ApiVersions: apiVersionsApi,
  CreateTopics: createTopicsApi,
  DeleteTopics: deleteTopicsApi,
  DeleteRecords: deleteRecordsApi,
  InitProducerId: initProducerIdApi,
  AddPartitionsToTxn: addPartitionsToTxnApi,
  AddOffsetsToTxn: addOffsetsToTxnApi,
  EndTxn: endTxnApi,
  TxnOffsetCommit: txnOffsetCommitApi,
  DescribeConfigs: describeConfigsApi,
  AlterConfigs: alterConfigsApi,
  SaslAuthenticate: saslAuthenticateApi,
  CreatePartitions: createPartitionsApi,
  DeleteGroups: deleteGroupsApi,
  OffsetDelete: offsetDeleteApi,
};

/** The codec of API `name`, typed by name. */
export function apiCodec<N extends ApiName>(name: N): ApiCodec<N> {
  return apiCodecs[name] as ApiCodec<N>;
}

/** A body codec with its domain type erased, for code that dispatches on an API name. */
export type ErasedBodyCodec = BodyCodec<unknown>;

/** The request and response codecs of `name`, domain types erased (the frame codec's view). */
export function erasedCodec(name: ApiName): {
  readonly request: ErasedBodyCodec;
  readonly response: ErasedBodyCodec;
} {
  return apiCodecs[name] as unknown as { request: ErasedBodyCodec; response: ErasedBodyCodec };
}

for (const name of apiNames) {
  const codec = apiCodecs[name];
  assert(codec.name === name, `codec registered as ${name} is ${codec.name}`);
  assert(codec.request.schema.apiKey === ApiKey[name], `${name} request schema has a wrong key`);
  assert(codec.response.schema.apiKey === ApiKey[name], `${name} response schema has a wrong key`);
}
