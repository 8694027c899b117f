// DeleteRecords (key 21), versions 0–1, from Kafka's DeleteRecordsRequest/Response.json.
// DeleteRecords Request (Version: 0-1) => [topics] timeout_ms
//   topics => name [partitions]; partitions => partition_index offset
// DeleteRecords Response (Version: 0-1) => throttle_time_ms [topics]
//   topics => name [partitions]; partitions => partition_index low_watermark error_code

import type { DeleteRecordsRequest, DeleteRecordsResponse } from "../../../core/protocol/index.ts";
import { type ApiCodec, plainBody } from "../api.ts";
import { defineMessage } from "../schema.ts";

export const deleteRecordsRequestSchema = defineMessage({
  name: "DeleteRecordsRequest",
  apiKey: 21,
  validVersions: "0-1",
  flexibleVersions: "2+",
  fields: [
    {
      name: "topics",
      type: "[]DeleteRecordsTopic",
      versions: "0+",
      fields: [
        { name: "name", type: "string", versions: "0+" },
        {
          name: "partitions",
          type: "[]DeleteRecordsPartition",
          versions: "0+",
          fields: [
            { name: "partitionIndex", type: "int32", versions: "0+" },
            { name: "offset", type: "int64", versions: "0+" },
          ],
        },
      ],
    },
    { name: "timeoutMs", type: "int32", versions: "0+" },
  ],
});

export const deleteRecordsResponseSchema = defineMessage({
  name: "DeleteRecordsResponse",
  apiKey: 21,
  validVersions: "0-1",
  flexibleVersions: "2+",
  fields: [
    { name: "throttleTimeMs", type: "int32", versions: "0+" },
    {
      name: "topics",
      type: "[]DeleteRecordsTopicResult",
      versions: "0+",
      fields: [
        { name: "name", type: "string", versions: "0+" },
        {
          name: "partitions",
          type: "[]DeleteRecordsPartitionResult",
          versions: "0+",
          fields: [
            { name: "partitionIndex", type: "int32", versions: "0+" },
            { name: "lowWatermark", type: "int64", versions: "0+" },
            { name: "errorCode", type: "int16", versions: "0+" },
          ],
        },
      ],
    },
  ],
});

export const deleteRecordsApi: ApiCodec<"DeleteRecords"> = {
  name: "DeleteRecords",
  request: plainBody<DeleteRecordsRequest>()(deleteRecordsRequestSchema),
  response: plainBody<DeleteRecordsResponse>()(deleteRecordsResponseSchema),
};
