// ListOffsets (key 2), versions 0–3, from Kafka's ListOffsetsRequest/Response.json.
// ListOffsets Request (Version: 2+) => replica_id isolation_level [topics]
//   topics => name [partitions]; partitions => partition_index timestamp
// ListOffsets Response (Version: 2+) => throttle_time_ms [topics]
//   topics => name [partitions]; partitions => partition_index error_code timestamp offset
// v0 partitions add max_num_offsets (request) and answer [old_style_offsets] (response).

import type { ListOffsetsRequest, ListOffsetsResponse } from "../../../core/protocol/index.ts";
import { type ApiCodec, adaptedBody, plainBody } from "../api.ts";
import { defineMessage, type MessageValue } from "../schema.ts";

export const listOffsetsRequestSchema = defineMessage({
  name: "ListOffsetsRequest",
  apiKey: 2,
  validVersions: "0-3",
  flexibleVersions: "6+",
  fields: [
    { name: "replicaId", type: "int32", versions: "0+" },
    { name: "isolationLevel", type: "int8", versions: "2+" },
    {
      name: "topics",
      type: "[]ListOffsetsTopic",
      versions: "0+",
      fields: [
        { name: "name", type: "string", versions: "0+" },
        {
          name: "partitions",
          type: "[]ListOffsetsPartition",
          versions: "0+",
          fields: [
            { name: "partitionIndex", type: "int32", versions: "0+" },
            { name: "timestamp", type: "int64", versions: "0+" },
            { name: "maxNumOffsets", type: "int32", versions: "0", default: 1 },
          ],
        },
      ],
    },
  ],
});

export const listOffsetsResponseSchema = defineMessage({
  name: "ListOffsetsResponse",
  apiKey: 2,
  validVersions: "0-3",
  flexibleVersions: "6+",
  fields: [
    { name: "throttleTimeMs", type: "int32", versions: "2+" },
    {
      name: "topics",
      type: "[]ListOffsetsTopicResponse",
      versions: "0+",
      fields: [
        { name: "name", type: "string", versions: "0+" },
        {
          name: "partitions",
          type: "[]ListOffsetsPartitionResponse",
          versions: "0+",
          fields: [
            { name: "partitionIndex", type: "int32", versions: "0+" },
            { name: "errorCode", type: "int16", versions: "0+" },
            { name: "oldStyleOffsets", type: "[]int64", versions: "0" },
            { name: "timestamp", type: "int64", versions: "1+", default: -1 },
            { name: "offset", type: "int64", versions: "1+", default: -1 },
          ],
        },
      ],
    },
  ],
});

type Wire = MessageValue<typeof listOffsetsResponseSchema>;

/** v0 answers a list of offsets: the one offset found, or none (-1). */
function responseToDomain(version: number, wire: Wire): ListOffsetsResponse {
  return {
    throttleTimeMs: wire.throttleTimeMs,
    topics: wire.topics.map((topic) => ({
      name: topic.name,
      partitions: topic.partitions.map(({ oldStyleOffsets, ...partition }) =>
        version === 0 ? { ...partition, offset: oldStyleOffsets[0] ?? -1 } : partition,
      ),
    })),
  };
}

function responseToWire(version: number, domain: ListOffsetsResponse): Wire {
  return {
    throttleTimeMs: domain.throttleTimeMs,
    topics: domain.topics.map((topic) => ({
      name: topic.name,
      partitions: topic.partitions.map((partition) => ({
        ...partition,
        timestamp: version === 0 ? -1 : partition.timestamp,
        oldStyleOffsets: version === 0 && partition.offset !== -1 ? [partition.offset] : [],
      })),
    })),
  };
}

export const listOffsetsApi: ApiCodec<"ListOffsets"> = {
  name: "ListOffsets",
  request: plainBody<ListOffsetsRequest>()(listOffsetsRequestSchema),
  response: adaptedBody<ListOffsetsResponse>()(
    listOffsetsResponseSchema,
    responseToDomain,
    responseToWire,
  ),
};
