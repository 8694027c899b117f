// CreateTopics (key 19), versions 0–4, from Kafka's CreateTopicsRequest/Response.json.
// CreateTopics Request (Version: 1-4) => [topics] timeout_ms validate_only
//   topics => name num_partitions replication_factor [assignments] [configs]
//   assignments => partition_index [broker_ids]; configs => name value
// CreateTopics Response (Version: 2-4) => throttle_time_ms [topics]
//   topics => name error_code error_message

import type { CreateTopicsRequest, CreateTopicsResponse } from "../../../core/protocol/index.ts";
import { type ApiCodec, plainBody } from "../api.ts";
import { defineMessage } from "../schema.ts";

export const createTopicsRequestSchema = defineMessage({
  name: "CreateTopicsRequest",
  apiKey: 19,
  validVersions: "0-4",
  flexibleVersions: "5+",
  fields: [
    {
      name: "topics",
      type: "[]CreatableTopic",
      versions: "0+",
      fields: [
        { name: "name", type: "string", versions: "0+" },
        { name: "numPartitions", type: "int32", versions: "0+" },
        { name: "replicationFactor", type: "int16", versions: "0+" },
        {
          name: "assignments",
          type: "[]CreatableReplicaAssignment",
          versions: "0+",
          fields: [
            { name: "partitionIndex", type: "int32", versions: "0+" },
            { name: "brokerIds", type: "[]int32", versions: "0+" },
          ],
        },
        {
          name: "configs",
          type: "[]CreatableTopicConfig",
          versions: "0+",
          fields: [
            { name: "name", type: "string", versions: "0+" },
            { name: "value", type: "string", versions: "0+", nullableVersions: "0+" },
          ],
        },
      ],
    },
    { name: "timeoutMs", type: "int32", versions: "0+", default: 60000 },
    { name: "validateOnly", type: "bool", versions: "1+", default: false },
  ],
});

export const createTopicsResponseSchema = defineMessage({
  name: "CreateTopicsResponse",
  apiKey: 19,
  validVersions: "0-4",
  flexibleVersions: "5+",
  fields: [
    { name: "throttleTimeMs", type: "int32", versions: "2+" },
    {
      name: "topics",
      type: "[]CreatableTopicResult",
      versions: "0+",
      fields: [
        { name: "name", type: "string", versions: "0+" },
        { name: "errorCode", type: "int16", versions: "0+" },
        { name: "errorMessage", type: "string", versions: "1+", nullableVersions: "0+" },
      ],
    },
  ],
});

export const createTopicsApi: ApiCodec<"CreateTopics"> = {
  name: "CreateTopics",
  request: plainBody<CreateTopicsRequest>()(createTopicsRequestSchema),
  response: plainBody<CreateTopicsResponse>()(createTopicsResponseSchema),
};
