// Metadata (key 3), versions 0–6, from Kafka's MetadataRequest/Response.json.
// Metadata Request (Version: 4+) => [topics] allow_auto_topic_creation; topics => name
// Metadata Response (Version: 5+) => throttle_time_ms [brokers] cluster_id controller_id [topics]
//   brokers => node_id host port rack
//   topics => error_code name is_internal [partitions]
//   partitions => error_code partition_index leader_id [replica_nodes] [isr_nodes] [offline_replicas]

import type { MetadataRequest, MetadataResponse } from "../../../core/protocol/index.ts";
import { type ApiCodec, adaptedBody, plainBody } from "../api.ts";
import { defineMessage } from "../schema.ts";

export const metadataRequestSchema = defineMessage({
  name: "MetadataRequest",
  apiKey: 3,
  validVersions: "0-6",
  flexibleVersions: "9+",
  fields: [
    {
      name: "topics",
      type: "[]MetadataRequestTopic",
      versions: "0+",
      nullableVersions: "1+",
      fields: [{ name: "name", type: "string", versions: "0+" }],
    },
    { name: "allowAutoTopicCreation", type: "bool", versions: "4+", default: true },
  ],
});

export const metadataResponseSchema = defineMessage({
  name: "MetadataResponse",
  apiKey: 3,
  validVersions: "0-6",
  flexibleVersions: "9+",
  fields: [
    { name: "throttleTimeMs", type: "int32", versions: "3+" },
    {
      name: "brokers",
      type: "[]MetadataResponseBroker",
      versions: "0+",
      fields: [
        { name: "nodeId", type: "int32", versions: "0+" },
        { name: "host", type: "string", versions: "0+" },
        { name: "port", type: "int32", versions: "0+" },
        { name: "rack", type: "string", versions: "1+", nullableVersions: "1+", default: null },
      ],
    },
    { name: "clusterId", type: "string", versions: "2+", nullableVersions: "2+", default: null },
    { name: "controllerId", type: "int32", versions: "1+", default: -1 },
    {
      name: "topics",
      type: "[]MetadataResponseTopic",
      versions: "0+",
      fields: [
        { name: "errorCode", type: "int16", versions: "0+" },
        { name: "name", type: "string", versions: "0+" },
        { name: "isInternal", type: "bool", versions: "1+", default: false },
        {
          name: "partitions",
          type: "[]MetadataResponsePartition",
          versions: "0+",
          fields: [
            { name: "errorCode", type: "int16", versions: "0+" },
            { name: "partitionIndex", type: "int32", versions: "0+" },
            { name: "leaderId", type: "int32", versions: "0+" },
            { name: "replicaNodes", type: "[]int32", versions: "0+" },
            { name: "isrNodes", type: "[]int32", versions: "0+" },
            { name: "offlineReplicas", type: "[]int32", versions: "5+" },
          ],
        },
      ],
    },
  ],
});

export const metadataApi: ApiCodec<"Metadata"> = {
  name: "Metadata",
  // v0 cannot send null: its empty topic list means "all topics", which the domain says with null.
  request: adaptedBody<MetadataRequest>()(
    metadataRequestSchema,
    (version, wire) =>
      version === 0 && wire.topics !== null && wire.topics.length === 0
        ? { ...wire, topics: null }
        : wire,
    (version, domain) =>
      version === 0 && domain.topics === null ? { ...domain, topics: [] } : domain,
  ),
  response: plainBody<MetadataResponse>()(metadataResponseSchema),
};
