// AddPartitionsToTxn (key 24), versions 0–2, from Kafka's AddPartitionsToTxnRequest/Response.json
// (the "V3AndBelow" fields; the batched v4+ form is not spoken).
// AddPartitionsToTxn Request (Version: 0-2) => transactional_id producer_id producer_epoch [topics]
//   topics => name [partitions]
// AddPartitionsToTxn Response (Version: 0-2) => throttle_time_ms [results]
//   results => name [results]; results => partition_index partition_error_code

import type {
  AddPartitionsToTxnRequest,
  AddPartitionsToTxnResponse,
} from "../../../core/protocol/index.ts";
import { type ApiCodec, plainBody } from "../api.ts";
import { defineMessage } from "../schema.ts";

export const addPartitionsToTxnRequestSchema = defineMessage({
  name: "AddPartitionsToTxnRequest",
  apiKey: 24,
  validVersions: "0-2",
  flexibleVersions: "3+",
  fields: [
    { name: "v3AndBelowTransactionalId", type: "string", versions: "0-3" },
    { name: "v3AndBelowProducerId", type: "int64", versions: "0-3" },
    { name: "v3AndBelowProducerEpoch", type: "int16", versions: "0-3" },
    {
      name: "v3AndBelowTopics",
      type: "[]AddPartitionsToTxnTopic",
      versions: "0-3",
      fields: [
        { name: "name", type: "string", versions: "0+" },
        { name: "partitions", type: "[]int32", versions: "0+" },
      ],
    },
  ],
});

export const addPartitionsToTxnResponseSchema = defineMessage({
  name: "AddPartitionsToTxnResponse",
  apiKey: 24,
  validVersions: "0-2",
  flexibleVersions: "3+",
  fields: [
    { name: "throttleTimeMs", type: "int32", versions: "0+" },
    {
      name: "resultsByTopicV3AndBelow",
      type: "[]AddPartitionsToTxnTopicResult",
      versions: "0-3",
      fields: [
        { name: "name", type: "string", versions: "0+" },
        {
          name: "resultsByPartition",
          type: "[]AddPartitionsToTxnPartitionResult",
          versions: "0+",
          fields: [
            { name: "partitionIndex", type: "int32", versions: "0+" },
            { name: "partitionErrorCode", type: "int16", versions: "0+" },
          ],
        },
      ],
    },
  ],
});

export const addPartitionsToTxnApi: ApiCodec<"AddPartitionsToTxn"> = {
  name: "AddPartitionsToTxn",
  request: plainBody<AddPartitionsToTxnRequest>()(addPartitionsToTxnRequestSchema),
  response: plainBody<AddPartitionsToTxnResponse>()(addPartitionsToTxnResponseSchema),
};
