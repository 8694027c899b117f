// Pure helpers of `runnel groups`: a consumer member's assignment bytes (Kafka's
// ConsumerProtocolAssignment, v0-3 share one layout), the lag table (committed offset against the
// log end offset per partition) and the targets of --reset-offsets, clamped to the log as Kafka's
// kafka-consumer-groups does.

import { assertNever } from "../../core/assert.ts";
import type { Result } from "../../core/result.ts";
import { err, ok } from "../../core/result.ts";
import type { DecodeError } from "../protocol/decode-error.ts";
import { Reader } from "../protocol/reader.ts";

export interface TopicPartitions {
  readonly topic: string;
  readonly partitions: readonly number[];
}

/** The partitions in a "consumer" protocol member assignment. Empty bytes: nothing assigned. */
export function decodeAssignment(bytes: Uint8Array): Result<TopicPartitions[], DecodeError> {
  if (bytes.length === 0) return ok([]);
  const reader = new Reader(bytes);
  reader.int16("assignment version");
  const count = reader.arrayLength(false, "assigned partitions");
  const out: TopicPartitions[] = [];
  for (let i = 0; i < count && reader.error === undefined; i++) {
    const topic = reader.utf8(reader.lengthPrefix("int16", "topic"), "topic");
    const n = reader.arrayLength(false, "partitions");
    const partitions: number[] = [];
    for (let j = 0; j < n && reader.error === undefined; j++) partitions.push(reader.int32("p"));
    out.push({ topic, partitions });
  }
  return reader.error === undefined ? ok(out) : err(reader.error);
}

export interface LagRow {
  readonly topic: string;
  readonly partition: number;
  /** undefined when the group committed nothing for the partition. */
  readonly committed: number | undefined;
  readonly logEndOffset: number;
  /** logEndOffset - committed, undefined without a commit. */
  readonly lag: number | undefined;
  readonly memberId: string | undefined;
}

/** One row per partition known from commits or assignments, sorted by topic then partition. */
export function lagRows(
  committed: ReadonlyMap<string, number>,
  logEnd: ReadonlyMap<string, number>,
  owners: ReadonlyMap<string, string>,
): LagRow[] {
  const keys = new Set([...committed.keys(), ...owners.keys()]);
  const rows: LagRow[] = [];
  for (const key of keys) {
    const { topic, partition } = splitKey(key);
    const offset = committed.get(key);
    const end = logEnd.get(key) ?? -1;
    rows.push({
      topic,
      partition,
      committed: offset,
      logEndOffset: end,
      lag: offset === undefined || end < 0 ? undefined : Math.max(0, end - offset),
      memberId: owners.get(key),
    });
  }
  return rows.sort((a, b) =>
    a.topic === b.topic ? a.partition - b.partition : a.topic < b.topic ? -1 : 1,
  );
}

export function partitionKey(topic: string, partition: number): string {
  return `${topic}\u0000${partition}`;
}

function splitKey(key: string): { topic: string; partition: number } {
  const at = key.lastIndexOf("\u0000");
  return { topic: key.slice(0, at), partition: Number(key.slice(at + 1)) };
}

/** How --reset-offsets picks each partition's new offset. */
export type ResetSpec =
  | { readonly type: "earliest" }
  | { readonly type: "latest" }
  | { readonly type: "offset"; readonly offset: number }
  | { readonly type: "shift"; readonly by: number }
  /** The offsets ListOffsets found for a timestamp (-1 when none: then the log end). */
  | { readonly type: "datetime"; readonly timestampMs: number };

export interface PartitionState {
  readonly logStartOffset: number;
  readonly logEndOffset: number;
  /** The current committed offset, or undefined. */
  readonly committed: number | undefined;
  /** For "datetime": the first offset at or after the time, or -1 if none. */
  readonly offsetForTime?: number;
}

/** The new offset, always within [log start, log end] (Kafka clamps the same way). */
export function resetTarget(spec: ResetSpec, state: PartitionState): number {
  const clamp = (n: number) => Math.min(state.logEndOffset, Math.max(state.logStartOffset, n));
  switch (spec.type) {
    case "earliest":
      return state.logStartOffset;
    case "latest":
      return state.logEndOffset;
    case "offset":
      return clamp(spec.offset);
    case "shift":
      return clamp((state.committed ?? state.logEndOffset) + spec.by);
    case "datetime": {
      const found = state.offsetForTime ?? -1;
      return found < 0 ? state.logEndOffset : clamp(found);
    }
    default:
      return assertNever(spec, "reset spec");
  }
}
