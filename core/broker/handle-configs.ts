// DescribeConfigs answers every config of a topic or of this broker with its value, source and
// synonyms (librdkafka's tests need the full list); AlterConfigs replaces a topic's overrides as one
// set of config records, committed through the controller (broker configs are static here).

import { ErrorCode } from "../error-codes.ts";
import type { MetadataRecord } from "../metadata/records.ts";
import type {
  AlterConfigsRequest,
  AlterConfigsResource,
  AlterConfigsResourceResponse,
  DescribeConfigsRequest,
  DescribeConfigsResource,
  DescribeConfigsResourceResult,
  DescribeConfigsResult,
} from "../protocol/index.ts";
import type { BrokerContext } from "./broker-context.ts";
import type { BrokerConfig } from "./config.ts";
import { brokerProperties, formatProperty, primaryPropertyOf } from "./config-properties.ts";
import type { Reply } from "./connections.ts";
import { ConfigResourceType } from "./metadata-image.ts";
import {
  formatTopicConfig,
  resolveTopicConfig,
  type TopicConfigSpec,
  topicConfigSpecs,
  validateTopicConfigs,
} from "./topic-config.ts";
import { topicNameProblem } from "./topic-name.ts";

/** Kafka's DescribeConfigsResponse config sources. */
export const ConfigSource = {
  dynamicTopic: 1,
  staticBroker: 4,
  default: 5,
} as const;

export function handleDescribeConfigs(
  ctx: BrokerContext,
  body: DescribeConfigsRequest,
  reply: Reply,
): void {
  const results = body.resources.map((resource) => describeResource(ctx, body, resource));
  reply.respond({ api: "DescribeConfigs", body: { throttleTimeMs: 0, results } });
}

function describeResource(
  ctx: BrokerContext,
  body: DescribeConfigsRequest,
  resource: DescribeConfigsResource,
): DescribeConfigsResult {
  const base = { resourceType: resource.resourceType, resourceName: resource.resourceName };
  const failed = (errorCode: number, errorMessage: string): DescribeConfigsResult => ({
    ...base,
    errorCode,
    errorMessage,
    configs: [],
  });
  const wanted = (name: string) =>
    resource.configurationKeys === null || resource.configurationKeys.includes(name);
  if (resource.resourceType === ConfigResourceType.topic) {
    const problem = topicNameProblem(resource.resourceName);
    if (problem !== null) return failed(ErrorCode.INVALID_TOPIC_EXCEPTION, problem);
    if (ctx.image.topic(resource.resourceName) === undefined) {
      return failed(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, "Topic does not exist.");
    }
    const overrides = ctx.image.configs(ConfigResourceType.topic, resource.resourceName);
    const configs = topicConfigSpecs
      .filter((spec) => wanted(spec.name))
      .map((spec) => describeTopicConfig(ctx.config, overrides, spec, body));
    return { ...base, errorCode: ErrorCode.NONE, errorMessage: null, configs };
  }
  if (resource.resourceType === ConfigResourceType.broker) {
    const own = String(ctx.config.nodeId);
    if (resource.resourceName !== own && resource.resourceName !== "") {
      return failed(
        ErrorCode.INVALID_REQUEST,
        `Unexpected broker id, expected ${own} or empty string, but received ${resource.resourceName}`,
      );
    }
    const configs = brokerProperties
      .filter((p) => primaryPropertyOf(p.field) === p && wanted(p.name))
      .map((p) => {
        const value = formatProperty(p, ctx.config);
        const source = ctx.config.explicitProperties.includes(p.name)
          ? ConfigSource.staticBroker
          : ConfigSource.default;
        return configEntry(p.name, value, true, source, p.configType, p.doc, body, [
          { name: p.name, value, source },
        ]);
      });
    return { ...base, errorCode: ErrorCode.NONE, errorMessage: null, configs };
  }
  return failed(ErrorCode.INVALID_REQUEST, `Unsupported resource type ${resource.resourceType}.`);
}

