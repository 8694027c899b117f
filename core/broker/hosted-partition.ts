// One partition replica on this broker: registration (leader, epoch, ISR), log, and the high
// watermark rule: min LEO over the ISR, also bounded by the leader's durable offset with an
// fsync-before-ack setting, so consumers never read what a crash of the leader could lose.

import { assert } from "../assert.ts";
import type { NodeId, Offset } from "../ids.ts";
import type { Outbox } from "../outbox.ts";
import type { PartitionView } from "./broker-view.ts";
import { type BrokerConfig, FsyncBeforeAck } from "./config.ts";
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

  /** Leader of the partition, with its log recovered and online. */
  isServingLeader(self: NodeId): boolean {
    return this.registration.leader === self && this.log.status === "online" && !this.removed;
  }

  /**
   * The high watermark this leader may expose now. Only this broker's replica is tracked yet; the
   * replication layer will feed followers' log end offsets in here (min over the ISR).
   */
  leaderHighWatermark(config: BrokerConfig): Offset {
    assert(this.registration.isr.length <= 1, "ISR beyond the leader needs replication");
    const log = this.log;
    const durableBound = config.fsyncBeforeAck !== FsyncBeforeAck.none;
    return durableBound ? Math.min(log.logEndOffset, log.durableOffset) : log.logEndOffset;
  }

  /** Moves the HW up if the rule allows; true when it moved. */
  advanceHighWatermark(config: BrokerConfig): boolean {
    if (this.log.status !== "online") return false;
    const target = this.leaderHighWatermark(config);
    if (target <= this.log.highWatermark) return false;
    this.log.setHighWatermark(target);
    return true;
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
      isr: r.isr,
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
    assert(log.logStartOffset <= log.highWatermark, `${this.key}: log start above HW`);
    assert(log.highWatermark <= log.logEndOffset, `${this.key}: HW above LEO`);
    assert(log.durableOffset <= log.logEndOffset, `${this.key}: durable offset above LEO`);
    log.checkInvariants();
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
