// Builds one Produce request from drained batches: grouped by topic in the order drained, one record
// batch per partition (Kafka never puts two batches of a partition in one request).

import { assert } from "../assert.ts";
import type { ProduceRequest, TopicProduceData } from "../protocol/index.ts";
import type { ProducerConfig } from "./client-config.ts";
import { encodedBatch, type ProducerBatch } from "./producer-batch.ts";

export function buildProduceRequest(
  config: ProducerConfig,
  batches: readonly ProducerBatch[],
): ProduceRequest {
  assert(batches.length > 0, "a Produce request needs a batch");
  const topics = new Map<string, { index: number; records: Uint8Array }[]>();
  const seen = new Set<string>();
  for (const batch of batches) {
    const key = `${batch.topic}-${batch.partition}`;
    assert(!seen.has(key), `two batches of ${key} in one request`);
    seen.add(key);
    const partitions = topics.get(batch.topic) ?? [];
    partitions.push({ index: batch.partition, records: encodedBatch(batch) });
    topics.set(batch.topic, partitions);
  }
  const topicData: TopicProduceData[] = [...topics].map(([name, partitionData]) => ({
    name,
    partitionData,
  }));
  return {
    transactionalId: null,
    acks: config.acks,
    timeoutMs: config.requestTimeoutMs,
    topicData,
    legacyMessageSet: false,
  };
}
