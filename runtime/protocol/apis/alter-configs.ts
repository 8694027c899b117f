// AlterConfigs (key 33), versions 0–1, from Kafka's AlterConfigsRequest/Response.json.
// AlterConfigs Request (Version: 0-1) => [resources] validate_only
//   resources => resource_type resource_name [configs]; configs => name value
// AlterConfigs Response (Version: 0-1) => throttle_time_ms [responses]
//   responses => error_code error_message resource_type resource_name

import type { AlterConfigsRequest, AlterConfigsResponse } from "../../../core/protocol/index.ts";
import { type ApiCodec, plainBody } from "../api.ts";
import { defineMessage } from "../schema.ts";

export const alterConfigsRequestSchema = defineMessage({
  name: "AlterConfigsRequest",
  apiKey: 33,
  validVersions: "0-1",
  flexibleVersions: "2+",
  fields: [
    {
      name: "resources",
      type: "[]AlterConfigsResource",
      versions: "0+",
      fields: [
        { name: "resourceType", type: "int8", versions: "0+" },
        { name: "resourceName", type: "string", versions: "0+" },
        {
          name: "configs",
          type: "[]AlterableConfig",
          versions: "0+",
          fields: [
            { name: "name", type: "string", versions: "0+" },
            { name: "value", type: "string", versions: "0+", nullableVersions: "0+" },
          ],
        },
      ],
    },
    { name: "validateOnly", type: "bool", versions: "0+" },
  ],
});

export const alterConfigsResponseSchema = defineMessage({
  name: "AlterConfigsResponse",
  apiKey: 33,
  validVersions: "0-1",
  flexibleVersions: "2+",
  fields: [
    { name: "throttleTimeMs", type: "int32", versions: "0+" },
    {
      name: "responses",
      type: "[]AlterConfigsResourceResponse",
      versions: "0+",
      fields: [
        { name: "errorCode", type: "int16", versions: "0+" },
        { name: "errorMessage", type: "string", versions: "0+", nullableVersions: "0+" },
        { name: "resourceType", type: "int8", versions: "0+" },
        { name: "resourceName", type: "string", versions: "0+" },
      ],
    },
  ],
});

export const alterConfigsApi: ApiCodec<"AlterConfigs"> = {
  name: "AlterConfigs",
  request: plainBody<AlterConfigsRequest>()(alterConfigsRequestSchema),
  response: plainBody<AlterConfigsResponse>()(alterConfigsResponseSchema),
};
