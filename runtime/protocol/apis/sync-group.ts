// SyncGroup (key 14), versions 0–3, from Kafka's SyncGroupRequest/Response.json.
// SyncGroup Request (Version: 3) => group_id generation_id member_id group_instance_id
//   [assignments]; assignments => member_id assignment
// SyncGroup Response (Version: 1+) => throttle_time_ms error_code assignment

import type { SyncGroupRequest, SyncGroupResponse } from "../../../core/protocol/index.ts";
import { type ApiCodec, plainBody } from "../api.ts";
import { defineMessage } from "../schema.ts";

export const syncGroupRequestSchema = defineMessage({
  name: "SyncGroupRequest",
  apiKey: 14,
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
    {
      name: "assignments",
      type: "[]SyncGroupRequestAssignment",
      versions: "0+",
      fields: [
        { name: "memberId", type: "string", versions: "0+" },
        { name: "assignment", type: "bytes", versions: "0+" },
      ],
    },
  ],
});

export const syncGroupResponseSchema = defineMessage({
  name: "SyncGroupResponse",
  apiKey: 14,
  validVersions: "0-3",
  flexibleVersions: "4+",
  fields: [
    { name: "throttleTimeMs", type: "int32", versions: "1+" },
    { name: "errorCode", type: "int16", versions: "0+" },
    { name: "assignment", type: "bytes", versions: "0+" },
  ],
});

export const syncGroupApi: ApiCodec<"SyncGroup"> = {
  name: "SyncGroup",
  request: plainBody<SyncGroupRequest>()(syncGroupRequestSchema),
  response: plainBody<SyncGroupResponse>()(syncGroupResponseSchema),
};
