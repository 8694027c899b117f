// DeleteTopics (key 20), versions 0–3, from Kafka's DeleteTopicsRequest/Response.json.
// DeleteTopics Request (Version: 0-3) => [topic_names] timeout_ms
// DeleteTopics Response (Version: 1-3) => throttle_time_ms [responses]; responses => name error_code

import type { DeleteTopicsRequest, DeleteTopicsResponse } from "../../../core/protocol/index.ts";
import { type ApiCodec, plainBody } from "../api.ts";
import { defineMessage } from "../schema.ts";

export const deleteTopicsRequestSchema = defineMessage({
  name: "DeleteTopicsRequest",
  apiKey: 20,
  validVersions: "0-3",
  flexibleVersions: "4+",
  fields: [
    { name: "topicNames", type: "[]string", versions: "0-5" },
    { name: "timeoutMs", type: "int32", versions: "0+" },
  ],
});

export const deleteTopicsResponseSchema = defineMessage({
  name: "DeleteTopicsResponse",
  apiKey: 20,
  validVersions: "0-3",
  flexibleVersions: "4+",
  fields: [
    { name: "throttleTimeMs", type: "int32", versions: "1+" },
    {
      name: "responses",
      type: "[]DeletableTopicResult",
      versions: "0+",
      fields: [
        { name: "name", type: "string", versions: "0+" },
        { name: "errorCode", type: "int16", versions: "0+" },
      ],
    },
  ],
});

export const deleteTopicsApi: ApiCodec<"DeleteTopics"> = {
  name: "DeleteTopics",
  request: plainBody<DeleteTopicsRequest>()(deleteTopicsRequestSchema),
  response: plainBody<DeleteTopicsResponse>()(deleteTopicsResponseSchema),
};
