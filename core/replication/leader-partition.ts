// The leader side of one partition (Kafka's Partition as leader): follower fetch answers, the high
// watermark (maximal ISR, committed ISR at min.insync.replicas, never backwards), ISR proposals and
// acks=all outcomes. No I/O: the broker reads the log and sends what this decides.

import { assert } from "../assert.ts";
import { ErrorCode } from "../error-codes.ts";
import type { Epoch, Millis, NodeId, Offset } from "../ids.ts";
import type { Outbox } from "../outbox.ts";
import type { PartitionAssignment, PartitionId, ReplicationConfig } from "./config.ts";
import { checkFetchPosition, type LeaderEpochStart } from "./diverging-epoch.ts";
import { refuseFollowerFetch } from "./fetch-refusal.ts";
import type { FollowerReplicaView } from "./follower-replica-state.ts";
import type { ProposalKind } from "./isr-proposal.ts";
import { LeaderFollowers } from "./leader-followers.ts";
import { LeaderIsr, type LeaderTerm } from "./leader-isr.ts";
import type {
  AlterPartitionItem,
  AlterPartitionResult,
  BrokerEpoch,
  EpochEndOffset,
  ReplicaFetchPartition,
} from "./messages.ts";
import type { BrokerRegistry, LeaderLog } from "./replica-log.ts";

interface OffsetsOfLeader {
  readonly highWatermark: Offset;
  readonly logStartOffset: Offset;
}

/** What the broker does with a follower's fetch of this partition. */
export type FollowerFetchOutcome =
  | (OffsetsOfLeader & { readonly type: "error"; readonly errorCode: ErrorCode })
  | (OffsetsOfLeader & { readonly type: "diverging"; readonly divergingEpoch: EpochEndOffset })
  | (OffsetsOfLeader & {
      readonly type: "read";
      /** Read whole batches from here, none at or past upperBound (the log end offset). */
      readonly fetchOffset: Offset;
      readonly upperBound: Offset;
      readonly maxBytes: number;
      readonly highWatermarkAdvanced: boolean;
    });

/** Kafka's checkEnoughReplicasReachOffset: whether an acks=all produce is answered, and how. */
export interface AcksAllCheck {
  readonly done: boolean;
  readonly errorCode: ErrorCode;
}

export interface LeaderPartitionDeps {
  readonly id: PartitionId;
  readonly localId: NodeId;
  readonly config: ReplicationConfig;
  readonly log: LeaderLog;
  readonly brokers: BrokerRegistry;
  readonly outbox: Outbox;
}

export interface LeaderPartitionView {
  readonly topic: string;
  readonly partition: number;
  readonly leaderEpoch: Epoch;
  readonly partitionEpoch: Epoch;
  readonly replicas: readonly number[];
  readonly isr: readonly number[];
  readonly maximalIsr: readonly number[];
  readonly proposal: {
    readonly kind: ProposalKind;
    readonly isr: readonly number[];
    readonly awaitingMetadata: boolean;
  } | null;
  readonly highWatermark: Offset;
  readonly leaderEpochStartOffset: Offset;
  readonly followers: readonly FollowerReplicaView[];
}

export class LeaderPartition {
  readonly id: PartitionId;
  readonly #localId: NodeId;
  #config: ReplicationConfig;
  readonly #log: LeaderLog;
  readonly #brokers: BrokerRegistry;
  readonly #outbox: Outbox;
  #leaderEpoch: Epoch;
  readonly #isr: LeaderIsr;
  readonly #followers: LeaderFollowers;
  #epochStart: LeaderEpochStart;
  #highWatermark: Offset;
  #lastNowMs: Millis;

