// The model world's controller: one partition's registration and a broker registry with epochs,
// fencing on session timeout, unfencing, controlled shutdown, elections and AlterPartition answers,
// all through election.ts and alter-partition-decision.ts (the code under test).

import { ErrorCode } from "../../../../core/error-codes.ts";
import type { Millis, NodeId } from "../../../../core/ids.ts";
import { Outbox } from "../../../../core/outbox.ts";
import {
  checkRequestBroker,
  decideAlterPartition,
} from "../../../../core/replication/alter-partition-decision.ts";
import type { PartitionAssignment } from "../../../../core/replication/config.ts";
import {
  changeForBrokerRemoval,
  changeForBrokerUnfenced,
  changeForPreferredLeader,
  NO_LEADER,
  type PartitionChange,
  traceElection,
} from "../../../../core/replication/election.ts";
import type {
  AlterPartitionItem,
  AlterPartitionResult,
  BrokerEpoch,
} from "../../../../core/replication/messages.ts";
import type { BrokerRegistry, BrokerState } from "../../../../core/replication/replica-log.ts";
import type { ElectionReason } from "../../../../core/replication/trace-events.ts";

export interface ControllerOptions {
  readonly sessionTimeoutMs: Millis;
  /** How long a (re)registered broker stays fenced while it catches up with metadata. */
  readonly unfenceDelayMs: Millis;
  readonly uncleanAllowed: boolean;
  /**
   * A restarted broker keeps its ISR membership, and its leadership under a new leader epoch,
   * instead of being fenced first (what core/broker/controller.ts does today).
   */
  readonly keepRestartedBrokers: boolean;
}

interface BrokerEntry {
  brokerEpoch: BrokerEpoch;
  fenced: boolean;
  inControlledShutdown: boolean;
  /** Heartbeats reach the controller (up and not isolated). */
  reachable: boolean;
  changedAtMs: Millis;
}

export interface Election {
  readonly atMs: Millis;
  readonly leader: number;
  readonly leaderEpoch: number;
  readonly unclean: boolean;
}

export class ModelController implements BrokerRegistry {
  assignment: PartitionAssignment;
  /** partition epoch -> the ISR committed with it. */
  readonly isrHistory = new Map<number, readonly NodeId[]>();
  readonly elections: Election[] = [];
  readonly outbox = new Outbox();
  readonly #brokers = new Map<NodeId, BrokerEntry>();
  readonly #options: ControllerOptions;
  readonly #onChange: () => void;
  #nextBrokerEpoch = 100;

