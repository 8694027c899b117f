// ApiVersions (key 18), versions 0–3, from Kafka's ApiVersionsRequest/Response.json. v3 is
// flexible, but its response header stays v0 (KIP-511; see frame.ts).
// ApiVersions Request (Version: 3) => client_software_name client_software_version TAG_BUFFER
// ApiVersions Response (Version: 3) => error_code [api_keys] throttle_time_ms TAG_BUFFER
//   api_keys => api_key min_version max_version TAG_BUFFER
//   tagged: 0 supported_features, 1 finalized_features_epoch, 2 finalized_features,
//   3 zk_migration_ready

import type { ApiVersionsRequest, ApiVersionsResponse } from "../../../core/protocol/index.ts";
import { type ApiCodec, plainBody } from "../api.ts";
import { defineMessage } from "../schema.ts";

export const apiVersionsRequestSchema = defineMessage({
  name: "ApiVersionsRequest",
  apiKey: 18,
  validVersions: "0-3",
  flexibleVersions: "3+",
  fields: [
    { name: "clientSoftwareName", type: "string", versions: "3+" },
    { name: "clientSoftwareVersion", type: "string", versions: "3+" },
  ],
});

export const apiVersionsResponseSchema = defineMessage({
  name: "ApiVersionsResponse",
  apiKey: 18,
  validVersions: "0-3",
  flexibleVersions: "3+",
  fields: [
    { name: "errorCode", type: "int16", versions: "0+" },
    {
      name: "apiKeys",
      type: "[]ApiVersion",
      versions: "0+",
      fields: [
        { name: "apiKey", type: "int16", versions: "0+" },
        { name: "minVersion", type: "int16", versions: "0+" },
        { name: "maxVersion", type: "int16", versions: "0+" },
      ],
    },
    { name: "throttleTimeMs", type: "int32", versions: "1+" },
    {
      name: "supportedFeatures",
      type: "[]SupportedFeatureKey",
      versions: "3+",
      tag: 0,
      taggedVersions: "3+",
      fields: [
        { name: "name", type: "string", versions: "3+" },
        { name: "minVersion", type: "int16", versions: "3+" },
        { name: "maxVersion", type: "int16", versions: "3+" },
      ],
    },
    {
      name: "finalizedFeaturesEpoch",
      type: "int64",
      versions: "3+",
      tag: 1,
      taggedVersions: "3+",
      default: -1,
    },
    {
      name: "finalizedFeatures",
      type: "[]FinalizedFeatureKey",
      versions: "3+",
      tag: 2,
      taggedVersions: "3+",
      fields: [
        { name: "name", type: "string", versions: "3+" },
        { name: "maxVersionLevel", type: "int16", versions: "3+" },
        { name: "minVersionLevel", type: "int16", versions: "3+" },
      ],
    },
    {
      name: "zkMigrationReady",
      type: "bool",
      versions: "3+",
      tag: 3,
      taggedVersions: "3+",
      default: false,
    },
  ],
});

export const apiVersionsApi: ApiCodec<"ApiVersions"> = {
  name: "ApiVersions",
  request: plainBody<ApiVersionsRequest>()(apiVersionsRequestSchema),
  response: plainBody<ApiVersionsResponse>()(apiVersionsResponseSchema),
};
