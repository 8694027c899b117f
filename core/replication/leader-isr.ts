// The leader's ISR (KIP-497): the committed ISR, which only the controller's AlterPartition answer
// or newer metadata changes, and at most one proposal in flight, made against the partition epoch
// the leader knows. While an expansion is pending the HW waits for the larger, "maximal" ISR.

import { assert } from "../assert.ts";
import { ErrorCode } from "../error-codes.ts";
import type { Epoch, Millis, NodeId, Offset } from "../ids.ts";
import type { Outbox } from "../outbox.ts";
import type { PartitionId, ReplicationConfig } from "./config.ts";
import type { FollowerReplicaState } from "./follower-replica-state.ts";
import {
  afterRefusal,
  type IsrProposal,
  IsrProposalSlot,
  inAssignmentOrder,
  type ProposalKind,
} from "./isr-proposal.ts";
import type { AlterPartitionItem, AlterPartitionResult, BrokerEpoch } from "./messages.ts";

/** What the ISR needs to know of the leader at the moment it decides. */
export interface LeaderTerm {
  readonly leaderEpoch: Epoch;
  readonly highWatermark: Offset;
  /** Where this leader epoch began: a joining follower must have reached it. */
  readonly epochStartOffset: Offset;
}

export class LeaderIsr {
  readonly #id: PartitionId;
  readonly #localId: NodeId;
  readonly #outbox: Outbox;
  #replicas: readonly NodeId[];
  #committed: readonly NodeId[];
  #partitionEpoch: Epoch;
  readonly #proposal = new IsrProposalSlot();

  constructor(
    id: PartitionId,
    localId: NodeId,
    outbox: Outbox,
    replicas: readonly NodeId[],
    isr: readonly NodeId[],
    partitionEpoch: Epoch,
  ) {
    this.#id = id;
    this.#localId = localId;
    this.#outbox = outbox;
    this.#replicas = [...replicas];
    this.#committed = [...isr];
    this.#partitionEpoch = partitionEpoch;
  }

  get committed(): readonly NodeId[] {
    return this.#committed;
  }

  get partitionEpoch(): Epoch {
    return this.#partitionEpoch;
  }

  get proposal(): IsrProposal | null {
    return this.#proposal.current;
  }

  get replicas(): readonly NodeId[] {
    return this.#replicas;
  }

