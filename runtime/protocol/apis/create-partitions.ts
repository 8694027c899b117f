// CreatePartitions (key 37), versions 0–1, from Kafka's CreatePartitionsRequest/Response.json.
// CreatePartitions Request (Version: 0-1) => [topics] timeout_ms validate_only
//   topics => name count [assignments]; assignments => [broker_ids]
// CreatePartitions Response (Version: 0-1) => throttle_time_ms [results]
//   results => name error_code error_message

import type {
  CreatePartitionsRequest,
  CreatePartitionsResponse,
} from "../../../core/protocol/index.ts";
import { type ApiCodec, plainBody } from "../api.ts";
import { defineMessage } from "../schema.ts";

export const createPartitionsRequestSchema = defineMessage({
  name: "CreatePartitionsRequest",
  apiKey: 37,
  validVersions: "0-1",
  flexibleVersions: "2+",
  fields: [
    {
      name: "topics",
      type: "[]CreatePartitionsTopic",
      versions: "0+",
      fields: [
        { name: "name", type: "string", versions: "0+" },
        { name: "count", type: "int32", versions: "0+" },
        {
          name: "assignments",
          type: "[]CreatePartitionsAssignment",
          versions: "0+",
          nullableVersions: "0+",
          fields: [{ name: "brokerIds", type: "[]int32", versions: "0+" }],
        },
      ],
    },
    { name: "timeoutMs", type: "int32", versions: "0+" },
    { name: "validateOnly", type: "bool", versions: "0+" },
  ],
});

export const createPartitionsResponseSchema = defineMessage({
  name: "CreatePartitionsResponse",
  apiKey: 37,
  validVersions: "0-1",
  flexibleVersions: "2+",
  fields: [
    { name: "throttleTimeMs", type: "int32", versions: "0+" },
    {
      name: "results",
      type: "[]CreatePartitionsTopicResult",
      versions: "0+",
      fields: [
        { name: "name", type: "string", versions: "0+" },
        { name: "errorCode", type: "int16", versions: "0+" },
        {
          name: "errorMessage",
          type: "string",
          versions: "0+",
          nullableVersions: "0+",
          default: null,
        },
      ],
    },
  ],
});

export const createPartitionsApi: ApiCodec<"CreatePartitions"> = {
  name: "CreatePartitions",
  request: plainBody<CreatePartitionsRequest>()(createPartitionsRequestSchema),
  response: plainBody<CreatePartitionsResponse>()(createPartitionsResponseSchema),
};
