// Produce (key 0), versions 0–7, transcribed from Kafka's ProduceRequest.json/ProduceResponse.json.
// Produce Request (Version: 3+) => transactional_id acks timeout_ms [topic_data]
//   topic_data => name [partition_data]; partition_data => index records
// Produce Response (Version: 5+) => [responses] throttle_time_ms
//   responses => name [partition_responses]
//   partition_responses => index error_code base_offset log_append_time_ms log_start_offset

import type { ProduceRequest, ProduceResponse } from "../../../core/protocol/index.ts";
import { type ApiCodec, adaptedBody, plainBody } from "../api.ts";
import { defineMessage } from "../schema.ts";

export const produceRequestSchema = defineMessage({
  name: "ProduceRequest",
  apiKey: 0,
  validVersions: "0-7",
  flexibleVersions: "9+",
  fields: [
    {
      name: "transactionalId",
      type: "string",
      versions: "3+",
      nullableVersions: "3+",
      default: null,
    },
    { name: "acks", type: "int16", versions: "0+" },
    { name: "timeoutMs", type: "int32", versions: "0+" },
    {
      name: "topicData",
      type: "[]TopicProduceData",
      versions: "0+",
      fields: [
        { name: "name", type: "string", versions: "0+" },
        {
          name: "partitionData",
          type: "[]PartitionProduceData",
          versions: "0+",
          fields: [
            { name: "index", type: "int32", versions: "0+" },
            { name: "records", type: "records", versions: "0+", nullableVersions: "0+" },
          ],
        },
      ],
    },
  ],
});

export const produceResponseSchema = defineMessage({
  name: "ProduceResponse",
  apiKey: 0,
  validVersions: "0-7",
  flexibleVersions: "9+",
  fields: [
    {
      name: "responses",
      type: "[]TopicProduceResponse",
      versions: "0+",
      fields: [
        { name: "name", type: "string", versions: "0+" },
        {
          name: "partitionResponses",
          type: "[]PartitionProduceResponse",
          versions: "0+",
          fields: [
            { name: "index", type: "int32", versions: "0+" },
            { name: "errorCode", type: "int16", versions: "0+" },
            { name: "baseOffset", type: "int64", versions: "0+" },
            { name: "logAppendTimeMs", type: "int64", versions: "2+", default: -1 },
            { name: "logStartOffset", type: "int64", versions: "5+", default: -1 },
          ],
        },
      ],
    },
    { name: "throttleTimeMs", type: "int32", versions: "1+", default: 0 },
  ],
});

export const produceApi: ApiCodec<"Produce"> = {
  name: "Produce",
  // v0–v2 carry magic 0/1 message sets: flagged for the broker, which answers UNSUPPORTED_VERSION.
  request: adaptedBody<ProduceRequest>()(
    produceRequestSchema,
    (version, wire) => ({ ...wire, legacyMessageSet: version < 3 }),
    (_version, { legacyMessageSet: _, ...wire }) => wire,
  ),
  response: plainBody<ProduceResponse>()(produceResponseSchema),
};
