// AddOffsetsToTxn (key 25), versions 0–2, from Kafka's AddOffsetsToTxnRequest/Response.json.
// AddOffsetsToTxn Request (Version: 0-2) => transactional_id producer_id producer_epoch group_id
// AddOffsetsToTxn Response (Version: 0-2) => throttle_time_ms error_code

import type {
  AddOffsetsToTxnRequest,
  AddOffsetsToTxnResponse,
} from "../../../core/protocol/index.ts";
import { type ApiCodec, plainBody } from "../api.ts";
import { defineMessage } from "../schema.ts";

export const addOffsetsToTxnRequestSchema = defineMessage({
  name: "AddOffsetsToTxnRequest",
  apiKey: 25,
  validVersions: "0-2",
  flexibleVersions: "3+",
  fields: [
    { name: "transactionalId", type: "string", versions: "0+" },
    { name: "producerId", type: "int64", versions: "0+" },
    { name: "producerEpoch", type: "int16", versions: "0+" },
    { name: "groupId", type: "string", versions: "0+" },
  ],
});

export const addOffsetsToTxnResponseSchema = defineMessage({
  name: "AddOffsetsToTxnResponse",
  apiKey: 25,
  validVersions: "0-2",
  flexibleVersions: "3+",
  fields: [
    { name: "throttleTimeMs", type: "int32", versions: "0+" },
    { name: "errorCode", type: "int16", versions: "0+" },
  ],
});

export const addOffsetsToTxnApi: ApiCodec<"AddOffsetsToTxn"> = {
  name: "AddOffsetsToTxn",
  request: plainBody<AddOffsetsToTxnRequest>()(addOffsetsToTxnRequestSchema),
  response: plainBody<AddOffsetsToTxnResponse>()(addOffsetsToTxnResponseSchema),
};