  constructor(now: Millis, deps: LeaderPartitionDeps, assignment: PartitionAssignment) {
    assert(assignment.leader === deps.localId, `leader ${assignment.leader} is not this broker`);
    this.id = deps.id;
    this.#localId = deps.localId;
    this.#config = deps.config;
    this.#log = deps.log;
    this.#brokers = deps.brokers;
    this.#outbox = deps.outbox;
    this.#leaderEpoch = assignment.leaderEpoch;
    this.#isr = new LeaderIsr(
      deps.id,
      deps.localId,
      deps.outbox,
      assignment.replicas,
      assignment.isr,
      assignment.partitionEpoch,
    );
    this.#epochStart = { leaderEpoch: assignment.leaderEpoch, startOffset: deps.log.logEndOffset };
    this.#highWatermark = deps.log.highWatermark;
    this.#lastNowMs = now;
    this.#followers = new LeaderFollowers(deps.localId, deps.brokers);
    this.#followers.reset(now, assignment.replicas, assignment.isr);
    this.checkInvariants();
  }

  get leaderEpoch(): Epoch {
    return this.#leaderEpoch;
  }

  get partitionEpoch(): Epoch {
    return this.#isr.partitionEpoch;
  }

  /** The committed ISR. */
  get isr(): readonly NodeId[] {
    return this.#isr.committed;
  }

  /** The committed ISR plus a pending expansion (KIP-497): the set the HW waits for. */
  get maximalIsr(): readonly NodeId[] {
    return this.#isr.maximal;
  }

  get highWatermark(): Offset {
    return this.#highWatermark;
  }

  reconfigure(config: ReplicationConfig): void {
    this.#config = config;
  }

  /** acks=all is refused before the append when the ISR is below min.insync.replicas. */
  acksAllError(): ErrorCode {
    return this.isr.length < this.#effectiveMinIsr()
      ? ErrorCode.NOT_ENOUGH_REPLICAS
      : ErrorCode.NONE;
  }

  /**
   * Whether an acks=all produce whose last offset is `requiredOffset - 1` is answered. Kafka's
   * rule: once the HW covers it, NONE if the maximal ISR meets min.insync.replicas, else
   * NOT_ENOUGH_REPLICAS_AFTER_APPEND. And since the HW stops while the ISR is below the minimum,
   * a produce waiting then is answered NOT_ENOUGH_REPLICAS_AFTER_APPEND at once, not at timeout.
   */
  checkEnoughReplicasReachOffset(requiredOffset: Offset): AcksAllCheck {
    const minIsr = this.#effectiveMinIsr();
    if (this.#highWatermark >= requiredOffset) {
      const enough = this.maximalIsr.length >= minIsr;
      const errorCode = enough ? ErrorCode.NONE : ErrorCode.NOT_ENOUGH_REPLICAS_AFTER_APPEND;
      return { done: true, errorCode };
    }
    if (this.isr.length < minIsr) {
      this.#outbox.mark("acks-all-isr-below-min-while-waiting");
      return { done: true, errorCode: ErrorCode.NOT_ENOUGH_REPLICAS_AFTER_APPEND };
    }
    return { done: false, errorCode: ErrorCode.NONE };
  }

  /** Answers a follower's fetch of this partition, recording its position when valid. */
  onFollowerFetch(
    now: Millis,
    replicaId: NodeId,
    brokerEpoch: BrokerEpoch,
    request: ReplicaFetchPartition,
  ): FollowerFetchOutcome {
    this.#tick(now);
    const log = this.#log;
    const offsets = { highWatermark: this.#highWatermark, logStartOffset: log.logStartOffset };
    const refusal = refuseFollowerFetch(
      {
        id: this.id,
        localId: this.#localId,
        replicas: this.#isr.replicas,
        leaderEpoch: this.#leaderEpoch,
        brokers: this.#brokers,
        outbox: this.#outbox,
      },
      replicaId,
      brokerEpoch,
      request,
    );
    if (refusal !== ErrorCode.NONE) return { type: "error", errorCode: refusal, ...offsets };
    const position = checkFetchPosition(
      log,
      this.#epochStart,
      request.fetchOffset,
      request.lastFetchedEpoch,
    );
    if (position.type === "out-of-range") {
      this.#outbox.mark("leader-follower-fetch-out-of-range");
      return { type: "error", errorCode: ErrorCode.OFFSET_OUT_OF_RANGE, ...offsets };
    }
    if (position.type === "diverging") {
      this.#outbox.mark("leader-answered-diverging-epoch");
      return { type: "diverging", divergingEpoch: position.divergingEpoch, ...offsets };
    }
    const follower = this.#followers.get(replicaId);
    assert(follower !== undefined, `no state for replica ${replicaId}`);
    const logEnd = log.logEndOffset;
    follower.recordFetch(now, request.fetchOffset, request.logStartOffset, logEnd, brokerEpoch);
    if (this.#followers.eligible(follower)) {
      this.#isr.maybeExpand(now, this.#term(), follower, (id) => this.#brokerEpochOf(id));
    }
    const highWatermarkAdvanced = this.#maybeAdvanceHighWatermark(now);
    return {
      type: "read",
      fetchOffset: request.fetchOffset,
      upperBound: logEnd,
      maxBytes: request.maxBytes,
      highWatermark: this.#highWatermark,
      logStartOffset: log.logStartOffset,
      highWatermarkAdvanced,
    };
  }

  /** The leader's log grew or synced: the HW may move. True when it did. */
  onLogAdvanced(now: Millis): boolean {
    this.#tick(now);
    return this.#maybeAdvanceHighWatermark(now);
  }

  /** Time passed: shrink the ISR if a follower lags, let expired waits release the HW. */
  onTimer(now: Millis): boolean {
    this.#tick(now);
    const lagMaxMs = this.#config.replicaLagTimeMaxMs;
    const logEnd = this.#log.logEndOffset;
    const lagging = this.#followers.lagging(this.isr, logEnd, now, lagMaxMs).map((id) => ({
      replicaId: id,
      lagMs: this.#followers.get(id)?.lagMs(now) ?? -1,
      logEndOffset: this.#followers.get(id)?.logEndOffset ?? -1,
    }));
    this.#isr.maybeShrink(now, this.#term(), lagging, lagMaxMs, (id) => this.#brokerEpochOf(id));
    return this.#maybeAdvanceHighWatermark(now);
  }

  /** When onTimer (or pollAlterPartition) has something to do, if ever. */
  nextWakeupMs(): Millis | undefined {
    const lagDue = this.#followers.nextDueMs(
      this.isr,
      this.maximalIsr,
      this.#isr.proposal !== null,
      this.#log.logEndOffset,
      this.#config.replicaLagTimeMaxMs,
      this.#lastNowMs,
    );
    const next = Math.min(lagDue, this.#isr.dueMs() ?? Number.POSITIVE_INFINITY);
    return Number.isFinite(next) ? next : undefined;
  }

  /** The AlterPartition to send now (a new proposal or an unanswered one again), or null. */
  pollAlterPartition(now: Millis): AlterPartitionItem | null {
    this.#tick(now);
    return this.#isr.poll(now, this.#config);
  }

  /** The request carrying `sent` was lost (connection broke): send it again after a pause. */
  onAlterPartitionLost(now: Millis, sent: AlterPartitionItem): void {
    this.#tick(now);
    this.#isr.lost(now, sent, this.#config);
  }

  /** The controller answered `sent`. True when the HW advanced. */
  onAlterPartitionResponse(
    now: Millis,
    sent: AlterPartitionItem,
    result: AlterPartitionResult,
  ): boolean {
    this.#tick(now);
    if (!this.#isr.answered(now, this.#leaderEpoch, sent, result, this.#config)) return false;
    this.#followers.markCaughtUpIfUnknown(this.isr, now);
    return this.#maybeAdvanceHighWatermark(now);
  }

  /**
   * The metadata log changed this partition and this broker still leads it. A newer leader epoch
   * starts a new term (followers must fetch again); a newer partition epoch is the committed ISR.
   */
  onMetadata(now: Millis, assignment: PartitionAssignment): boolean {
    this.#tick(now);
    assert(assignment.leader === this.#localId, "metadata moved leadership away: drop this leader");
    if (
      assignment.leaderEpoch < this.#leaderEpoch ||
      assignment.partitionEpoch <= this.#isr.partitionEpoch
    ) {
      this.#outbox.mark("leader-stale-metadata-ignored");
      return false;
    }
    this.#isr.setReplicas(assignment.replicas);
    if (assignment.leaderEpoch > this.#leaderEpoch) {
      this.#leaderEpoch = assignment.leaderEpoch;
      this.#epochStart = {
        leaderEpoch: assignment.leaderEpoch,
        startOffset: this.#log.logEndOffset,
      };
      this.#followers.reset(now, assignment.replicas, assignment.isr);
    } else {
      this.#followers.match(now, assignment.replicas);
    }
    this.#isr.commit(this.#leaderEpoch, assignment.isr, assignment.partitionEpoch, "metadata");
    this.#followers.markCaughtUpIfUnknown(assignment.isr, now);
    return this.#maybeAdvanceHighWatermark(now);
  }

  #term(): LeaderTerm {
    return {
      leaderEpoch: this.#leaderEpoch,
      highWatermark: this.#highWatermark,
      epochStartOffset: this.#epochStart.startOffset,
    };
  }

  /** An ISR member's broker epoch: ours from the registry, a follower's from its fetches. */
  #brokerEpochOf(id: NodeId): BrokerEpoch {
    if (id === this.#localId) return this.#brokers.broker(id)?.brokerEpoch ?? -1;
    return this.#followers.get(id)?.brokerEpoch ?? -1;
  }

  #effectiveMinIsr(): number {
    return Math.min(this.#config.minInsyncReplicas, this.#isr.replicas.length);
  }

  /** The leader's own acknowledgement: what is synced, or what is appended (Kafka's semantics). */
  #leaderAckedEnd(): Offset {
    const log = this.#log;
    return this.#config.ackRequiresSync
      ? Math.min(log.logEndOffset, log.durableOffset)
      : log.logEndOffset;
  }

  /**
   * HW = min over the maximal ISR of each member's acknowledged end (see LeaderFollowers), only
   * while the committed ISR meets min.insync.replicas (KAFKA-15583), and never backwards.
   */
  #maybeAdvanceHighWatermark(now: Millis): boolean {
    if (this.isr.length < this.#effectiveMinIsr()) return false;
    const logEnd = this.#log.logEndOffset;
    const bound = this.#followers.highWatermarkBound(
      this.#leaderAckedEnd(),
      this.maximalIsr,
      logEnd,
      now,
      this.#config.replicaLagTimeMaxMs,
    );
    if (bound <= this.#highWatermark) return false;
    if (bound > logEnd) assert(false, `high watermark ${bound} past the log end ${logEnd}`);
    const from = this.#highWatermark;
    this.#highWatermark = bound;
    this.#log.setHighWatermark(bound);
    this.#outbox.trace({
      type: "hw-advanced",
      topic: this.id.topic,
      partition: this.id.partition,
      leaderEpoch: this.#leaderEpoch,
      from,
      to: bound,
    });
    return true;
  }

  #tick(now: Millis): void {
    // The message is built only on failure: this runs on every call.
    if (now < this.#lastNowMs) assert(false, `time went back from ${this.#lastNowMs} to ${now}`);
    this.#lastNowMs = now;
  }

  view(): LeaderPartitionView {
    const proposal = this.#isr.proposal;
    return {
      topic: this.id.topic,
      partition: this.id.partition,
      leaderEpoch: this.#leaderEpoch,
      partitionEpoch: this.#isr.partitionEpoch,
      replicas: [...this.#isr.replicas],
      isr: [...this.isr],
      maximalIsr: [...this.maximalIsr],
      proposal:
        proposal === null
          ? null
          : {
              kind: proposal.kind,
              isr: [...proposal.isr],
              awaitingMetadata: proposal.awaitingMetadata,
            },
      highWatermark: this.#highWatermark,
      leaderEpochStartOffset: this.#epochStart.startOffset,
      followers: this.#followers.views(),
    };
  }

  checkInvariants(): void {
    const log = this.#log;
    // Messages are built only on failure: these checks run after every step.
    const id = this.id;
    this.#isr.checkInvariants();
    const logEndOffset = log.logEndOffset;
    if (this.#highWatermark !== log.highWatermark) {
      assert(false, `${id.topic}-${id.partition}: log HW differs from the leader's`);
    }
    if (this.#highWatermark > logEndOffset)
      assert(false, `${id.topic}-${id.partition}: HW above the log end offset`);
    if (log.latestEpoch() > this.#leaderEpoch) {
      assert(false, `${id.topic}-${id.partition}: log holds a newer leader epoch`);
    }
    if (this.#epochStart.startOffset > logEndOffset) {
      assert(false, `${id.topic}-${id.partition}: epoch starts past the log`);
    }
    if (this.#followers.size !== this.#isr.replicas.length - 1) {
      assert(false, `${id.topic}-${id.partition}: follower states`);
    }
    this.#followers.checkInvariants(this.#isr.replicas, logEndOffset);
  }
}
