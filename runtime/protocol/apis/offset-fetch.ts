// OffsetFetch (key 9), versions 0–5, from Kafka's OffsetFetchRequest/Response.json.
// OffsetFetch Request (Version: 2+) => group_id [topics]; topics => name [partition_indexes]
// OffsetFetch Response (Version: 5) => throttle_time_ms [topics] error_code
//   topics => name [partitions]
//   partitions => partition_index committed_offset committed_leader_epoch metadata error_code

import type { OffsetFetchRequest, OffsetFetchResponse } from "../../../core/protocol/index.ts";
import { type ApiCodec, adaptedBody, plainBody } from "../api.ts";
import { defineMessage, type MessageValue } from "../schema.ts";

export const offsetFetchRequestSchema = defineMessage({
  name: "OffsetFetchRequest",
  apiKey: 9,
  validVersions: "0-5",
  flexibleVersions: "6+",
  fields: [
    { name: "groupId", type: "string", versions: "0-7" },
    {
      name: "topics",
      type: "[]OffsetFetchRequestTopic",
      versions: "0-7",
      nullableVersions: "2-7",
      fields: [
        { name: "name", type: "string", versions: "0-7" },
        { name: "partitionIndexes", type: "[]int32", versions: "0-7" },
      ],
    },
  ],
});

export const offsetFetchResponseSchema = defineMessage({
  name: "OffsetFetchResponse",
  apiKey: 9,
  validVersions: "0-5",
  flexibleVersions: "6+",
  fields: [
    { name: "throttleTimeMs", type: "int32", versions: "3+" },
    {
      name: "topics",
      type: "[]OffsetFetchResponseTopic",
      versions: "0-7",
      fields: [
        { name: "name", type: "string", versions: "0-7" },
        {
          name: "partitions",
          type: "[]OffsetFetchResponsePartition",
          versions: "0-7",
          fields: [
            { name: "partitionIndex", type: "int32", versions: "0-7" },
            { name: "committedOffset", type: "int64", versions: "0-7" },
            { name: "committedLeaderEpoch", type: "int32", versions: "5-7", default: -1 },
            { name: "metadata", type: "string", versions: "0-7", nullableVersions: "0-7" },
            { name: "errorCode", type: "int16", versions: "0-7" },
          ],
        },
      ],
    },
    { name: "errorCode", type: "int16", versions: "2-7", default: 0 },
  ],
});

type ResponseWire = MessageValue<typeof offsetFetchResponseSchema>;

/** v0–v1 have no group-level error: it goes onto every partition that has none of its own. */
function responseToWire(version: number, domain: OffsetFetchResponse): ResponseWire {
  if (version >= 2 || domain.errorCode === 0) return domain;
  return {
    ...domain,
    topics: domain.topics.map((topic) => ({
      name: topic.name,
      partitions: topic.partitions.map((p) =>
        p.errorCode === 0 ? { ...p, errorCode: domain.errorCode } : p,
      ),
    })),
  };
}

export const offsetFetchApi: ApiCodec<"OffsetFetch"> = {
  name: "OffsetFetch",
  request: plainBody<OffsetFetchRequest>()(offsetFetchRequestSchema),
  response: adaptedBody<OffsetFetchResponse>()(
    offsetFetchResponseSchema,
    (_version, wire) => wire,
    responseToWire,
  ),
};
