// The active controller's cluster duties (KRaft's QuorumController: ClusterControlManager,
// BrokerHeartbeatManager, ReplicationControlManager): broker registration with epochs, heartbeats,
// fencing after the session timeout, controlled shutdown, unfencing once caught up, AlterPartition
// answers, preferred and unclean elections. Every decision is metadata records, answered once committed.

import { assert } from "../assert.ts";
import { ErrorCode } from "../error-codes.ts";
import type { Millis, NodeId } from "../ids.ts";
import { limits } from "../limits.ts";
import type {
  BrokerHeartbeatRequest,
  BrokerRegistrationRequest,
  EnvelopeRequest,
} from "../metadata/broker-lifecycle-messages.ts";
import type { MetadataRecord } from "../metadata/records.ts";
import {
  checkRequestBroker,
  decideAlterPartition,
} from "../replication/alter-partition-decision.ts";
import { partitionChangeRecord, traceElection } from "../replication/election.ts";
import type { AlterPartitionRequest, AlterPartitionResult } from "../replication/messages.ts";
import type { BrokerRegistry, BrokerState } from "../replication/replica-log.ts";
import type { BrokerContext } from "./broker-context.ts";
import {
  type ElectionEnv,
  fencedLeaders,
  preferredLeaderRecords,
  removalRecords,
  uncleanRecords,
  unfencedRecords,
} from "./controller-elections.ts";
import type { ControllerOutcome } from "./controller-ops.ts";
import { serveEnvelope } from "./envelope.ts";
import { ConfigResourceType, type MetadataImage } from "./metadata-image.ts";
import { resolveTopicConfig } from "./topic-config.ts";

const SESSION_CHECK = "qc:session-check";
const REBALANCE = "qc:rebalance";
/** How often session expiry and leaderless partitions are looked at. */
const SESSION_CHECK_INTERVAL_MS = 500;

interface Session {
  lastContactMs: Millis;
  shuttingDown: boolean;
}

function outcomeError(outcome: ControllerOutcome): ErrorCode {
  if (outcome === "committed") return ErrorCode.NONE;
  return outcome === "not-controller" ? ErrorCode.NOT_CONTROLLER : ErrorCode.REQUEST_TIMED_OUT;
}

export class QuorumController implements BrokerRegistry {
  readonly #ctx: BrokerContext;
  readonly #sessions = new Map<NodeId, Session>();
  #active = false;
  #lastSessionCheckMs: Millis = 0;
  #fencedCheckedAt = -1;

  constructor(ctx: BrokerContext) {
    this.#ctx = ctx;
  }

  get active(): boolean {
    return this.#active;
  }

