// JoinGroup (key 11), versions 0–5, from Kafka's JoinGroupRequest/Response.json.
// JoinGroup Request (Version: 5) => group_id session_timeout_ms rebalance_timeout_ms member_id
//   group_instance_id protocol_type [protocols]; protocols => name metadata
// JoinGroup Response (Version: 5) => throttle_time_ms error_code generation_id protocol_name
//   leader member_id [members]; members => member_id group_instance_id metadata

import type { JoinGroupRequest, JoinGroupResponse } from "../../../core/protocol/index.ts";
import { type ApiCodec, adaptedBody, plainBody } from "../api.ts";
import { defineMessage } from "../schema.ts";

export const joinGroupRequestSchema = defineMessage({
  name: "JoinGroupRequest",
  apiKey: 11,
  validVersions: "0-5",
  flexibleVersions: "6+",
  fields: [
    { name: "groupId", type: "string", versions: "0+" },
    { name: "sessionTimeoutMs", type: "int32", versions: "0+" },
    { name: "rebalanceTimeoutMs", type: "int32", versions: "1+", default: -1 },
    { name: "memberId", type: "string", versions: "0+" },
    {
      name: "groupInstanceId",
      type: "string",
      versions: "5+",
      nullableVersions: "5+",
      default: null,
    },
    { name: "protocolType", type: "string", versions: "0+" },
    {
      name: "protocols",
      type: "[]JoinGroupRequestProtocol",
      versions: "0+",
      fields: [
        { name: "name", type: "string", versions: "0+" },
        { name: "metadata", type: "bytes", versions: "0+" },
      ],
    },
  ],
});

export const joinGroupResponseSchema = defineMessage({
  name: "JoinGroupResponse",
  apiKey: 11,
  validVersions: "0-5",
  flexibleVersions: "6+",
  fields: [
    { name: "throttleTimeMs", type: "int32", versions: "2+" },
    { name: "errorCode", type: "int16", versions: "0+" },
    { name: "generationId", type: "int32", versions: "0+", default: -1 },
    { name: "protocolName", type: "string", versions: "0+" },
    { name: "leader", type: "string", versions: "0+" },
    { name: "memberId", type: "string", versions: "0+" },
    {
      name: "members",
      type: "[]JoinGroupResponseMember",
      versions: "0+",
      fields: [
        { name: "memberId", type: "string", versions: "0+" },
        {
          name: "groupInstanceId",
          type: "string",
          versions: "5+",
          nullableVersions: "5+",
          default: null,
        },
        { name: "metadata", type: "bytes", versions: "0+" },
      ],
    },
  ],
});

export const joinGroupApi: ApiCodec<"JoinGroup"> = {
  name: "JoinGroup",
  // v0 has no rebalance timeout: Kafka's coordinator uses the session timeout. v4+ clients
  // handle MEMBER_ID_REQUIRED (KIP-394).
  request: adaptedBody<JoinGroupRequest>()(
    joinGroupRequestSchema,
    (version, wire) => ({
      ...wire,
      rebalanceTimeoutMs: version === 0 ? wire.sessionTimeoutMs : wire.rebalanceTimeoutMs,
      requireKnownMemberId: version >= 4,
    }),
    (_version, { requireKnownMemberId: _, ...wire }) => wire,
  ),
  response: plainBody<JoinGroupResponse>()(joinGroupResponseSchema),
};
