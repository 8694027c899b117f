// TxnOffsetCommit (key 28), versions 0–2, from Kafka's TxnOffsetCommitRequest/Response.json.
// TxnOffsetCommit Request (Version: 2) => transactional_id group_id producer_id producer_epoch
//   [topics]; topics => name [partitions]
//   partitions => partition_index committed_offset committed_leader_epoch committed_metadata
// TxnOffsetCommit Response (Version: 0-2) => throttle_time_ms [topics]
//   topics => name [partitions]; partitions => partition_index error_code

import type {
  TxnOffsetCommitRequest,
  TxnOffsetCommitResponse,
} from "../../../core/protocol/index.ts";
import { type ApiCodec, plainBody } from "../api.ts";
import { defineMessage } from "../schema.ts";

export const txnOffsetCommitRequestSchema = defineMessage({
  name: "TxnOffsetCommitRequest",
  apiKey: 28,
  validVersions: "0-2",
  flexibleVersions: "3+",
  fields: [
    { name: "transactionalId", type: "string", versions: "0+" },
    { name: "groupId", type: "string", versions: "0+" },
    { name: "producerId", type: "int64", versions: "0+" },
    { name: "producerEpoch", type: "int16", versions: "0+" },
    {
      name: "topics",
      type: "[]TxnOffsetCommitRequestTopic",
      versions: "0+",
      fields: [
        { name: "name", type: "string", versions: "0+" },
        {
          name: "partitions",
          type: "[]TxnOffsetCommitRequestPartition",
          versions: "0+",
          fields: [
            { name: "partitionIndex", type: "int32", versions: "0+" },
            { name: "committedOffset", type: "int64", versions: "0+" },
            { name: "committedLeaderEpoch", type: "int32", versions: "2+", default: -1 },
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

export const txnOffsetCommitResponseSchema = defineMessage({
  name: "TxnOffsetCommitResponse",
  apiKey: 28,
  validVersions: "0-2",
  flexibleVersions: "3+",
  fields: [
    { name: "throttleTimeMs", type: "int32", versions: "0+" },
    {
      name: "topics",
      type: "[]TxnOffsetCommitResponseTopic",
      versions: "0+",
      fields: [
        { name: "name", type: "string", versions: "0+" },
        {
          name: "partitions",
          type: "[]TxnOffsetCommitResponsePartition",
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

export const txnOffsetCommitApi: ApiCodec<"TxnOffsetCommit"> = {
  name: "TxnOffsetCommit",
  request: plainBody<TxnOffsetCommitRequest>()(txnOffsetCommitRequestSchema),
  response: plainBody<TxnOffsetCommitResponse>()(txnOffsetCommitResponseSchema),
};
