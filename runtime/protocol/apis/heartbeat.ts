// Heartbeat (key 12), versions 0–3, from Kafka's HeartbeatRequest/Response.json.
// Heartbeat Request (Version: 3) => group_id generation_id member_id group_instance_id
// Heartbeat Response (Version: 1+) => throttle_time_ms error_code

import type { HeartbeatRequest, HeartbeatResponse } from "../../../core/protocol/index.ts";
import { type ApiCodec, plainBody } from "../api.ts";
import { defineMessage } from "../schema.ts";

export const heartbeatRequestSchema = defineMessage({
  name: "HeartbeatRequest",
  apiKey: 12,
  validVersions: "0-3",
  flexibleVersions: "4+",
  fields: [
    { name: "groupId", type: "string", versions: "0+" },
    { name: "generationId", type: "int32", versions: "0+" },
    { name: "memberId", type: "string", versions: "0+" },
    {
      name: "groupInstanceId",
      type: "string",
      versions: "3+",
      nullableVersions: "3+",
      default: null,
    },
  ],
});

export const heartbeatResponseSchema = defineMessage({
  name: "HeartbeatResponse",
  apiKey: 12,
  validVersions: "0-3",
  flexibleVersions: "4+",
  fields: [
    { name: "throttleTimeMs", type: "int32", versions: "1+" },
    { name: "errorCode", type: "int16", versions: "0+" },
  ],
});

export const heartbeatApi: ApiCodec<"Heartbeat"> = {
  name: "Heartbeat",
  request: plainBody<HeartbeatRequest>()(heartbeatRequestSchema),
  response: plainBody<HeartbeatResponse>()(heartbeatResponseSchema),
};
