// Produce (key 0) as domain types: the union of the fields of Produce v0–v7. Records are raw
// RecordBatch bytes exactly as the client sent them; the codec never re-encodes them.

import type { Millis, Offset } from "../ids.ts";

export interface ProduceRequest {
  /** The transactional id, or null for a non-transactional producer (v3+). */
  readonly transactionalId: string | null;
  /** 0: no response at all; 1: after the leader appended; -1: after the whole ISR has it. */
  readonly acks: number;
  readonly timeoutMs: Millis;
  readonly topicData: readonly TopicProduceData[];
  /**
   * Set by the codec, not on the wire: true for Produce v0–v2, whose records are a magic 0/1
   * message set. Runnel stores only record batches (magic 2), so the broker answers every
   * partition of such a request with UNSUPPORTED_VERSION. The versions are still advertised
   * because librdkafka compresses only when the Produce range starts at 0 (docs/protocol.md).
   */
  readonly legacyMessageSet: boolean;
}

export interface TopicProduceData {
  readonly name: string;
  readonly partitionData: readonly PartitionProduceData[];
}

export interface PartitionProduceData {
  readonly index: number;
  /** One or more record batches (magic 2 from v3), a view into the request frame; null if absent. */
  readonly records: Uint8Array | null;
}

export interface ProduceResponse {
  readonly responses: readonly TopicProduceResponse[];
  /** v1+. */
  readonly throttleTimeMs: Millis;
}

export interface TopicProduceResponse {
  readonly name: string;
  readonly partitionResponses: readonly PartitionProduceResponse[];
}

export interface PartitionProduceResponse {
  readonly index: number;
  readonly errorCode: number;
  readonly baseOffset: Offset;
  /** v2+: the append time when the topic uses LogAppendTime, else -1. */
  readonly logAppendTimeMs: Millis;
  /** v5+: the partition's log start offset, or -1. */
  readonly logStartOffset: Offset;
}
