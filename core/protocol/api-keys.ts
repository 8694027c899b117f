// Kafka's API keys for the client API Runnel speaks (Profile A, docs/protocol.md). The numbers are
// Kafka's and never change; the names are the domain's names for each API.

export const ApiKey = {
  Produce: 0,
  Fetch: 1,
  ListOffsets: 2,
  Metadata: 3,
  OffsetCommit: 8,
  OffsetFetch: 9,
  FindCoordinator: 10,
  JoinGroup: 11,
  Heartbeat: 12,
  LeaveGroup: 13,
  SyncGroup: 14,
  DescribeGroups: 15,
  ListGroups: 16,
  SaslHandshake: 17,
  ApiVersions: 18,
  CreateTopics: 19,
  DeleteTopics: 20,
  DeleteRecords: 21,
  InitProducerId: 22,
  AddPartitionsToTxn: 24,
  AddOffsetsToTxn: 25,
  EndTxn: 26,
  TxnOffsetCommit: 28,
  DescribeConfigs: 32,
  AlterConfigs: 33,
  SaslAuthenticate: 36,
  CreatePartitions: 37,
  DeleteGroups: 42,
  OffsetDelete: 47,
} as const;

/** The name of one client API ("Produce", "Fetch", ...). */
export type ApiName = keyof typeof ApiKey;
/** The wire number of one client API. */
export type ApiKeyNumber = (typeof ApiKey)[ApiName];

/** Every API name, in ascending order of API key (a deterministic iteration order). */
export const apiNames: readonly ApiName[] = (Object.keys(ApiKey) as ApiName[]).sort(
  (a, b) => ApiKey[a] - ApiKey[b],
);

const byKey = new Map<number, ApiName>(apiNames.map((name) => [ApiKey[name], name]));

/** The API of a wire key, or undefined for a key Runnel does not speak. */
export function apiNameOf(apiKey: number): ApiName | undefined {
  return byKey.get(apiKey);
}
