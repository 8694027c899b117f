// DescribeGroups (key 15), versions 0–4, from Kafka's DescribeGroupsRequest/Response.json.
// DescribeGroups Request (Version: 3+) => [groups] include_authorized_operations
// DescribeGroups Response (Version: 4) => throttle_time_ms [groups]
//   groups => error_code group_id group_state protocol_type protocol_data [members]
//     authorized_operations
//   members => member_id group_instance_id client_id client_host member_metadata member_assignment

import type {
  DescribeGroupsRequest,
  DescribeGroupsResponse,
} from "../../../core/protocol/index.ts";
import { type ApiCodec, plainBody } from "../api.ts";
import { defineMessage } from "../schema.ts";

export const describeGroupsRequestSchema = defineMessage({
  name: "DescribeGroupsRequest",
  apiKey: 15,
  validVersions: "0-4",
  flexibleVersions: "5+",
  fields: [
    { name: "groups", type: "[]string", versions: "0+" },
    { name: "includeAuthorizedOperations", type: "bool", versions: "3+" },
  ],
});

export const describeGroupsResponseSchema = defineMessage({
  name: "DescribeGroupsResponse",
  apiKey: 15,
  validVersions: "0-4",
  flexibleVersions: "5+",
  fields: [
    { name: "throttleTimeMs", type: "int32", versions: "1+" },
    {
      name: "groups",
      type: "[]DescribedGroup",
      versions: "0+",
      fields: [
        { name: "errorCode", type: "int16", versions: "0+" },
        { name: "groupId", type: "string", versions: "0+" },
        { name: "groupState", type: "string", versions: "0+" },
        { name: "protocolType", type: "string", versions: "0+" },
        { name: "protocolData", type: "string", versions: "0+" },
        {
          name: "members",
          type: "[]DescribedGroupMember",
          versions: "0+",
          fields: [
            { name: "memberId", type: "string", versions: "0+" },
            {
              name: "groupInstanceId",
              type: "string",
              versions: "4+",
              nullableVersions: "4+",
              default: null,
            },
            { name: "clientId", type: "string", versions: "0+" },
            { name: "clientHost", type: "string", versions: "0+" },
            { name: "memberMetadata", type: "bytes", versions: "0+" },
            { name: "memberAssignment", type: "bytes", versions: "0+" },
          ],
        },
        {
          name: "authorizedOperations",
          type: "int32",
          versions: "3+",
          default: -2147483648,
        },
      ],
    },
  ],
});

export const describeGroupsApi: ApiCodec<"DescribeGroups"> = {
  name: "DescribeGroups",
  request: plainBody<DescribeGroupsRequest>()(describeGroupsRequestSchema),
  response: plainBody<DescribeGroupsResponse>()(describeGroupsResponseSchema),
};
