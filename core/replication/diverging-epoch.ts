// Leader epochs as the truncation rule (KIP-101, KIP-279, KIP-595): where the leader says a
// follower's last fetched epoch ended, whether the follower diverges, and how far the follower
// truncates. Truncation follows epochs, never a high watermark.

import { assert } from "../assert.ts";
import type { Epoch, Offset } from "../ids.ts";
import { UNDEFINED_EPOCH, UNDEFINED_EPOCH_OFFSET } from "../log/leader-epoch-cache.ts";
import type { EpochEndOffset } from "./messages.ts";

export { UNDEFINED_EPOCH, UNDEFINED_EPOCH_OFFSET };

const UNDEFINED: EpochEndOffset = { epoch: UNDEFINED_EPOCH, endOffset: UNDEFINED_EPOCH_OFFSET };

/** The parts of a log the epoch rule reads. */
export interface EpochLookup {
  readonly logStartOffset: Offset;
  readonly logEndOffset: Offset;
  latestEpoch(): Epoch;
  endOffsetForEpoch(epoch: Epoch): EpochEndOffset;
}

/** The leader's own epoch: it starts where the log ended when this broker became leader. */
export interface LeaderEpochStart {
  readonly leaderEpoch: Epoch;
  readonly startOffset: Offset;
}

/**
 * OffsetsForLeaderEpoch on the leader: the largest epoch <= `requested` and where it ended. Kafka
 * writes the leader's epoch into its cache at election; ours enters with the first append, so
 * until then the current epoch is counted here as starting at `current.startOffset`.
 */
export function leaderEpochEndOffset(
  log: EpochLookup,
  current: LeaderEpochStart,
  requested: Epoch,
): EpochEndOffset {
  if (requested === UNDEFINED_EPOCH) return UNDEFINED;
  if (requested > current.leaderEpoch) return UNDEFINED;
  if (requested === current.leaderEpoch) {
    return { epoch: requested, endOffset: log.logEndOffset };
  }
  const latest = log.latestEpoch();
  assert(latest <= current.leaderEpoch, `log epoch ${latest} above leader ${current.leaderEpoch}`);
  if (latest < current.leaderEpoch && requested >= latest) {
    // Nothing written in the current epoch yet: every epoch from `latest` on ends where it starts.
    const epoch = latest === UNDEFINED_EPOCH ? requested : latest;
    return { epoch, endOffset: current.startOffset };
  }
  return log.endOffsetForEpoch(requested);
}

export type FetchPosition =
  | { readonly type: "valid" }
  | { readonly type: "diverging"; readonly divergingEpoch: EpochEndOffset }
  | { readonly type: "out-of-range" };

/**
 * Kafka's Partition.readRecords checks on a follower fetch: the last fetched epoch must end at or
 * after the fetch offset on the leader (else the follower diverges and learns where to truncate),
 * and the fetch offset must lie within [log start, log end].
 */
export function checkFetchPosition(
  log: EpochLookup,
  current: LeaderEpochStart,
  fetchOffset: Offset,
  lastFetchedEpoch: Epoch,
): FetchPosition {
  if (lastFetchedEpoch !== UNDEFINED_EPOCH) {
    const end = leaderEpochEndOffset(log, current, lastFetchedEpoch);
    if (end.endOffset === UNDEFINED_EPOCH_OFFSET || end.epoch === UNDEFINED_EPOCH) {
      return { type: "out-of-range" };
    }
    if (fetchOffset < log.logStartOffset) return { type: "out-of-range" };
    if (end.epoch < lastFetchedEpoch || end.endOffset < fetchOffset) {
      return { type: "diverging", divergingEpoch: end };
    }
  }
  if (fetchOffset < log.logStartOffset || fetchOffset > log.logEndOffset) {
    return { type: "out-of-range" };
  }
  return { type: "valid" };
}

export interface TruncationTarget {
  readonly offset: Offset;
  /** False when another fetch may move it lower (the follower lacked the leader's epoch). */
  readonly final: boolean;
}

/**
 * Where a follower truncates on a diverging epoch (Kafka's getOffsetTruncationState): at the end
 * of its own largest epoch <= the leader's, bounded by the leader's end offset when both know that
 * epoch. Never the high watermark (the KIP-101 loss), never just min(leader end, LEO), which loops
 * forever when the follower's own epoch boundary lies lower (the KIP-279 cases).
 */
export function followerTruncationTarget(
  log: EpochLookup,
  divergingEpoch: EpochEndOffset,
): TruncationTarget {
  const logEnd = log.logEndOffset;
  assert(divergingEpoch.endOffset >= 0, `diverging end offset ${divergingEpoch.endOffset}`);
  const local = log.endOffsetForEpoch(divergingEpoch.epoch);
  if (local.endOffset === UNDEFINED_EPOCH_OFFSET || local.epoch === UNDEFINED_EPOCH) {
    // The follower knows no epoch that old: the leader's end offset is all there is to go by.
    return { offset: Math.min(divergingEpoch.endOffset, logEnd), final: true };
  }
  if (local.epoch !== divergingEpoch.epoch) {
    return { offset: Math.min(local.endOffset, logEnd), final: false };
  }
  return { offset: Math.min(local.endOffset, divergingEpoch.endOffset, logEnd), final: true };
}
