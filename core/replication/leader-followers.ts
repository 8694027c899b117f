// The leader's followers, one FollowerReplicaState per other replica of the assignment, and the
// ISR rules that read them: who may join (KIP-841, KIP-903), who lags (replica.lag.time.max.ms),
// and how low the high watermark must stay for the maximal ISR and for outsiders about to join.

import { assert } from "../assert.ts";
import type { Millis, NodeId, Offset } from "../ids.ts";
import { FollowerReplicaState, type FollowerReplicaView } from "./follower-replica-state.ts";
import type { BrokerRegistry } from "./replica-log.ts";

export class LeaderFollowers {
  readonly #localId: NodeId;
  readonly #brokers: BrokerRegistry;
  readonly #states = new Map<NodeId, FollowerReplicaState>();

  constructor(localId: NodeId, brokers: BrokerRegistry) {
    this.#localId = localId;
    this.#brokers = brokers;
  }

  get size(): number {
    return this.#states.size;
  }

  get(id: NodeId): FollowerReplicaState | undefined {
    return this.#states.get(id);
  }

  all(): IterableIterator<FollowerReplicaState> {
    return this.#states.values();
  }

  /** Kafka's resetReplicaState for a new leader epoch: positions unknown, ISR caught up now. */
  reset(now: Millis, replicas: readonly NodeId[], isr: readonly NodeId[]): void {
    this.#states.clear();
    for (const id of replicas) {
      if (id === this.#localId) continue;
      this.#states.set(id, new FollowerReplicaState(id, now, isr.includes(id)));
    }
  }

  /** The assignment changed within an epoch: track exactly the replicas it names. */
  match(now: Millis, replicas: readonly NodeId[]): void {
    for (const id of [...this.#states.keys()]) {
      if (!replicas.includes(id)) this.#states.delete(id);
    }
    for (const id of replicas) {
      if (id === this.#localId || this.#states.has(id)) continue;
      this.#states.set(id, new FollowerReplicaState(id, now, false));
    }
  }

  /** KIP-841 and KIP-903: unfenced, not shutting down, and fetching with its current epoch. */
  eligible(follower: FollowerReplicaState): boolean {
    const broker = this.#brokers.broker(follower.replicaId);
    if (broker === undefined || broker.fenced || broker.inControlledShutdown) return false;
    const fetched = follower.brokerEpoch;
    return fetched !== null && (fetched === -1 || fetched === broker.brokerEpoch);
  }

  /**
   * The lowest acknowledged end the HW must respect, starting from the leader's own: every member
   * of the maximal ISR, and every eligible outsider that is caught up (Kafka holds the HW for it so
   * it can join rather than chase a moving target). Unknown positions (-1) hold it where it is.
   */
  highWatermarkBound(
    leaderAckedEnd: Offset,
    maximalIsr: readonly NodeId[],
    logEndOffset: Offset,
    now: Millis,
    maxLagMs: Millis,
  ): Offset {
    let bound = leaderAckedEnd;
    for (const follower of this.#states.values()) {
      const holds =
        maximalIsr.includes(follower.replicaId) ||
        (follower.isCaughtUp(logEndOffset, now, maxLagMs) && this.eligible(follower));
      if (holds && follower.logEndOffset < bound) bound = follower.logEndOffset;
    }
    return bound;
  }

  /** ISR members (other than the leader) not caught up within maxLagMs. */
  lagging(isr: readonly NodeId[], logEndOffset: Offset, now: Millis, maxLagMs: Millis): NodeId[] {
    return isr.filter((id) => {
      if (id === this.#localId) return false;
      const follower = this.#states.get(id);
      return follower === undefined || !follower.isCaughtUp(logEndOffset, now, maxLagMs);
    });
  }

  /**
   * When a lag-driven change is next due: an ISR member dropping out (only while no proposal is
   * in flight, since none can be made until it settles), or a caught-up outsider's hold on the
   * HW expiring (only in the future: an expired hold changes nothing more).
   */
  nextDueMs(
    isr: readonly NodeId[],
    maximalIsr: readonly NodeId[],
    proposalInFlight: boolean,
    logEndOffset: Offset,
    maxLagMs: Millis,
    lastNowMs: Millis,
  ): Millis {
    let next = Number.POSITIVE_INFINITY;
    for (const follower of this.#states.values()) {
      const until = follower.caughtUpUntilMs(logEndOffset, maxLagMs);
      if (until === null) continue;
      if (isr.includes(follower.replicaId)) {
        if (!proposalInFlight) next = Math.min(next, until);
      } else if (!maximalIsr.includes(follower.replicaId) && until > lastNowMs) {
        next = Math.min(next, until);
      }
    }
    return next;
  }

  /** A member the controller put in the ISR counts as caught up from now. */
  markCaughtUpIfUnknown(isr: readonly NodeId[], now: Millis): void {
    for (const id of isr) {
      const follower = this.#states.get(id);
      if (follower !== undefined && follower.lastCaughtUpTimeMs === null) {
        follower.lastCaughtUpTimeMs = now;
      }
    }
  }

  views(): FollowerReplicaView[] {
    return [...this.#states.values()].map((f) => f.view());
  }

  checkInvariants(replicas: readonly NodeId[], logEndOffset: Offset): void {
    assert(!this.#states.has(this.#localId), "the leader tracks itself as a follower");
    for (const follower of this.#states.values()) {
      // Messages are built only on failure: these checks run after every step.
      if (!replicas.includes(follower.replicaId)) {
        assert(false, `follower ${follower.replicaId} not a replica`);
      }
      if (follower.logEndOffset > logEndOffset) {
        assert(false, `follower ${follower.replicaId} past the leader`);
      }
    }
  }
}
