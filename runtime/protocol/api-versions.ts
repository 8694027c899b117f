// The advertised API table ("Profile A", docs/protocol.md) and the ApiVersions answer built from
// it. Clients pick min(their max, our max) per API, so this table decides what every client
// speaks; the low minimums exist for librdkafka's feature checks (kafka-anchors §0.3–0.4).

import { assert } from "../../core/assert.ts";
import { ErrorCode } from "../../core/error-codes.ts";
import { ApiKey, type ApiName, apiNames } from "../../core/protocol/api-keys.ts";
import type { ApiVersionsResponse } from "../../core/protocol/index.ts";
import { apiCodecs } from "./apis/index.ts";

export interface VersionSpan {
  readonly minVersion: number;
  readonly maxVersion: number;
}

/**
 * What Runnel advertises. Produce starts at 0 although v0–v2 (magic 0/1 message sets) are answered
 * with UNSUPPORTED_VERSION: librdkafka compresses only when the Produce range includes v0.
 * Fetch starts at 4, the first version that carries record batches' isolation level.
 */
export const advertised: { readonly [N in ApiName]: VersionSpan } = {
  Produce: { minVersion: 0, maxVersion: 7 },
  Fetch: { minVersion: 4, maxVersion: 11 },
  ListOffsets: { minVersion: 0, maxVersion: 3 },
  Metadata: { minVersion: 0, maxVersion: 6 },
  OffsetCommit: { minVersion: 0, maxVersion: 7 },
  OffsetFetch: { minVersion: 0, maxVersion: 5 },
  FindCoordinator: { minVersion: 0, maxVersion: 2 },
  JoinGroup: { minVersion: 0, maxVersion: 5 },
  Heartbeat: { minVersion: 0, maxVersion: 3 },
  LeaveGroup: { minVersion: 0, maxVersion: 3 },
  SyncGroup: { minVersion: 0, maxVersion: 3 },
  DescribeGroups: { minVersion: 0, maxVersion: 4 },
  ListGroups: { minVersion: 0, maxVersion: 2 },
  SaslHandshake: { minVersion: 0, maxVersion: 1 },
  ApiVersions: { minVersion: 0, maxVersion: 3 },
  CreateTopics: { minVersion: 0, maxVersion: 4 },
  DeleteTopics: { minVersion: 0, maxVersion: 3 },
  DeleteRecords: { minVersion: 0, maxVersion: 1 },
  InitProducerId: { minVersion: 0, maxVersion: 1 },
  AddPartitionsToTxn: { minVersion: 0, maxVersion: 2 },
  AddOffsetsToTxn: { minVersion: 0, maxVersion: 2 },
  EndTxn: { minVersion: 0, maxVersion: 2 },
  TxnOffsetCommit: { minVersion: 0, maxVersion: 2 },
  DescribeConfigs: { minVersion: 0, maxVersion: 3 },
  AlterConfigs: { minVersion: 0, maxVersion: 1 },
  SaslAuthenticate: { minVersion: 0, maxVersion: 1 },
  CreatePartitions: { minVersion: 0, maxVersion: 1 },
  DeleteGroups: { minVersion: 0, maxVersion: 1 },
  OffsetDelete: { minVersion: 0, maxVersion: 0 },
};

// The codec speaks exactly the advertised versions: no more (untested), no less (undecodable).
for (const name of apiNames) {
  const span = advertised[name];
  for (const side of ["request", "response"] as const) {
    const valid = apiCodecs[name][side].schema.validVersions;
    assert(
      valid.min === span.minVersion && valid.max === span.maxVersion,
      `${name} ${side} schema speaks ${valid.min}-${valid.max}, advertised ${span.minVersion}-${span.maxVersion}`,
    );
  }
}

export function isVersionSupported(api: ApiName, version: number): boolean {
  const span = advertised[api];
  return version >= span.minVersion && version <= span.maxVersion;
}

/** Our table as ApiVersions entries, in ascending API key order. */
export const advertisedApiVersions = apiNames.map((name) => ({
  apiKey: ApiKey[name],
  minVersion: advertised[name].minVersion,
  maxVersion: advertised[name].maxVersion,
}));

/**
 * The answer to an ApiVersions request of `requestVersion`. An unsupported version gets
 * UNSUPPORTED_VERSION with our list, which frame.ts encodes in the v0 layout (KIP-511): clients
 * then retry with a version we speak (librdkafka with our max or v0, platformatic with v1).
 */
export function apiVersionsResponse(
  requestVersion: number,
  throttleTimeMs = 0,
): ApiVersionsResponse {
  const supported = isVersionSupported("ApiVersions", requestVersion);
  return {
    errorCode: supported ? ErrorCode.NONE : ErrorCode.UNSUPPORTED_VERSION,
    apiKeys: advertisedApiVersions,
    throttleTimeMs,
    supportedFeatures: [],
    finalizedFeaturesEpoch: -1,
    finalizedFeatures: [],
    zkMigrationReady: false,
  };
}
