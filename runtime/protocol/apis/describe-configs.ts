// DescribeConfigs (key 32), versions 0–3, from Kafka's DescribeConfigsRequest/Response.json.
// DescribeConfigs Request (Version: 3) => [resources] include_synonyms include_documentation
//   resources => resource_type resource_name [configuration_keys]
// DescribeConfigs Response (Version: 3) => throttle_time_ms [results]
//   results => error_code error_message resource_type resource_name [configs]
//   configs => name value read_only config_source is_sensitive [synonyms] config_type documentation
//   synonyms => name value source
// (v0 configs: name value read_only is_default is_sensitive.)

import type {
  DescribeConfigsRequest,
  DescribeConfigsResponse,
} from "../../../core/protocol/index.ts";
import { type ApiCodec, adaptedBody, plainBody } from "../api.ts";
import { defineMessage, type MessageValue } from "../schema.ts";

export const describeConfigsRequestSchema = defineMessage({
  name: "DescribeConfigsRequest",
  apiKey: 32,
  validVersions: "0-3",
  flexibleVersions: "4+",
  fields: [
    {
      name: "resources",
      type: "[]DescribeConfigsResource",
      versions: "0+",
      fields: [
        { name: "resourceType", type: "int8", versions: "0+" },
        { name: "resourceName", type: "string", versions: "0+" },
        {
          name: "configurationKeys",
          type: "[]string",
          versions: "0+",
          nullableVersions: "0+",
        },
      ],
    },
    { name: "includeSynonyms", type: "bool", versions: "1+", default: false },
    { name: "includeDocumentation", type: "bool", versions: "3+", default: false },
  ],
});

export const describeConfigsResponseSchema = defineMessage({
  name: "DescribeConfigsResponse",
  apiKey: 32,
  validVersions: "0-3",
  flexibleVersions: "4+",
  fields: [
    { name: "throttleTimeMs", type: "int32", versions: "0+" },
    {
      name: "results",
      type: "[]DescribeConfigsResult",
      versions: "0+",
      fields: [
        { name: "errorCode", type: "int16", versions: "0+" },
        { name: "errorMessage", type: "string", versions: "0+", nullableVersions: "0+" },
        { name: "resourceType", type: "int8", versions: "0+" },
        { name: "resourceName", type: "string", versions: "0+" },
        {
          name: "configs",
          type: "[]DescribeConfigsResourceResult",
          versions: "0+",
          fields: [
            { name: "name", type: "string", versions: "0+" },
            { name: "value", type: "string", versions: "0+", nullableVersions: "0+" },
            { name: "readOnly", type: "bool", versions: "0+" },
            { name: "isDefault", type: "bool", versions: "0" },
            { name: "configSource", type: "int8", versions: "1+", default: -1 },
            { name: "isSensitive", type: "bool", versions: "0+" },
            {
              name: "synonyms",
              type: "[]DescribeConfigsSynonym",
              versions: "1+",
              fields: [
                { name: "name", type: "string", versions: "1+" },
                { name: "value", type: "string", versions: "1+", nullableVersions: "0+" },
                { name: "source", type: "int8", versions: "1+" },
              ],
            },
            { name: "configType", type: "int8", versions: "3+", default: 0 },
            { name: "documentation", type: "string", versions: "3+", nullableVersions: "0+" },
          ],
        },
      ],
    },
  ],
});

type ResponseWire = MessageValue<typeof describeConfigsResponseSchema>;

/** Kafka's ConfigSource.DEFAULT_CONFIG; v0 only says "is default" or not (then UNKNOWN, 0). */
const DEFAULT_CONFIG = 5;
const UNKNOWN_SOURCE = 0;

function responseToDomain(version: number, wire: ResponseWire): DescribeConfigsResponse {
  return {
    throttleTimeMs: wire.throttleTimeMs,
    results: wire.results.map((result) => ({
      ...result,
      configs: result.configs.map(({ isDefault, ...config }) =>
        version === 0
          ? { ...config, configSource: isDefault ? DEFAULT_CONFIG : UNKNOWN_SOURCE }
          : config,
      ),
    })),
  };
}

function responseToWire(_version: number, domain: DescribeConfigsResponse): ResponseWire {
  return {
    throttleTimeMs: domain.throttleTimeMs,
    results: domain.results.map((result) => ({
      ...result,
      configs: result.configs.map((config) => ({
        ...config,
        isDefault: config.configSource === DEFAULT_CONFIG,
      })),
    })),
  };
}

export const describeConfigsApi: ApiCodec<"DescribeConfigs"> = {
  name: "DescribeConfigs",
  request: plainBody<DescribeConfigsRequest>()(describeConfigsRequestSchema),
  response: adaptedBody<DescribeConfigsResponse>()(
    describeConfigsResponseSchema,
    responseToDomain,
    responseToWire,
  ),
};
