// FindCoordinator (key 10), versions 0–2, from Kafka's FindCoordinatorRequest/Response.json.
// FindCoordinator Request (Version: 1+) => key key_type
// FindCoordinator Response (Version: 1+) => throttle_time_ms error_code error_message node_id host port

import type {
  FindCoordinatorRequest,
  FindCoordinatorResponse,
} from "../../../core/protocol/index.ts";
import { type ApiCodec, plainBody } from "../api.ts";
import { defineMessage } from "../schema.ts";

export const findCoordinatorRequestSchema = defineMessage({
  name: "FindCoordinatorRequest",
  apiKey: 10,
  validVersions: "0-2",
  flexibleVersions: "3+",
  fields: [
    { name: "key", type: "string", versions: "0-3" },
    { name: "keyType", type: "int8", versions: "1+", default: 0 },
  ],
});

export const findCoordinatorResponseSchema = defineMessage({
  name: "FindCoordinatorResponse",
  apiKey: 10,
  validVersions: "0-2",
  flexibleVersions: "3+",
  fields: [
    { name: "throttleTimeMs", type: "int32", versions: "1+" },
    { name: "errorCode", type: "int16", versions: "0-3" },
    { name: "errorMessage", type: "string", versions: "1-3", nullableVersions: "1-3" },
    { name: "nodeId", type: "int32", versions: "0-3" },
    { name: "host", type: "string", versions: "0-3" },
    { name: "port", type: "int32", versions: "0-3" },
  ],
});

export const findCoordinatorApi: ApiCodec<"FindCoordinator"> = {
  name: "FindCoordinator",
  request: plainBody<FindCoordinatorRequest>()(findCoordinatorRequestSchema),
  response: plainBody<FindCoordinatorResponse>()(findCoordinatorResponseSchema),
};