function describeTopicConfig(
  broker: BrokerConfig,
  overrides: ReadonlyMap<string, string>,
  spec: TopicConfigSpec,
  body: DescribeConfigsRequest,
): DescribeConfigsResourceResult {
  const brokerProperty = primaryPropertyOf(spec.brokerField);
  const brokerValue = formatTopicConfig(spec, resolveTopicConfig(new Map(), broker));
  const brokerSource = broker.explicitProperties.includes(brokerProperty.name)
    ? ConfigSource.staticBroker
    : ConfigSource.default;
  const override = overrides.get(spec.name);
  const synonyms = [
    ...(override === undefined
      ? []
      : [{ name: spec.name, value: override, source: ConfigSource.dynamicTopic }]),
    { name: brokerProperty.name, value: brokerValue, source: brokerSource },
  ];
  const value = override ?? brokerValue;
  const source = override === undefined ? brokerSource : ConfigSource.dynamicTopic;
  return configEntry(spec.name, value, false, source, spec.configType, spec.doc, body, synonyms);
}

function configEntry(
  name: string,
  value: string,
  readOnly: boolean,
  configSource: number,
  configType: number,
  doc: string,
  body: DescribeConfigsRequest,
  synonyms: DescribeConfigsResourceResult["synonyms"],
): DescribeConfigsResourceResult {
  return {
    name,
    value,
    readOnly,
    configSource,
    isSensitive: false,
    synonyms: body.includeSynonyms ? synonyms : [],
    configType,
    documentation: body.includeDocumentation ? doc : null,
  };
}

export function handleAlterConfigs(ctx: BrokerContext, body: AlterConfigsRequest, reply: Reply) {
  const results: AlterConfigsResourceResponse[] = [];
  const records: MetadataRecord[] = [];
  for (const resource of body.resources) {
    const planned = planAlter(ctx, resource);
    const ok = Array.isArray(planned);
    results.push({
      resourceType: resource.resourceType,
      resourceName: resource.resourceName,
      errorCode: ok ? ErrorCode.NONE : planned.errorCode,
      errorMessage: ok ? null : planned.errorMessage,
    });
    if (ok && !body.validateOnly) records.push(...planned);
  }
  const respond = (responses: AlterConfigsResourceResponse[]) =>
    reply.respond({ api: "AlterConfigs", body: { throttleTimeMs: 0, responses } });
  ctx.ops.submit(ctx.now, records, 0, (outcome) => {
    if (outcome === "committed") {
      respond(results);
      return;
    }
    const errorCode =
      outcome === "not-controller" ? ErrorCode.NOT_CONTROLLER : ErrorCode.REQUEST_TIMED_OUT;
    respond(
      results.map((r) =>
        r.errorCode === ErrorCode.NONE ? { ...r, errorCode, errorMessage: outcome } : r,
      ),
    );
  });
}

/** The records replacing one topic's overrides (AlterConfigs is not incremental), or the error. */
function planAlter(
  ctx: BrokerContext,
  resource: AlterConfigsResource,
): MetadataRecord[] | { errorCode: number; errorMessage: string } {
  if (!ctx.ops.isActive()) {
    return { errorCode: ErrorCode.NOT_CONTROLLER, errorMessage: "Not the active controller." };
  }
  if (resource.resourceType === ConfigResourceType.broker) {
    return { errorCode: ErrorCode.INVALID_REQUEST, errorMessage: "Broker configs are static." };
  }
  if (resource.resourceType !== ConfigResourceType.topic) {
    return {
      errorCode: ErrorCode.INVALID_REQUEST,
      errorMessage: `Unsupported resource type ${resource.resourceType}.`,
    };
  }
  const name = resource.resourceName;
  if (ctx.controller.image.topic(name) === undefined) {
    return { errorCode: ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, errorMessage: "Unknown topic." };
  }
  const validated = validateTopicConfigs(resource.configs);
  if (!validated.ok) {
    return { errorCode: ErrorCode.INVALID_CONFIG, errorMessage: validated.error.message };
  }
  const current = ctx.controller.image.configs(ConfigResourceType.topic, name);
  const records: MetadataRecord[] = [];
  const record = (config: string, value: string | null): MetadataRecord => ({
    type: "config",
    resourceType: ConfigResourceType.topic,
    resourceName: name,
    name: config,
    value,
  });
  for (const key of current.keys()) if (!validated.value.has(key)) records.push(record(key, null));
  for (const [key, value] of validated.value) {
    if (current.get(key) !== value) records.push(record(key, value));
  }
  return records;
}
