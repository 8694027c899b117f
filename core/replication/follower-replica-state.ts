// The leader's record of one follower (Kafka's Replica state): its log end offset as its last
// fetch said, when it last fetched, and when it was last caught up to the leader's log end offset.
// Everything resets on a new leader epoch: only fetches in this epoch count.

import { assert } from "../assert.ts";
import type { Millis, NodeId, Offset } from "../ids.ts";
import type { BrokerEpoch } from "./messages.ts";

/** Not known: no fetch in this leader epoch yet. */
export const UNKNOWN_OFFSET = -1;

export interface FollowerReplicaView {
  readonly replicaId: number;
  readonly logEndOffset: Offset;
  readonly logStartOffset: Offset;
  readonly lastFetchTimeMs: Millis | null;
  readonly lastCaughtUpTimeMs: Millis | null;
  readonly brokerEpoch: BrokerEpoch | null;
}

export class FollowerReplicaState {
  readonly replicaId: NodeId;
  logEndOffset: Offset = UNKNOWN_OFFSET;
  logStartOffset: Offset = UNKNOWN_OFFSET;
  lastFetchTimeMs: Millis | null = null;
  /** The leader's log end offset when the last fetch arrived. */
  lastFetchLeaderLogEndOffset: Offset = UNKNOWN_OFFSET;
  /**
   * The latest time t at which this follower's fetch offset reached the leader's log end offset
   * as of t (Kafka's lastCaughtUpTimeMs); null: never in this leader epoch.
   */
  lastCaughtUpTimeMs: Millis | null;
  /** The broker epoch its fetches carry (KIP-903); null before the first fetch. */
  brokerEpoch: BrokerEpoch | null = null;

  /** In the ISR when leadership began: it counts as caught up now, and has lag.max to fetch. */
  constructor(replicaId: NodeId, now: Millis, inSync: boolean) {
    this.replicaId = replicaId;
    this.lastCaughtUpTimeMs = inSync ? now : null;
  }

  /**
   * A fetch at `fetchOffset` arrived while the leader's log ended at `leaderLogEndOffset`. Caught
   * up now if it reached that end; caught up at the previous fetch if it reached what the log end
   * was then (so a follower chasing a busy leader still counts as in sync).
   */
  recordFetch(
    now: Millis,
    fetchOffset: Offset,
    logStartOffset: Offset,
    leaderLogEndOffset: Offset,
    brokerEpoch: BrokerEpoch,
  ): void {
    assert(fetchOffset >= 0 && fetchOffset <= leaderLogEndOffset, `fetch offset ${fetchOffset}`);
    assert(this.lastFetchTimeMs === null || now >= this.lastFetchTimeMs, "fetch time went back");
    const previous = this.lastCaughtUpTimeMs ?? Number.NEGATIVE_INFINITY;
    if (fetchOffset >= leaderLogEndOffset) {
      this.lastCaughtUpTimeMs = Math.max(previous, now);
    } else if (
      this.lastFetchTimeMs !== null &&
      this.lastFetchLeaderLogEndOffset !== UNKNOWN_OFFSET &&
      fetchOffset >= this.lastFetchLeaderLogEndOffset
    ) {
      this.lastCaughtUpTimeMs = Math.max(previous, this.lastFetchTimeMs);
    }
    this.logEndOffset = fetchOffset;
    this.logStartOffset = logStartOffset;
    this.lastFetchTimeMs = now;
    this.lastFetchLeaderLogEndOffset = leaderLogEndOffset;
    this.brokerEpoch = brokerEpoch;
  }

  /** Kafka's isCaughtUp: at the leader's log end, or caught up within the last maxLagMs. */
  isCaughtUp(leaderLogEndOffset: Offset, now: Millis, maxLagMs: Millis): boolean {
    if (this.logEndOffset === leaderLogEndOffset) return true;
    return this.lastCaughtUpTimeMs !== null && now - this.lastCaughtUpTimeMs <= maxLagMs;
  }

  /** When isCaughtUp turns false if nothing changes (the log end differs), or null. */
  caughtUpUntilMs(leaderLogEndOffset: Offset, maxLagMs: Millis): Millis | null {
    if (this.logEndOffset === leaderLogEndOffset || this.lastCaughtUpTimeMs === null) return null;
    return this.lastCaughtUpTimeMs + maxLagMs + 1;
  }

  lagMs(now: Millis): Millis {
    return this.lastCaughtUpTimeMs === null ? -1 : now - this.lastCaughtUpTimeMs;
  }

  view(): FollowerReplicaView {
    return {
      replicaId: this.replicaId,
      logEndOffset: this.logEndOffset,
      logStartOffset: this.logStartOffset,
      lastFetchTimeMs: this.lastFetchTimeMs,
      lastCaughtUpTimeMs: this.lastCaughtUpTimeMs,
      brokerEpoch: this.brokerEpoch,
    };
  }
}