  constructor(replicas: readonly NodeId[], options: ControllerOptions, onChange: () => void) {
    this.#options = options;
    this.#onChange = onChange;
    for (const id of replicas) {
      this.#brokers.set(id, {
        brokerEpoch: this.#nextBrokerEpoch++,
        fenced: false,
        inControlledShutdown: false,
        reachable: true,
        changedAtMs: 0,
      });
    }
    this.assignment = {
      replicas,
      isr: replicas,
      leader: replicas[0]!,
      leaderEpoch: 0,
      partitionEpoch: 0,
    };
    this.isrHistory.set(0, replicas);
    this.elections.push({ atMs: 0, leader: replicas[0]!, leaderEpoch: 0, unclean: false });
  }

  get uncleanHappened(): boolean {
    return this.elections.some((e) => e.unclean);
  }

  broker(id: NodeId): BrokerState | undefined {
    const entry = this.#brokers.get(id);
    if (entry === undefined) return undefined;
    return {
      brokerEpoch: entry.brokerEpoch,
      fenced: entry.fenced,
      inControlledShutdown: entry.inControlledShutdown,
    };
  }

  /** A copy of the registry as a broker's metadata image holds it. */
  snapshot(): Map<NodeId, BrokerState> {
    const out = new Map<NodeId, BrokerState>();
    for (const id of this.#brokers.keys()) out.set(id, this.broker(id)!);
    return out;
  }

  isActive = (id: NodeId): boolean => {
    const entry = this.#brokers.get(id);
    return entry !== undefined && !entry.fenced && !entry.inControlledShutdown;
  };

  /** Heartbeats start or stop reaching the controller. */
  setReachable(now: Millis, id: NodeId, reachable: boolean): void {
    const entry = this.#brokers.get(id)!;
    if (entry.reachable === reachable) return;
    entry.reachable = reachable;
    entry.changedAtMs = now;
  }

  /** A new incarnation registers: the old one is fenced first (its session is gone), then a new epoch. */
  register(now: Millis, id: NodeId): BrokerEpoch {
    const entry = this.#brokers.get(id)!;
    if (!entry.fenced && !this.#options.keepRestartedBrokers) this.#fence(now, id, "broker-fenced");
    else if (!entry.fenced && this.assignment.leader === id) this.#bumpLeaderEpoch(now);
    entry.brokerEpoch = this.#nextBrokerEpoch++;
    entry.fenced = true;
    entry.inControlledShutdown = false;
    entry.reachable = true;
    entry.changedAtMs = now;
    this.#onChange();
    return entry.brokerEpoch;
  }

  /** The same leader in a new term: a restart is a new leader epoch (KIP-101 relies on it). */
  #bumpLeaderEpoch(now: Millis): void {
    const a = this.assignment;
    this.assignment = {
      ...a,
      leaderEpoch: a.leaderEpoch + 1,
      partitionEpoch: a.partitionEpoch + 1,
    };
    this.isrHistory.set(this.assignment.partitionEpoch, this.assignment.isr);
    this.elections.push({
      atMs: now,
      leader: a.leader,
      leaderEpoch: this.assignment.leaderEpoch,
      unclean: false,
    });
  }

  /** Session timeouts fence; returning brokers are unfenced; leaderless partitions may go unclean. */
  tick(now: Millis): void {
    for (const [id, entry] of this.#brokers) {
      const since = now - entry.changedAtMs;
      if (!entry.reachable && !entry.fenced && since >= this.#options.sessionTimeoutMs) {
        this.#fence(now, id, "broker-fenced");
      } else if (
        entry.reachable &&
        entry.fenced &&
        !entry.inControlledShutdown &&
        since >= this.#options.unfenceDelayMs
      ) {
        entry.fenced = false;
        this.#apply(
          now,
          changeForBrokerUnfenced(this.assignment, id, this.isActive, this.#options.uncleanAllowed),
          "broker-unfenced",
        );
        this.#onChange();
      }
    }
  }

  /** Fences now, as a session expiry would (scenario scripts). */
  fence(now: Millis, id: NodeId): void {
    if (!this.#brokers.get(id)!.fenced) this.#fence(now, id, "broker-fenced");
  }

  #fence(now: Millis, id: NodeId, reason: ElectionReason): void {
    const entry = this.#brokers.get(id)!;
    const change = changeForBrokerRemoval(
      this.assignment,
      id,
      this.isActive,
      this.#options.uncleanAllowed,
    );
    entry.fenced = true;
    entry.changedAtMs = now;
    this.#apply(now, change, reason);
    this.#onChange();
  }

  /** Controlled shutdown: leadership and ISR membership move away before the broker stops. */
  controlledShutdown(now: Millis, id: NodeId): void {
    const entry = this.#brokers.get(id)!;
    entry.inControlledShutdown = true;
    const change = changeForBrokerRemoval(
      this.assignment,
      id,
      this.isActive,
      this.#options.uncleanAllowed,
    );
    this.#apply(now, change, "controlled-shutdown");
    this.#onChange();
  }

  preferredElection(now: Millis): void {
    this.#apply(now, changeForPreferredLeader(this.assignment, this.isActive), "preferred");
    this.#onChange();
  }

  alterPartition(
    now: Millis,
    brokerId: NodeId,
    brokerEpoch: BrokerEpoch,
    item: AlterPartitionItem,
  ): AlterPartitionResult {
    const stale = checkRequestBroker(this, brokerId, brokerEpoch);
    if (stale !== ErrorCode.NONE) {
      return {
        topic: item.topic,
        topicId: item.topicId,
        partition: item.partition,
        errorCode: stale,
        leaderId: -1,
        leaderEpoch: -1,
        isr: [],
        partitionEpoch: -1,
      };
    }
    const decision = decideAlterPartition(brokerId, this.assignment, item, this);
    if (decision.change !== null) {
      this.#apply(now, decision.change, "alter-partition");
      this.#onChange();
    }
    return decision.result;
  }

  #apply(now: Millis, change: PartitionChange | null, reason: ElectionReason): void {
    if (change === null) return;
    this.assignment = change.after;
    this.isrHistory.set(change.after.partitionEpoch, change.after.isr);
    traceElection(this.outbox, "t", 0, change, reason);
    if (change.leaderChanged && change.after.leader !== NO_LEADER) {
      this.elections.push({
        atMs: now,
        leader: change.after.leader,
        leaderEpoch: change.after.leaderEpoch,
        unclean: change.unclean,
      });
    }
  }
}
