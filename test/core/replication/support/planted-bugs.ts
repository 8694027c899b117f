// Deliberately broken replication components, to prove the model tests catch the published bugs
// they stand for. Never used outside tests.

import type { Epoch, Millis } from "../../../../core/ids.ts";
import {
  FollowerPartition,
  type FollowerPartitionDeps,
} from "../../../../core/replication/follower-partition.ts";
import type { FollowerLog } from "../../../../core/replication/replica-log.ts";

/**
 * Kafka before KIP-101 (KAFKA-1211): a replica that becomes a follower (on restart, or when the
 * leader changes) truncates its log to its own high watermark, which lags the leader's.
 */
export class HighWatermarkTruncatingFollower extends FollowerPartition {
  readonly #log: FollowerLog;

  constructor(now: Millis, deps: FollowerPartitionDeps, leaderId: number, leaderEpoch: Epoch) {
    super(now, deps, leaderId, leaderEpoch);
    this.#log = deps.log;
    this.#truncateToHighWatermark();
  }

  override onLeaderChange(now: Millis, leaderId: number, leaderEpoch: Epoch): void {
    if (leaderEpoch > this.leaderEpoch && !this.truncating) this.#truncateToHighWatermark();
    super.onLeaderChange(now, leaderId, leaderEpoch);
  }

  #truncateToHighWatermark(): void {
    const log = this.#log;
    if (log.highWatermark < log.logEndOffset) log.truncateTo(log.highWatermark, () => {});
  }
}
