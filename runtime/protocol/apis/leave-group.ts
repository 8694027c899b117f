// LeaveGroup (key 13), versions 0–3, from Kafka's LeaveGroupRequest/Response.json.
// LeaveGroup Request (Version: 0-2) => group_id member_id
// LeaveGroup Request (Version: 3) => group_id [members]; members => member_id group_instance_id
// LeaveGroup Response (Version: 3) => throttle_time_ms error_code [members]
//   members => member_id group_instance_id error_code

import type { LeaveGroupRequest, LeaveGroupResponse } from "../../../core/protocol/index.ts";
import { type ApiCodec, adaptedBody } from "../api.ts";
import { defineMessage, type MessageValue } from "../schema.ts";

export const leaveGroupRequestSchema = defineMessage({
  name: "LeaveGroupRequest",
  apiKey: 13,
  validVersions: "0-3",
  flexibleVersions: "4+",
  fields: [
    { name: "groupId", type: "string", versions: "0+" },
    { name: "memberId", type: "string", versions: "0-2" },
    {
      name: "members",
      type: "[]MemberIdentity",
      versions: "3+",
      fields: [
        { name: "memberId", type: "string", versions: "3+" },
        {
          name: "groupInstanceId",
          type: "string",
          versions: "3+",
          nullableVersions: "3+",
          default: null,
        },
      ],
    },
  ],
});

export const leaveGroupResponseSchema = defineMessage({
  name: "LeaveGroupResponse",
  apiKey: 13,
  validVersions: "0-3",
  flexibleVersions: "4+",
  fields: [
    { name: "throttleTimeMs", type: "int32", versions: "1+" },
    { name: "errorCode", type: "int16", versions: "0+" },
    {
      name: "members",
      type: "[]MemberResponse",
      versions: "3+",
      fields: [
        { name: "memberId", type: "string", versions: "3+" },
        { name: "groupInstanceId", type: "string", versions: "3+", nullableVersions: "3+" },
        { name: "errorCode", type: "int16", versions: "3+" },
      ],
    },
  ],
});

type RequestWire = MessageValue<typeof leaveGroupRequestSchema>;
type ResponseWire = MessageValue<typeof leaveGroupResponseSchema>;

/** v0–v2 name one member; the domain always lists the members leaving. */
function requestToDomain(version: number, wire: RequestWire): LeaveGroupRequest {
  if (version >= 3) return { groupId: wire.groupId, members: wire.members };
  return { groupId: wire.groupId, members: [{ memberId: wire.memberId, groupInstanceId: null }] };
}

function requestToWire(version: number, domain: LeaveGroupRequest): RequestWire {
  if (version >= 3) return { groupId: domain.groupId, memberId: "", members: domain.members };
  const only = domain.members[0];
  return { groupId: domain.groupId, memberId: only?.memberId ?? "", members: [] };
}

/** v0–v2 have no per-member answers: a member's error becomes the top-level one. */
function responseToWire(version: number, domain: LeaveGroupResponse): ResponseWire {
  if (version >= 3) return domain;
  const memberError = domain.members.find((m) => m.errorCode !== 0)?.errorCode ?? 0;
  const errorCode = domain.errorCode !== 0 ? domain.errorCode : memberError;
  return { throttleTimeMs: domain.throttleTimeMs, errorCode, members: [] };
}

export const leaveGroupApi: ApiCodec<"LeaveGroup"> = {
  name: "LeaveGroup",
  request: adaptedBody<LeaveGroupRequest>()(
    leaveGroupRequestSchema,
    requestToDomain,
    requestToWire,
  ),
  response: adaptedBody<LeaveGroupResponse>()(
    leaveGroupResponseSchema,
    (_version, wire) => wire,
    responseToWire,
  ),
};
