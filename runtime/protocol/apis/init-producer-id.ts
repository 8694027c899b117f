// InitProducerId (key 22), versions 0–1, from Kafka's InitProducerIdRequest/Response.json.
// InitProducerId Request (Version: 0-1) => transactional_id transaction_timeout_ms
// InitProducerId Response (Version: 0-1) => throttle_time_ms error_code producer_id producer_epoch

import type {
  InitProducerIdRequest,
  InitProducerIdResponse,
} from "../../../core/protocol/index.ts";
import { type ApiCodec, plainBody } from "../api.ts";
import { defineMessage } from "../schema.ts";

export const initProducerIdRequestSchema = defineMessage({
  name: "InitProducerIdRequest",
  apiKey: 22,
  validVersions: "0-1",
  flexibleVersions: "2+",
  fields: [
    { name: "transactionalId", type: "string", versions: "0+", nullableVersions: "0+" },
    { name: "transactionTimeoutMs", type: "int32", versions: "0+" },
  ],
});

export const initProducerIdResponseSchema = defineMessage({
  name: "InitProducerIdResponse",
  apiKey: 22,
  validVersions: "0-1",
  flexibleVersions: "2+",
  fields: [
    { name: "throttleTimeMs", type: "int32", versions: "0+" },
    { name: "errorCode", type: "int16", versions: "0+" },
    { name: "producerId", type: "int64", versions: "0+", default: -1 },
    { name: "producerEpoch", type: "int16", versions: "0+" },
  ],
});

export const initProducerIdApi: ApiCodec<"InitProducerId"> = {
  name: "InitProducerId",
  request: plainBody<InitProducerIdRequest>()(initProducerIdRequestSchema),
  response: plainBody<InitProducerIdResponse>()(initProducerIdResponseSchema),
};