  get #image(): MetadataImage {
    return this.#ctx.controller.image;
  }

  /** BrokerRegistry over the controller's image, with controlled shutdowns (kept in memory). */
  broker(id: NodeId): BrokerState | undefined {
    const b = this.#image.broker(id);
    if (b === undefined) return undefined;
    return { ...b, inControlledShutdown: this.#sessions.get(id)?.shuttingDown === true };
  }

  isActiveBroker = (id: NodeId): boolean => {
    const b = this.broker(id);
    return b !== undefined && !b.fenced && !b.inControlledShutdown;
  };

  #env(): ElectionEnv {
    return {
      image: this.#image,
      isActive: this.isActiveBroker,
      uncleanAllowed: (topic) =>
        resolveTopicConfig(this.#image.configs(ConfigResourceType.topic, topic), this.#ctx.config)
          .uncleanLeaderElectionEnable,
      outbox: this.#ctx.outbox,
    };
  }

  /** This node became the active controller: every broker gets a fresh session (KRaft does too). */
  activate(): void {
    assert(!this.#active, "activated twice");
    this.#active = true;
    this.#sessions.clear();
    const now = this.#ctx.mono.now;
    for (const b of this.#image.brokers()) {
      this.#sessions.set(b.brokerId, { lastContactMs: now, shuttingDown: false });
    }
    this.#ctx.timers.set(SESSION_CHECK, now + SESSION_CHECK_INTERVAL_MS);
    this.#lastSessionCheckMs = now;
    if (this.#ctx.config.autoLeaderRebalanceEnable) {
      this.#ctx.timers.set(REBALANCE, now + this.#ctx.config.leaderImbalanceCheckIntervalMs);
    }
    this.#ctx.outbox.mark("controller-activated");
  }

  deactivate(): void {
    this.#active = false;
    this.#sessions.clear();
    this.#ctx.timers.clear(SESSION_CHECK);
    this.#ctx.timers.clear(REBALANCE);
  }

  #submit(records: MetadataRecord[], done: (outcome: ControllerOutcome) => void): void {
    const timeoutMs = this.#ctx.config.brokerSessionTimeoutMs;
    this.#ctx.ops.submit(this.#ctx.now, records, timeoutMs, done);
  }

  #touch(id: NodeId): Session {
    let session = this.#sessions.get(id);
    if (session === undefined) {
      assert(this.#sessions.size < limits.connectionsMax, "broker sessions over limit");
      session = { lastContactMs: this.#ctx.mono.now, shuttingDown: false };
      this.#sessions.set(id, session);
    }
    session.lastContactMs = this.#ctx.mono.now;
    return session;
  }

  onRegistration(from: NodeId, req: BrokerRegistrationRequest): void {
    const answer = (errorCode: ErrorCode, brokerEpoch: number) =>
      this.#ctx.peers.send(from, {
        type: "broker-registration-response",
        correlationId: req.correlationId,
        errorCode,
        brokerEpoch,
      });
    if (!this.#active) {
      answer(ErrorCode.NOT_CONTROLLER, -1);
      return;
    }
    const existing = this.#image.broker(req.brokerId);
    if (existing !== undefined && existing.incarnationId === req.incarnationId) {
      // The same process asking again (its answer was lost): the same registration.
      this.#ctx.outbox.mark("broker-registration-repeated");
      answer(ErrorCode.NONE, existing.brokerEpoch);
      return;
    }
    // A new incarnation: the old one's leaderships and ISR places go first (it may have lost what it
    // had not synced), then the registration, fenced until the broker catches up (KIP-631).
    const removal =
      existing === undefined ? [] : removalRecords(this.#env(), req.brokerId, "broker-fenced");
    const brokerEpoch = this.#image.nextOffset + removal.length;
    const records: MetadataRecord[] = [
      ...removal,
      {
        type: "register-broker",
        brokerId: req.brokerId,
        incarnationId: req.incarnationId,
        brokerEpoch,
        listeners: req.listeners,
      },
    ];
    const session = this.#touch(req.brokerId);
    session.shuttingDown = false;
    this.#submit(records, (outcome) => {
      const errorCode = outcomeError(outcome);
      answer(errorCode, errorCode === ErrorCode.NONE ? brokerEpoch : -1);
    });
  }

  onHeartbeat(from: NodeId, req: BrokerHeartbeatRequest): void {
    const answer = (errorCode: ErrorCode, shouldShutDown = false) => {
      const b = this.#image.broker(req.brokerId);
      this.#ctx.peers.send(from, {
        type: "broker-heartbeat-response",
        correlationId: req.correlationId,
        errorCode,
        isCaughtUp: req.currentMetadataOffset > req.brokerEpoch,
        isFenced: b === undefined || b.fenced,
        shouldShutDown,
      });
    };
    if (!this.#active) {
      answer(ErrorCode.NOT_CONTROLLER);
      return;
    }
    const registered = this.#image.broker(req.brokerId);
    if (registered === undefined || registered.brokerEpoch !== req.brokerEpoch) {
      answer(ErrorCode.STALE_BROKER_EPOCH);
      return;
    }
    const session = this.#touch(req.brokerId);
    const records: MetadataRecord[] = [];
    let shouldShutDown = false;
    if (req.wantShutDown) {
      if (!session.shuttingDown) this.#ctx.outbox.mark("controlled-shutdown-started");
      session.shuttingDown = true;
      records.push(...removalRecords(this.#env(), req.brokerId, "controlled-shutdown"));
      if (!registered.fenced) records.push(this.#fenceRecord(req.brokerId));
      shouldShutDown = true;
    } else if (registered.fenced && !req.wantFence && req.currentMetadataOffset > req.brokerEpoch) {
      records.push({
        type: "unfence-broker",
        brokerId: req.brokerId,
        brokerEpoch: req.brokerEpoch,
      });
      records.push(...unfencedRecords(this.#env(), req.brokerId));
    } else if (!registered.fenced && req.wantFence) {
      this.#ctx.outbox.mark("broker-asked-to-be-fenced");
      records.push(...removalRecords(this.#env(), req.brokerId, "broker-fenced"));
      records.push(this.#fenceRecord(req.brokerId));
    }
    this.#submit(records, (outcome) => {
      const errorCode = outcomeError(outcome);
      answer(errorCode, errorCode === ErrorCode.NONE && shouldShutDown);
    });
  }

  #fenceRecord(brokerId: NodeId): MetadataRecord {
    const b = this.#image.broker(brokerId);
    assert(b !== undefined, `fencing unregistered broker ${brokerId}`);
    return { type: "fence-broker", brokerId, brokerEpoch: b.brokerEpoch };
  }

  onAlterPartition(from: NodeId, req: AlterPartitionRequest): void {
    const answer = (errorCode: ErrorCode, partitions: AlterPartitionResult[]) =>
      this.#ctx.peers.send(from, {
        type: "alter-partition-response",
        correlationId: req.correlationId,
        errorCode,
        partitions,
      });
    if (!this.#active) {
      answer(ErrorCode.NOT_CONTROLLER, []);
      return;
    }
    const stale = checkRequestBroker(this, req.brokerId, req.brokerEpoch);
    if (stale !== ErrorCode.NONE) {
      this.#ctx.outbox.mark("alter-partition-stale-broker-epoch");
      answer(stale, []);
      return;
    }
    const results: AlterPartitionResult[] = [];
    const records: MetadataRecord[] = [];
    const decided = new Set<string>();
    for (const item of req.partitions) {
      const key = `${item.topicId}:${item.partition}`;
      const state = decided.has(key)
        ? undefined
        : this.#image.topicById(item.topicId)?.partitions[item.partition];
      decided.add(key);
      const decision = decideAlterPartition(req.brokerId, state, item, this);
      results.push(decision.result);
      if (decision.change === null || state === undefined) continue;
      traceElection(
        this.#ctx.outbox,
        state.topic,
        state.partition,
        decision.change,
        "alter-partition",
      );
      records.push(partitionChangeRecord(item.topicId, item.partition, decision.change));
    }
    this.#submit(records, (outcome) => {
      const errorCode = outcomeError(outcome);
      answer(errorCode, errorCode === ErrorCode.NONE ? results : []);
    });
  }

  onEnvelope(from: NodeId, req: EnvelopeRequest): void {
    serveEnvelope(this.#ctx, from, req, this.#active);
  }

  /** Handles a due timer if it is one of ours; false otherwise. */
  onTimer(key: string): boolean {
    if (key === SESSION_CHECK) {
      if (this.#active) {
        this.#expireSessions();
        this.#ctx.timers.set(SESSION_CHECK, this.#ctx.mono.now + SESSION_CHECK_INTERVAL_MS);
      }
      return true;
    }
    if (key === REBALANCE) {
      if (this.#active) {
        const records = preferredLeaderRecords(this.#env());
        if (records.length > 0) this.#submit(records, () => {});
        this.#ctx.timers.set(
          REBALANCE,
          this.#ctx.mono.now + this.#ctx.config.leaderImbalanceCheckIntervalMs,
        );
      }
      return true;
    }
    return false;
  }

  /**
   * Brokers silent for the session timeout are fenced and their leaderships move (KIP-631). Time
   * the controller itself did not run (a pause, its clock jumping ahead) does not count against
   * them: their heartbeats may be waiting unread.
   */
  #expireSessions(): void {
    const now = this.#ctx.mono.now;
    const missed = now - this.#lastSessionCheckMs - this.#ctx.config.brokerHeartbeatIntervalMs;
    this.#lastSessionCheckMs = now;
    if (missed > 0) {
      this.#ctx.outbox.mark("controller-missed-time-extends-sessions");
      for (const session of this.#sessions.values()) session.lastContactMs += missed;
    }
    for (const b of this.#image.brokers()) {
      if (b.fenced) continue;
      const session = this.#sessions.get(b.brokerId) ?? this.#touch(b.brokerId);
      if (now - session.lastContactMs <= this.#ctx.config.brokerSessionTimeoutMs) continue;
      this.#ctx.outbox.trace({
        type: "broker-session-expired",
        brokerId: b.brokerId,
        brokerEpoch: b.brokerEpoch,
        silentMs: now - session.lastContactMs,
      });
      const records = removalRecords(this.#env(), b.brokerId, "broker-fenced");
      records.push(this.#fenceRecord(b.brokerId));
      this.#submit(records, () => {});
    }
    const unclean = uncleanRecords(this.#env());
    if (unclean.length > 0) this.#submit(unclean, () => {});
  }

  /** For the view: brokers in a controlled shutdown. */
  shuttingDown(): NodeId[] {
    return [...this.#sessions].filter(([, s]) => s.shuttingDown).map(([id]) => id);
  }

  checkInvariants(): void {
    if (!this.#active) return;
    assert(this.#sessions.size <= limits.connectionsMax, "broker sessions over limit");
    if (this.#image.nextOffset === this.#fencedCheckedAt) return;
    this.#fencedCheckedAt = this.#image.nextOffset;
    const fenced = fencedLeaders(this.#image);
    assert(fenced.length === 0, `fenced brokers lead in the controller's image: ${fenced}`);
  }
}
