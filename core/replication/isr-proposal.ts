// An ISR change the leader asked the controller for (KIP-497): at most one per partition, made
// against the partition epoch the leader knows, resent when unanswered, and settled only by the
// controller's answer or by newer metadata. Until then the HW counts the larger ("maximal") ISR.

import { assert } from "../assert.ts";
import { ErrorCode } from "../error-codes.ts";
import type { Millis, NodeId } from "../ids.ts";
import type { Outbox } from "../outbox.ts";
import type { AlterPartitionItem } from "./messages.ts";

export type ProposalKind = "expand" | "shrink";

export interface IsrProposal {
  readonly kind: ProposalKind;
  readonly isr: readonly NodeId[];
  readonly item: AlterPartitionItem;
  /** When it is next handed to the broker to send (at once when created). */
  sendAtMs: Millis;
  /** Times it was handed out. */
  sends: number;
  /** The controller refused in a way only newer metadata settles: never resent. */
  awaitingMetadata: boolean;
}

export function newProposal(
  kind: ProposalKind,
  item: AlterPartitionItem,
  now: Millis,
): IsrProposal {
  assert(item.newIsr.length > 0, "an ISR proposal names at least the leader");
  return {
    kind,
    isr: item.newIsr.map((member) => member.brokerId),
    item,
    sendAtMs: now,
    sends: 0,
    awaitingMetadata: false,
  };
}

/** Whether an answer is about this very proposal (a resend carries the same item). */
export function sameItem(a: AlterPartitionItem, b: AlterPartitionItem): boolean {
  return (
    a.topicId === b.topicId &&
    a.partition === b.partition &&
    a.leaderEpoch === b.leaderEpoch &&
    a.partitionEpoch === b.partitionEpoch &&
    a.newIsr.length === b.newIsr.length &&
    a.newIsr.every(
      (m, i) => m.brokerId === b.newIsr[i]?.brokerId && m.brokerEpoch === b.newIsr[i]?.brokerEpoch,
    )
  );
}

/**
 * What a refused proposal becomes (Kafka's handleAlterPartitionError). "drop": the controller
 * says it did not apply it and our partition epoch is right, so the committed ISR stands and a
 * new proposal may follow. "await-metadata": we are stale; newer metadata will settle it.
 * "retry": the request never reached a controller that could decide.
 */
export function afterRefusal(errorCode: number): "drop" | "await-metadata" | "retry" {
  switch (errorCode) {
    case ErrorCode.INELIGIBLE_REPLICA:
    case ErrorCode.OPERATION_NOT_ATTEMPTED:
      return "drop";
    case ErrorCode.FENCED_LEADER_EPOCH:
    case ErrorCode.INVALID_UPDATE_VERSION:
    case ErrorCode.UNKNOWN_TOPIC_OR_PARTITION:
    case ErrorCode.UNKNOWN_TOPIC_ID:
    case ErrorCode.INVALID_REQUEST:
    case ErrorCode.NEW_LEADER_ELECTED:
      return "await-metadata";
    default:
      return "retry";
  }
}

/** Members of `isr` in assignment order (ISRs are kept ordered so equal sets compare equal). */
export function inAssignmentOrder(replicas: readonly NodeId[], isr: ReadonlySet<number>): NodeId[] {
  return replicas.filter((id) => isr.has(id));
}

/** The one proposal a leader may have in flight, and its resend schedule. */
export class IsrProposalSlot {
  #current: IsrProposal | null = null;

  get current(): IsrProposal | null {
    return this.#current;
  }

  propose(kind: ProposalKind, item: AlterPartitionItem, now: Millis): void {
    assert(this.#current === null, "a second ISR proposal while one is in flight");
    this.#current = newProposal(kind, item, now);
  }

  /** Settled: committed by the controller's answer or by metadata, or dropped. */
  clear(): void {
    this.#current = null;
  }

  /** Whether `sent` is the proposal in flight (so its answer counts). */
  matches(sent: AlterPartitionItem): boolean {
    return this.#current !== null && sameItem(this.#current.item, sent);
  }

  /** The item to send now (first time, or again once unanswered for timeoutMs), or null. */
  poll(now: Millis, timeoutMs: Millis, outbox: Outbox): AlterPartitionItem | null {
    const proposal = this.#current;
    if (proposal === null || proposal.awaitingMetadata || now < proposal.sendAtMs) return null;
    if (proposal.sends > 0) outbox.mark("alter-partition-resent");
    proposal.sends++;
    proposal.sendAtMs = now + timeoutMs;
    return proposal.item;
  }

  /** Send again after `delayMs` (the request was lost or could not be decided). */
  resendAfter(now: Millis, delayMs: Millis): void {
    const proposal = this.#current;
    if (proposal === null || proposal.awaitingMetadata) return;
    proposal.sendAtMs = now + delayMs;
  }

  /** Stop sending; only metadata with a newer partition or leader epoch settles it now. */
  awaitMetadata(): void {
    if (this.#current !== null) this.#current.awaitingMetadata = true;
  }

  /** When poll() next returns something, if ever. */
  dueMs(): Millis | null {
    const proposal = this.#current;
    return proposal === null || proposal.awaitingMetadata ? null : proposal.sendAtMs;
  }
}
