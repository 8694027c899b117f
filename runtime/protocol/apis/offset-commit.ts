// OffsetCommit (key 8), versions 0–7, from Kafka's OffsetCommitRequest/Response.json.
// OffsetCommit Request (Version: 7) => group_id generation_id member_id group_instance_id [topics]
//   topics => name [partitions]
//   partitions => partition_index committed_offset committed_leader_epoch committed_metadata
// (v1 adds commit_timestamp per partition; v2–v4 add retention_time_ms after member_id.)
// OffsetCommit Response (Version: 3+) => throttle_time_ms [topics]
//   topics => name [partitions]; partitions => partition_index error_code

import type { OffsetCommitRequest, OffsetCommitResponse } from "../../../core/protocol/index.ts";
import { type ApiCodec, plainBody } from "../api.ts";
import { defineMessage } from "../schema.ts";

export const offsetCommitRequestSchema = defineMessage({
  name: "OffsetCommitRequest",
  apiKey: 8,
  validVersions: "0-7",
  flexibleVersions: "8+",
  fields: [
    { name: "groupId", type: "string", versions: "0+" },
    // Kafka's spec: GenerationIdOrMemberEpoch (renamed for KIP-848, which these versions predate).
    { name: "generationId", type: "int32", versions: "1+", default: -1 },
    { name: "memberId", type: "string", versions: "1+" },
    {
      name: "groupInstanceId",
      type: "string",
      versions: "7+",
      nullableVersions: "7+",
      default: null,
    },
    { name: "retentionTimeMs", type: "int64", versions: "2-4", default: -1 },
    {
      name: "topics",
      type: "[]OffsetCommitRequestTopic",
      versions: "0+",
      fields: [
        { name: "name", type: "string", versions: "0+" },
        {
          name: "partitions",
          type: "[]OffsetCommitRequestPartition",
          versions: "0+",
          fields: [
            { name: "partitionIndex", type: "int32", versions: "0+" },
            { name: "committedOffset", type: "int64", versions: "0+" },
            { name: "committedLeaderEpoch", type: "int32", versions: "6+", default: -1 },
            { name: "commitTimestamp", type: "int64", versions: "1", default: -1 },
            {
              name: "committedMetadata",
              type: "string",
              versions: "0+",
              nullableVersions: "0+",
            },
          ],
        },
      ],
    },
  ],
});

export const offsetCommitResponseSchema = defineMessage({
  name: "OffsetCommitResponse",
  apiKey: 8,
  validVersions: "0-7",
  flexibleVersions: "8+",
  fields: [
    { name: "throttleTimeMs", type: "int32", versions: "3+" },
    {
      name: "topics",
      type: "[]OffsetCommitResponseTopic",
      versions: "0+",
      fields: [
        { name: "name", type: "string", versions: "0+" },
        {
          name: "partitions",
          type: "[]OffsetCommitResponsePartition",
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

export const offsetCommitApi: ApiCodec<"OffsetCommit"> = {
  name: "OffsetCommit",
  request: plainBody<OffsetCommitRequest>()(offsetCommitRequestSchema),
  response: plainBody<OffsetCommitResponse>()(offsetCommitResponseSchema),
};