  /** The committed ISR plus a pending expansion: adding members only makes the HW stricter. */
  get maximal(): readonly NodeId[] {
    const proposal = this.#proposal.current;
    if (proposal === null || proposal.kind === "shrink") return this.#committed;
    return inAssignmentOrder(this.#replicas, new Set([...this.#committed, ...proposal.isr]));
  }

  /** When poll() next hands something out, or null. */
  dueMs(): Millis | null {
    return this.#proposal.dueMs();
  }

  /** Kafka's maybeExpandIsr: caught up to the HW and to this epoch's start, and eligible. */
  maybeExpand(
    now: Millis,
    term: LeaderTerm,
    follower: FollowerReplicaState,
    epochOf: (id: NodeId) => BrokerEpoch,
  ): void {
    if (this.#proposal.current !== null || this.#committed.includes(follower.replicaId)) return;
    const end = follower.logEndOffset;
    if (end < term.highWatermark || end < term.epochStartOffset) return;
    const proposed = inAssignmentOrder(
      this.#replicas,
      new Set([...this.#committed, follower.replicaId]),
    );
    this.#propose(now, term, "expand", proposed, epochOf);
    this.#outbox.trace({
      type: "isr-expand-proposed",
      topic: this.#id.topic,
      partition: this.#id.partition,
      leaderEpoch: term.leaderEpoch,
      partitionEpoch: this.#partitionEpoch,
      isr: [...this.#committed],
      proposedIsr: proposed,
      replicaId: follower.replicaId,
      caughtUpOffset: end,
      highWatermark: term.highWatermark,
    });
  }

  /** Kafka's maybeShrinkIsr: `lagging` members leave (never the leader). */
  maybeShrink(
    now: Millis,
    term: LeaderTerm,
    lagging: readonly { replicaId: NodeId; lagMs: Millis; logEndOffset: Offset }[],
    lagMaxMs: Millis,
    epochOf: (id: NodeId) => BrokerEpoch,
  ): void {
    if (this.#proposal.current !== null || lagging.length === 0) return;
    const leaving = new Set(lagging.map((l) => l.replicaId));
    assert(!leaving.has(this.#localId), "the leader cannot lag behind itself");
    const proposed = this.#committed.filter((id) => !leaving.has(id));
    this.#propose(now, term, "shrink", proposed, epochOf);
    this.#outbox.trace({
      type: "isr-shrink-proposed",
      topic: this.#id.topic,
      partition: this.#id.partition,
      leaderEpoch: term.leaderEpoch,
      partitionEpoch: this.#partitionEpoch,
      isr: [...this.#committed],
      proposedIsr: proposed,
      lagging: [...lagging],
      replicaLagTimeMaxMs: lagMaxMs,
    });
  }

  #propose(
    now: Millis,
    term: LeaderTerm,
    kind: ProposalKind,
    isr: readonly NodeId[],
    epochOf: (id: NodeId) => BrokerEpoch,
  ): void {
    assert(isr.includes(this.#localId), "a proposed ISR must keep the leader");
    const item: AlterPartitionItem = {
      topic: this.#id.topic,
      topicId: this.#id.topicId,
      partition: this.#id.partition,
      leaderEpoch: term.leaderEpoch,
      newIsr: isr.map((brokerId) => ({ brokerId, brokerEpoch: epochOf(brokerId) })),
      partitionEpoch: this.#partitionEpoch,
    };
    this.#proposal.propose(kind, item, now);
  }

  /** The AlterPartition to send now (a new proposal or an unanswered one again), or null. */
  poll(now: Millis, config: ReplicationConfig): AlterPartitionItem | null {
    return this.#proposal.poll(now, config.alterPartitionTimeoutMs, this.#outbox);
  }

  /** The request carrying `sent` was lost: send it again after a pause. */
  lost(now: Millis, sent: AlterPartitionItem, config: ReplicationConfig): void {
    if (this.#proposal.matches(sent)) {
      this.#proposal.resendAfter(now, config.alterPartitionRetryBackoffMs);
    }
  }

  /** The controller answered `sent`; true when the committed ISR changed (it may move the HW). */
  answered(
    now: Millis,
    leaderEpoch: Epoch,
    sent: AlterPartitionItem,
    result: AlterPartitionResult,
    config: ReplicationConfig,
  ): boolean {
    if (!this.#proposal.matches(sent)) {
      this.#outbox.mark("alter-partition-stale-answer");
      return false;
    }
    if (result.errorCode !== ErrorCode.NONE) {
      this.#refused(now, leaderEpoch, result.errorCode, config);
      return false;
    }
    if (result.leaderEpoch !== leaderEpoch || result.partitionEpoch < this.#partitionEpoch) {
      // Committed, but for a state we are past or not yet in: newer metadata will settle it.
      this.#outbox.mark("alter-partition-answer-for-other-epoch");
      this.#proposal.awaitMetadata();
      return false;
    }
    this.commit(leaderEpoch, result.isr, result.partitionEpoch, "alter-partition");
    return true;
  }

  #refused(now: Millis, leaderEpoch: Epoch, errorCode: number, config: ReplicationConfig): void {
    const next = afterRefusal(errorCode);
    this.#outbox.trace({
      type: "isr-proposal-failed",
      topic: this.#id.topic,
      partition: this.#id.partition,
      leaderEpoch,
      partitionEpoch: this.#partitionEpoch,
      errorCode,
      next,
    });
    if (next === "drop") this.#proposal.clear();
    else if (next === "await-metadata") this.#proposal.awaitMetadata();
    else this.#proposal.resendAfter(now, config.alterPartitionRetryBackoffMs);
  }

  /** Metadata named the replicas anew (within or across leader epochs). */
  setReplicas(replicas: readonly NodeId[]): void {
    this.#replicas = [...replicas];
  }

  /** The ISR the controller committed at `partitionEpoch`; any proposal is settled by it. */
  commit(
    leaderEpoch: Epoch,
    isr: readonly NodeId[],
    partitionEpoch: Epoch,
    source: "alter-partition" | "metadata",
  ): void {
    assert(isr.includes(this.#localId), `committed ISR [${isr}] lacks the leader`);
    assert(partitionEpoch >= this.#partitionEpoch, "partition epoch went back");
    this.#committed = [...isr];
    this.#partitionEpoch = partitionEpoch;
    this.#proposal.clear();
    this.#outbox.trace({
      type: "isr-committed",
      topic: this.#id.topic,
      partition: this.#id.partition,
      leaderEpoch,
      partitionEpoch,
      isr: [...isr],
      source,
    });
  }

  checkInvariants(): void {
    // Messages are built only on failure: the checks run after every step.
    const key = this.#id;
    const committed = this.#committed;
    if (!committed.includes(this.#localId)) {
      assert(false, `${key.topic}-${key.partition}: ISR [${committed}] lacks the leader`);
    }
    for (const id of committed) {
      if (!this.#replicas.includes(id))
        assert(false, `${key.topic}-${key.partition}: ISR outside the replicas`);
    }
    const proposal = this.#proposal.current;
    if (proposal !== null) {
      if (!proposal.isr.includes(this.#localId)) {
        assert(false, `${key.topic}-${key.partition}: proposal lacks the leader`);
      }
      if (proposal.item.partitionEpoch > this.#partitionEpoch) {
        assert(false, `${key.topic}-${key.partition}: proposal from later`);
      }
    }
  }
}
