// One partition replica on this broker: registration (leader, epoch, ISR), log, and its role in
// replication — a LeaderPartition (which alone moves the high watermark: min over the ISR of what
// each member acknowledged) or a FollowerPartition — as the metadata image says.

import { assert } from "../assert.ts";
import type { NodeId } from "../ids.ts";
import type { Outbox } from "../outbox.ts";
import type { FollowerPartition } from "../replication/follower-partition.ts";
import type { LeaderPartition } from "../replication/leader-partition.ts";
import type { PartitionView } from "./broker-view.ts";
import type { HostedLog } from "./hosted-log.ts";
import type { PartitionRegistration } from "./metadata-image.ts";
import type { PartitionStateEvent } from "./trace-events.ts";

export class HostedPartition {
  registration: PartitionRegistration;
  readonly log: HostedLog;
  /** The topic was deleted (or the replica moved away): the log is being destroyed. */
  removed = false;
  /** Records appended since the broker last asked this log for a sync (flush.messages). */
  unflushedRecords = 0;
  /** Set while this broker leads the partition (and its log is online). */
  leader: LeaderPartition | null = null;
  /** Set while this broker follows the partition (and its log is online). */
  follower: FollowerPartition | null = null;
  #lastState: PartitionStateEvent | undefined;

  constructor(registration: PartitionRegistration, log: HostedLog) {
    this.registration = registration;
    this.log = log;
  }

  get key(): string {
    return partitionKey(this.registration.topic, this.registration.partition);
  }

  get topic(): string {
    return this.registration.topic;
  }

  get partition(): number {
    return this.registration.partition;
  }

  get leaderEpoch(): number {
    return this.registration.leaderEpoch;
  }

  /** Leader of the partition as the image says, its log online, its LeaderPartition running. */
  isServingLeader(self: NodeId): boolean {
    return (
      this.registration.leader === self &&
      this.log.status === "online" &&
      !this.removed &&
      this.leader !== null &&
      this.leader.leaderEpoch === this.registration.leaderEpoch
    );
  }

  /** Emits `partition-state` if anything the viewer draws changed since the last one. */
  emitState(outbox: Outbox): void {
    if (this.log.status === "loading") return;
    const r = this.registration;
    const state: PartitionStateEvent = {
      type: "partition-state",
      topic: r.topic,
      partition: r.partition,
      leader: r.leader,
      leaderEpoch: r.leaderEpoch,
      isr: [...r.isr],
      logStartOffset: this.log.logStartOffset,
      logEndOffset: this.log.logEndOffset,
      highWatermark: this.log.highWatermark,
      durableOffset: this.log.durableOffset,
    };
    if (this.#lastState !== undefined && sameState(this.#lastState, state)) return;
    this.#lastState = state;
    outbox.trace(state);
  }

  view(): PartitionView {
    const r = this.registration;
    return {
      topic: r.topic,
      topicId: r.topicId,
      partition: r.partition,
      leader: r.leader,
      leaderEpoch: r.leaderEpoch,
      partitionEpoch: r.partitionEpoch,
      replicas: r.replicas,
      isr: r.isr,
      role: this.leader !== null ? "leader" : this.follower !== null ? "follower" : "none",
      maximalIsr: this.leader?.maximalIsr ?? [],
      status: this.log.status,
      logStartOffset: this.log.logStartOffset,
      logEndOffset: this.log.logEndOffset,
      highWatermark: this.log.highWatermark,
      durableOffset: this.log.durableOffset,
    };
  }

  checkInvariants(): void {
    const log = this.log;
    if (log.status !== "online") return;
    const highWatermark = log.highWatermark;
    const logEndOffset = log.logEndOffset;
    // Messages are built only on failure: the key and the text cost more than the comparisons.
    if (log.logStartOffset > highWatermark) assert(false, `${this.key}: log start above HW`);
    if (highWatermark > logEndOffset) assert(false, `${this.key}: HW above LEO`);
    if (log.durableOffset > logEndOffset) assert(false, `${this.key}: durable offset above LEO`);
    if (this.leader !== null && this.follower !== null) {
      assert(false, `${this.key}: leader and follower`);
    }
    log.checkInvariants();
    this.leader?.checkInvariants();
    this.follower?.checkInvariants();
  }
}

export function partitionKey(topic: string, partition: number): string {
  return `${topic}-${partition}`;
}

function sameState(a: PartitionStateEvent, b: PartitionStateEvent): boolean {
  return (
    a.leader === b.leader &&
    a.leaderEpoch === b.leaderEpoch &&
    a.logStartOffset === b.logStartOffset &&
    a.logEndOffset === b.logEndOffset &&
    a.highWatermark === b.highWatermark &&
    a.durableOffset === b.durableOffset &&
    a.isr.length === b.isr.length &&
    a.isr.every((id, i) => id === b.isr[i])
  );
}
