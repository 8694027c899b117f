// Fetch (key 1), versions 4–11, from Kafka's FetchRequest/Response.json (v4+ only: record
// batches; magic 0/1 message sets are never served).
// Fetch Request (Version: 11) => replica_id max_wait_ms min_bytes max_bytes isolation_level
//   session_id session_epoch [topics] [forgotten_topics_data] rack_id
//   topics => topic [partitions]
//   partitions => partition current_leader_epoch fetch_offset log_start_offset partition_max_bytes
//   forgotten_topics_data => topic [partitions]
// Fetch Response (Version: 11) => throttle_time_ms error_code session_id [responses]
//   responses => topic [partitions]
//   partitions => partition_index error_code high_watermark last_stable_offset log_start_offset
//     [aborted_transactions] preferred_read_replica records
//   aborted_transactions => producer_id first_offset

import type { FetchRequest, FetchResponse } from "../../../core/protocol/index.ts";
import { type ApiCodec, plainBody } from "../api.ts";
import { defineMessage } from "../schema.ts";

export const fetchRequestSchema = defineMessage({
  name: "FetchRequest",
  apiKey: 1,
  validVersions: "4-11",
  flexibleVersions: "12+",
  fields: [
    { name: "replicaId", type: "int32", versions: "0-14", default: -1 },
    { name: "maxWaitMs", type: "int32", versions: "0+" },
    { name: "minBytes", type: "int32", versions: "0+" },
    { name: "maxBytes", type: "int32", versions: "3+", default: 0x7fffffff },
    { name: "isolationLevel", type: "int8", versions: "4+", default: 0 },
    { name: "sessionId", type: "int32", versions: "7+", default: 0 },
    { name: "sessionEpoch", type: "int32", versions: "7+", default: -1 },
    {
      name: "topics",
      type: "[]FetchTopic",
      versions: "0+",
      fields: [
        { name: "topic", type: "string", versions: "0-12" },
        {
          name: "partitions",
          type: "[]FetchPartition",
          versions: "0+",
          fields: [
            { name: "partition", type: "int32", versions: "0+" },
            { name: "currentLeaderEpoch", type: "int32", versions: "9+", default: -1 },
            { name: "fetchOffset", type: "int64", versions: "0+" },
            { name: "logStartOffset", type: "int64", versions: "5+", default: -1 },
            { name: "partitionMaxBytes", type: "int32", versions: "0+" },
          ],
        },
      ],
    },
    {
      name: "forgottenTopicsData",
      type: "[]ForgottenTopic",
      versions: "7+",
      fields: [
        { name: "topic", type: "string", versions: "7-12" },
        { name: "partitions", type: "[]int32", versions: "7+" },
      ],
    },
    { name: "rackId", type: "string", versions: "11+", default: "" },
  ],
});

export const fetchResponseSchema = defineMessage({
  name: "FetchResponse",
  apiKey: 1,
  validVersions: "4-11",
  flexibleVersions: "12+",
  fields: [
    { name: "throttleTimeMs", type: "int32", versions: "1+" },
    { name: "errorCode", type: "int16", versions: "7+" },
    { name: "sessionId", type: "int32", versions: "7+", default: 0 },
    {
      name: "responses",
      type: "[]FetchableTopicResponse",
      versions: "0+",
      fields: [
        { name: "topic", type: "string", versions: "0-12" },
        {
          name: "partitions",
          type: "[]PartitionData",
          versions: "0+",
          fields: [
            { name: "partitionIndex", type: "int32", versions: "0+" },
            { name: "errorCode", type: "int16", versions: "0+" },
            { name: "highWatermark", type: "int64", versions: "0+" },
            { name: "lastStableOffset", type: "int64", versions: "4+", default: -1 },
            { name: "logStartOffset", type: "int64", versions: "5+", default: -1 },
            {
              name: "abortedTransactions",
              type: "[]AbortedTransaction",
              versions: "4+",
              nullableVersions: "4+",
              fields: [
                { name: "producerId", type: "int64", versions: "4+" },
                { name: "firstOffset", type: "int64", versions: "4+" },
              ],
            },
            { name: "preferredReadReplica", type: "int32", versions: "11+", default: -1 },
            { name: "records", type: "records", versions: "0+", nullableVersions: "0+" },
          ],
        },
      ],
    },
  ],
});

export const fetchApi: ApiCodec<"Fetch"> = {
  name: "Fetch",
  request: plainBody<FetchRequest>()(fetchRequestSchema),
  response: plainBody<FetchResponse>()(fetchResponseSchema),
};
