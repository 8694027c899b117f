// DeleteGroups (key 42), versions 0–1, from Kafka's DeleteGroupsRequest/Response.json.
// DeleteGroups Request (Version: 0-1) => [groups_names]
// DeleteGroups Response (Version: 0-1) => throttle_time_ms [results]; results => group_id error_code

import type { DeleteGroupsRequest, DeleteGroupsResponse } from "../../../core/protocol/index.ts";
import { type ApiCodec, plainBody } from "../api.ts";
import { defineMessage } from "../schema.ts";

export const deleteGroupsRequestSchema = defineMessage({
  name: "DeleteGroupsRequest",
  apiKey: 42,
  validVersions: "0-1",
  flexibleVersions: "2+",
  fields: [{ name: "groupsNames", type: "[]string", versions: "0+" }],
});

export const deleteGroupsResponseSchema = defineMessage({
  name: "DeleteGroupsResponse",
  apiKey: 42,
  validVersions: "0-1",
  flexibleVersions: "2+",
  fields: [
    { name: "throttleTimeMs", type: "int32", versions: "0+" },
    {
      name: "results",
      type: "[]DeletableGroupResult",
      versions: "0+",
      fields: [
        { name: "groupId", type: "string", versions: "0+" },
        { name: "errorCode", type: "int16", versions: "0+" },
      ],
    },
  ],
});

export const deleteGroupsApi: ApiCodec<"DeleteGroups"> = {
  name: "DeleteGroups",
  request: plainBody<DeleteGroupsRequest>()(deleteGroupsRequestSchema),
  response: plainBody<DeleteGroupsResponse>()(deleteGroupsResponseSchema),
};
