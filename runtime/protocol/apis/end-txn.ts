// EndTxn (key 26), versions 0–2, from Kafka's EndTxnRequest/Response.json.
// EndTxn Request (Version: 0-2) => transactional_id producer_id producer_epoch committed
// EndTxn Response (Version: 0-2) => throttle_time_ms error_code

import type { EndTxnRequest, EndTxnResponse } from "../../../core/protocol/index.ts";
import { type ApiCodec, plainBody } from "../api.ts";
import { defineMessage } from "../schema.ts";

export const endTxnRequestSchema = defineMessage({
  name: "EndTxnRequest",
  apiKey: 26,
  validVersions: "0-2",
  flexibleVersions: "3+",
  fields: [
    { name: "transactionalId", type: "string", versions: "0+" },
    { name: "producerId", type: "int64", versions: "0+" },
    { name: "producerEpoch", type: "int16", versions: "0+" },
    { name: "committed", type: "bool", versions: "0+" },
  ],
});

export const endTxnResponseSchema = defineMessage({
  name: "EndTxnResponse",
  apiKey: 26,
  validVersions: "0-2",
  flexibleVersions: "3+",
  fields: [
    { name: "throttleTimeMs", type: "int32", versions: "0+" },
    { name: "errorCode", type: "int16", versions: "0+" },
  ],
});

export const endTxnApi: ApiCodec<"EndTxn"> = {
  name: "EndTxn",
  request: plainBody<EndTxnRequest>()(endTxnRequestSchema),
  response: plainBody<EndTxnResponse>()(endTxnResponseSchema),
};
