// The consumer's Fetch and ListOffsets requests, and the decoding of fetched record batches: the
// broker returns whole batches starting with the one that contains the fetch offset, so records
// before the fetch offset are skipped here; control batches advance the position silently.

import { assert } from "../assert.ts";
import type { Offset } from "../ids.ts";
import {
  type BatchError,
  Compression,
  decodeRecords,
  lastOffset,
  type RecordBatchHeader,
  recordSectionOf,
  scanBatches,
} from "../log/record-batch.ts";
import { walkRecordSection } from "../log/record-walk.ts";
import type { FetchRequest, ListOffsetsRequest } from "../protocol/index.ts";
import type { ConsumerConfig } from "./client-config.ts";
import type { FetchedRecord, PartitionState, ResetTarget } from "./consumer-positions.ts";
import { decodeInt } from "./workload-keys.ts";

/** ListOffsets timestamps: Kafka's EARLIEST_TIMESTAMP and LATEST_TIMESTAMP. */
export const EARLIEST_TIMESTAMP = -2;
export const LATEST_TIMESTAMP = -1;

function byTopic<T>(
  states: readonly PartitionState[],
  entry: (s: PartitionState) => T,
): Map<string, T[]> {
  const topics = new Map<string, T[]>();
  for (const state of states) {
    const list = topics.get(state.topic) ?? [];
    list.push(entry(state));
    topics.set(state.topic, list);
  }
  return topics;
}

export function buildFetchRequest(
  config: ConsumerConfig,
  states: readonly PartitionState[],
): FetchRequest {
  assert(states.length > 0, "a Fetch needs a partition");
  const topics = byTopic(states, (s) => {
    assert(s.position !== undefined, `fetch ${s.topic}-${s.partition} without a position`);
    return {
      partition: s.partition,
      currentLeaderEpoch: -1,
      fetchOffset: s.position,
      logStartOffset: -1,
      partitionMaxBytes: config.maxPartitionFetchBytes,
    };
  });
  return {
    replicaId: -1,
    maxWaitMs: config.fetchMaxWaitMs,
    minBytes: config.fetchMinBytes,
    maxBytes: config.fetchMaxBytes,
    isolationLevel: config.isolationLevel,
    sessionId: 0,
    sessionEpoch: -1,
    topics: [...topics].map(([topic, partitions]) => ({ topic, partitions })),
    forgottenTopicsData: [],
    rackId: "",
  };
}

export function buildListOffsetsRequest(
  config: ConsumerConfig,
  resets: readonly { state: PartitionState; target: ResetTarget }[],
): ListOffsetsRequest {
  const targets = new Map(resets.map((r) => [r.state, r.target]));
  const topics = byTopic(
    resets.map((r) => r.state),
    (s) => ({
      partitionIndex: s.partition,
      timestamp: targets.get(s) === "earliest" ? EARLIEST_TIMESTAMP : LATEST_TIMESTAMP,
      maxNumOffsets: 1,
    }),
  );
  return {
    replicaId: -1,
    isolationLevel: config.isolationLevel,
    topics: [...topics].map(([name, partitions]) => ({ name, partitions })),
  };
}

export interface DecodedFetch {
  /** Records at or after the fetch offset, in offset order. */
  readonly records: FetchedRecord[];
  /** The offset after the last whole batch read (the fetch offset when none was). */
  readonly end: Offset;
  /** Records before the fetch offset that were skipped (the batch containing it began earlier). */
  readonly skipped: number;
  /** Records whose value is not a workload integer (not ours, or damaged): skipped, counted. */
  readonly undecodable: number;
  readonly controlBatches: number;
  /** Why reading stopped before the end of the bytes, other than a batch cut short by maxBytes. */
  readonly error: BatchError | null;
}

/** Decodes fetched bytes for a fetch at `fetchOffset`, stopping at the first bad batch. */
export function decodeFetched(bytes: Uint8Array | null, fetchOffset: Offset): DecodedFetch {
  const records: FetchedRecord[] = [];
  let end = fetchOffset;
  let skipped = 0;
  let undecodable = 0;
  let controlBatches = 0;
  if (bytes === null || bytes.length === 0) {
    return { records, end, skipped, undecodable, controlBatches, error: null };
  }
  const scan = scanBatches(bytes);
  // A short last batch is the broker cutting at maxBytes (KIP-74), not damage.
  let error = scan.stop !== null && scan.stop.type !== "short" ? scan.stop : null;
  for (const { position, header } of scan.batches) {
    const last = lastOffset(header);
    if (last < end) continue;
    if (header.isControl) {
      controlBatches++;
      end = last + 1;
      continue;
    }
    if (header.compression !== Compression.none) {
      // decodeRecords reads uncompressed batches only: its "compressed" error stops the read.
      const decoded = decodeRecords(bytes, position);
      assert(!decoded.ok, "decodeRecords decoded a compressed batch");
      error = decoded.error;
      break;
    }
    // The scan read and checked the header; the walk checks the records exactly as decodeRecords
    // would, without building them; then only the values are read.
    const section = recordSectionOf(bytes, header, position);
    const walked = walkRecordSection(section, header);
    if (!walked.ok) {
      error = walked.error;
      break;
    }
    const read = readValues(section, header, fetchOffset, records);
    skipped += read.skipped;
    undecodable += read.undecodable;
    end = last + 1;
  }
  return { records, end, skipped, undecodable, controlBatches, error };
}

/**
 * The workload values of a walked (hence well-formed) uncompressed records section, appended to
 * `out`: records before `fetchOffset` are skipped, values that are not workload integers counted.
 */
function readValues(
  section: Uint8Array,
  header: RecordBatchHeader,
  fetchOffset: Offset,
  out: FetchedRecord[],
): { skipped: number; undecodable: number } {
  let skipped = 0;
  let undecodable = 0;
  const at = { pos: 0 };
  for (let i = 0; i < header.recordCount; i++) {
    const length = walkedVarint(section, at);
    const recordEnd = at.pos + length;
    at.pos++; // attributes
    while ((section[at.pos++]! & 0x80) !== 0) {} // timestampDelta
    const offset = header.baseOffset + walkedVarint(section, at);
    const keyLength = walkedVarint(section, at);
    if (keyLength > 0) at.pos += keyLength;
    const valueLength = walkedVarint(section, at);
    const valueBytes = valueLength < 0 ? null : section.subarray(at.pos, at.pos + valueLength);
    at.pos = recordEnd;
    if (offset < fetchOffset) {
      skipped++;
      continue;
    }
    const value = decodeInt(valueBytes);
    if (value === undefined) undecodable++;
    else out.push({ offset, value });
  }
  assert(at.pos === section.length, "a walked section read to its end");
  return { skipped, undecodable };
}

/** A zigzag varint the walk already checked (in bounds, at most 5 bytes). */
function walkedVarint(bytes: Uint8Array, at: { pos: number }): number {
  let raw = 0;
  for (let shift = 0; ; shift += 7) {
    const b = bytes[at.pos++]!;
    raw |= (b & 0x7f) << shift;
    if ((b & 0x80) === 0) return (raw >>> 1) ^ -(raw & 1);
  }
}
