// OffsetDelete (key 47), version 0, from Kafka's OffsetDeleteRequest/Response.json.
// OffsetDelete Request (Version: 0) => group_id [topics]; topics => name [partitions]
//   partitions => partition_index
// OffsetDelete Response (Version: 0) => error_code throttle_time_ms [topics]
//   topics => name [partitions]; partitions => partition_index error_code

import type { OffsetDeleteRequest, OffsetDeleteResponse } from "../../../core/protocol/index.ts";
import { type ApiCodec, plainBody } from "../api.ts";
import { defineMessage } from "../schema.ts";

export const offsetDeleteRequestSchema = defineMessage({
  name: "OffsetDeleteRequest",
  apiKey: 47,
  validVersions: "0",
  flexibleVersions: "none",
  fields: [
    { name: "groupId", type: "string", versions: "0+" },
    {
      name: "topics",
      type: "[]OffsetDeleteRequestTopic",
      versions: "0+",
      fields: [
        { name: "name", type: "string", versions: "0+" },
        {
          name: "partitions",
          type: "[]OffsetDeleteRequestPartition",
          versions: "0+",
          fields: [{ name: "partitionIndex", type: "int32", versions: "0+" }],
        },
      ],
    },
  ],
});

export const offsetDeleteResponseSchema = defineMessage({
  name: "OffsetDeleteResponse",
  apiKey: 47,
  validVersions: "0",
  flexibleVersions: "none",
  fields: [
    { name: "errorCode", type: "int16", versions: "0+" },
    { name: "throttleTimeMs", type: "int32", versions: "0+" },
    {
      name: "topics",
      type: "[]OffsetDeleteResponseTopic",
      versions: "0+",
      fields: [
        { name: "name", type: "string", versions: "0+" },
        {
          name: "partitions",
          type: "[]OffsetDeleteResponsePartition",
          versions: "0+",
          fields: [
            { name: "partitionIndex", type: "int32", versions: "0+" },
            { name: "errorCode", type: "int16", versions: "0+" },
          ],
        },
      ],
    },
  ],
});

export const offsetDeleteApi: ApiCodec<"OffsetDelete"> = {
  name: "OffsetDelete",
  request: plainBody<OffsetDeleteRequest>()(offsetDeleteRequestSchema),
  response: plainBody<OffsetDeleteResponse>()(offsetDeleteResponseSchema),
};
