// ListGroups (key 16), versions 0–2, from Kafka's ListGroupsRequest/Response.json.
// ListGroups Request (Version: 0-2) => (no fields)
// ListGroups Response (Version: 1+) => throttle_time_ms error_code [groups]
//   groups => group_id protocol_type

import type { ListGroupsRequest, ListGroupsResponse } from "../../../core/protocol/index.ts";
import { type ApiCodec, plainBody } from "../api.ts";
import { defineMessage } from "../schema.ts";

export const listGroupsRequestSchema = defineMessage({
  name: "ListGroupsRequest",
  apiKey: 16,
  validVersions: "0-2",
  flexibleVersions: "3+",
  fields: [],
});

export const listGroupsResponseSchema = defineMessage({
  name: "ListGroupsResponse",
  apiKey: 16,
  validVersions: "0-2",
  flexibleVersions: "3+",
  fields: [
    { name: "throttleTimeMs", type: "int32", versions: "1+" },
    { name: "errorCode", type: "int16", versions: "0+" },
    {
      name: "groups",
      type: "[]ListedGroup",
      versions: "0+",
      fields: [
        { name: "groupId", type: "string", versions: "0+" },
        { name: "protocolType", type: "string", versions: "0+" },
      ],
    },
  ],
});

export const listGroupsApi: ApiCodec<"ListGroups"> = {
  name: "ListGroups",
  request: plainBody<ListGroupsRequest>()(listGroupsRequestSchema),
  response: plainBody<ListGroupsResponse>()(listGroupsResponseSchema),
};
