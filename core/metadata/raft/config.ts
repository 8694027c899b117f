// Timing and size settings of the metadata quorum, named and defaulted as Kafka's QuorumConfig
// (controller.quorum.*) and KRaftConfigs (metadata.log.*). All times in the node's milliseconds.

import { assert } from "../../assert.ts";
import type { Bytes, Millis, NodeId } from "../../ids.ts";
import { limits } from "../../limits.ts";
import { type Crc32c, crc32c } from "../../log/crc32c.ts";

export interface RaftConfig {
  readonly nodeId: NodeId;
  /** controller.quorum.voters: the fixed voter set (a node not in it is an observer). */
  readonly voters: readonly NodeId[];
  /** controller.quorum.election.timeout.ms: the base; each wait adds up to as much jitter. */
  readonly electionTimeoutMs: Millis;
  /** controller.quorum.fetch.timeout.ms: no successful fetch this long and a follower elects. */
  readonly fetchTimeoutMs: Millis;
  /** controller.quorum.election.backoff.max.ms: random wait after a lost election. */
  readonly electionBackoffMaxMs: Millis;
  /** controller.quorum.request.timeout.ms: an unanswered request is given up and retried. */
  readonly requestTimeoutMs: Millis;
  /** controller.quorum.retry.backoff.ms: wait before retrying after an error or broken link. */
  readonly retryBackoffMs: Millis;
  /** How long a leader parks a caught-up fetch (long poll) before answering it empty. */
  readonly fetchMaxWaitMs: Millis;
  /** Bytes of entries one Fetch response carries at most. */
  readonly fetchMaxBytes: Bytes;
  /** Bytes of snapshot one FetchSnapshot response carries at most. */
  readonly fetchSnapshotMaxBytes: Bytes;
  /** metadata.log.segment.bytes: a segment rolls once it holds this many bytes. */
  readonly segmentBytes: Bytes;
  /** metadata.log.max.record.bytes.between.snapshots: log bytes above the snapshot that trigger one. */
  readonly snapshotThresholdBytes: Bytes;
  /** Bytes one recovery or catch-up read asks the disk for. */
  readonly readChunkBytes: Bytes;
  /** Bytes of applied entries kept in memory for fast reads (at most limits.metadataTailCacheBytes). */
  readonly tailCacheBytes: Bytes;
  /** CRC-32C; the runtime may inject a native one (proven equal to core's). */
  readonly crc: Crc32c;
}

export const defaultRaftTiming = {
  electionTimeoutMs: 1000,
  fetchTimeoutMs: 2000,
  electionBackoffMaxMs: 1000,
  requestTimeoutMs: 2000,
  retryBackoffMs: 20,
  fetchMaxWaitMs: 500,
  fetchMaxBytes: 65_536,
  fetchSnapshotMaxBytes: 65_536,
  segmentBytes: 1_048_576,
  snapshotThresholdBytes: 20_971_520,
  readChunkBytes: 65_536,
  tailCacheBytes: limits.metadataTailCacheBytes,
} as const;

export function raftConfig(
  nodeId: NodeId,
  voters: readonly NodeId[],
  overrides: Partial<Omit<RaftConfig, "nodeId" | "voters">> = {},
): RaftConfig {
  const config: RaftConfig = {
    nodeId,
    voters: [...voters].sort((a, b) => a - b),
    ...defaultRaftTiming,
    crc: crc32c,
    ...overrides,
  };
  assert(config.voters.length > 0, "a quorum needs at least one voter");
  assert(new Set(config.voters).size === config.voters.length, "duplicate voter ids");
  assert(config.fetchMaxWaitMs < config.requestTimeoutMs, "long poll must end before a timeout");
  assert(config.tailCacheBytes <= limits.metadataTailCacheBytes, "tail cache over its limit");
  assert(config.readChunkBytes >= 64 && config.fetchMaxBytes >= 64, "read sizes too small");
  return config;
}
