// Request bodies and record batches for broker tests, with Kafka clients' usual defaults, and the
// decoding of fetched batches back into (offset, key, value) triples.

import { decodeRecords, encodeBatch, scanBatches } from "../../../../core/log/record-batch.ts";
import type {
  FetchRequest,
  MetadataRequest,
  ProduceRequest,
} from "../../../../core/protocol/index.ts";
import type { BrokerHarness } from "./harness.ts";

const text = new TextEncoder();
const textOf = new TextDecoder();

export interface TestRecord {
  readonly key: string | null;
  readonly value: string | null;
  readonly timestamp?: number;
}

/** One record batch as a producer writes it (base offset 0, no producer id). */
export function batchOf(
  records: readonly (string | TestRecord)[],
  baseTimestamp = 1_000,
): Uint8Array {
  return encodeBatch({
    baseTimestamp,
    records: records.map((r) => {
      const record = typeof r === "string" ? { key: null, value: r } : r;
      return {
        key: record.key === null ? null : text.encode(record.key),
        value: record.value === null ? null : text.encode(record.value),
        ...(record.timestamp === undefined ? {} : { timestamp: record.timestamp }),
      };
    }),
  });
}

export function produceBody(
  topic: string,
  partition: number,
  records: Uint8Array | null,
  acks = -1,
  timeoutMs = 30_000,
): ProduceRequest {
  return {
    transactionalId: null,
    acks,
    timeoutMs,
    topicData: [{ name: topic, partitionData: [{ index: partition, records }] }],
    legacyMessageSet: false,
  };
}

export interface FetchOptions {
  readonly maxWaitMs?: number;
  readonly minBytes?: number;
  readonly maxBytes?: number;
  readonly partitionMaxBytes?: number;
  readonly currentLeaderEpoch?: number;
  readonly isolationLevel?: number;
  readonly replicaId?: number;
}

export function fetchBody(
  partitions: readonly { topic: string; partition: number; offset: number }[],
  options: FetchOptions = {},
): FetchRequest {
  const topics = [...new Set(partitions.map((p) => p.topic))].map((topic) => ({
    topic,
    partitions: partitions
      .filter((p) => p.topic === topic)
      .map((p) => ({
        partition: p.partition,
        currentLeaderEpoch: options.currentLeaderEpoch ?? -1,
        fetchOffset: p.offset,
        logStartOffset: -1,
        partitionMaxBytes: options.partitionMaxBytes ?? 1_048_576,
      })),
  }));
  return {
    replicaId: options.replicaId ?? -1,
    maxWaitMs: options.maxWaitMs ?? 0,
    minBytes: options.minBytes ?? 1,
    maxBytes: options.maxBytes ?? 52_428_800,
    isolationLevel: options.isolationLevel ?? 0,
    sessionId: 0,
    sessionEpoch: -1,
    topics,
    forgottenTopicsData: [],
    rackId: "",
  };
}

export function metadataBody(
  topics: readonly string[] | null,
  autoCreate = false,
): MetadataRequest {
  return {
    topics: topics === null ? null : topics.map((name) => ({ name })),
    allowAutoTopicCreation: autoCreate,
  };
}

export interface FetchedRecord {
  readonly offset: number;
  readonly key: string | null;
  readonly value: string | null;
  readonly batchBaseOffset: number;
  readonly timestamp: number;
}

/** Every record of fetched batches, in order. */
export function recordsOf(bytes: Uint8Array | null): FetchedRecord[] {
  if (bytes === null) return [];
  const scan = scanBatches(bytes);
  if (scan.stop !== null)
    throw new Error(`fetched bytes are not whole batches: ${scan.stop.message}`);
  return scan.batches.flatMap(({ position, header }) => {
    const decoded = decodeRecords(bytes, position);
    if (!decoded.ok) throw new Error(decoded.error.message);
    return decoded.value.map((r) => ({
      offset: r.offset,
      key: r.key === null ? null : textOf.decode(r.key),
      value: r.value === null ? null : textOf.decode(r.value),
      batchBaseOffset: header.baseOffset,
      timestamp: r.timestamp,
    }));
  });
}

/** Creates a topic and checks it was created. */
export function createTopic(
  h: BrokerHarness,
  name: string,
  numPartitions = 1,
  configs: Record<string, string> = {},
): void {
  const response = h.call("CreateTopics", {
    topics: [
      {
        name,
        numPartitions,
        replicationFactor: -1,
        assignments: [],
        configs: Object.entries(configs).map(([k, v]) => ({ name: k, value: v })),
      },
    ],
    timeoutMs: 30_000,
    validateOnly: false,
  });
  const result = response.topics[0];
  if (result?.errorCode !== 0) throw new Error(`create ${name}: ${JSON.stringify(result)}`);
}

/** Produces and returns the partition's answer (acks 1 or all, answered without time passing). */
export function produce(
  h: BrokerHarness,
  topic: string,
  partition: number,
  values: readonly (string | TestRecord)[],
  acks = -1,
) {
  const response = h.call("Produce", produceBody(topic, partition, batchOf(values), acks));
  const result = response.responses[0]?.partitionResponses[0];
  if (result === undefined) throw new Error("no partition in the produce answer");
  return result;
}

/** Fetches one partition with no wait and returns its data. */
export function fetchOnce(
  h: BrokerHarness,
  topic: string,
  partition: number,
  offset: number,
  options: FetchOptions = {},
) {
  const response = h.call("Fetch", fetchBody([{ topic, partition, offset }], options));
  const data = response.responses[0]?.partitions[0];
  if (data === undefined) throw new Error("no partition in the fetch answer");
  return data;
}
