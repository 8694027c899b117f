// The broker's side of KIP-631 (Kafka's BrokerLifecycleManager): register this incarnation with the
// active controller to get a broker epoch, then heartbeat every broker.heartbeat.interval.ms with
// the metadata offset applied, asking to stay fenced until its logs are loaded, and to shut down.
// One request in flight; a lost, refused or unanswered one is retried with a growing backoff.

import { assert } from "../assert.ts";
import { ErrorCode } from "../error-codes.ts";
import type { Millis, NodeId } from "../ids.ts";
import type {
  BrokerHeartbeatResponse,
  BrokerRegistrationResponse,
} from "../metadata/broker-lifecycle-messages.ts";
import type { BrokerListener } from "../metadata/records.ts";
import type { BrokerContext } from "./broker-context.ts";
import { freshId } from "./replica-placement.ts";

const RETRY = "lifecycle:retry";
const HEARTBEAT = "lifecycle:heartbeat";
const TIMEOUT = "lifecycle:timeout";
const LEASE = "lifecycle:lease";
const RETRY_BACKOFF_MS = 100;
/**
 * A broker counts on its session only for this share of broker.session.timeout.ms after it sent
 * a heartbeat the controller answered: the controller fences it no earlier than the full timeout
 * after receiving that heartbeat, and the margin covers clocks running at different rates.
 */
const LEASE_SHARE = 0.8;
const RETRY_BACKOFF_MAX_MS = 2_000;

interface InFlight {
  readonly kind: "registration" | "heartbeat";
  readonly correlationId: number;
  readonly to: NodeId;
  readonly sentAt: Millis;
}

export type LifecycleState =
  /** No broker epoch yet: registration goes to the controller as soon as one is known. */
  | "unregistered"
  /** Registered: heartbeats carry the broker epoch. */
  | "registered"
  /** The controller moved everything away: the broker may stop. */
  | "shut-down";

export class BrokerLifecycle {
  readonly #ctx: BrokerContext;
  readonly incarnationId: string;
  #state: LifecycleState = "unregistered";
  #brokerEpoch = -1;
  #inFlight: InFlight | null = null;
  #failures = 0;
  #retryAt: Millis = 0;
  #heartbeatDue = true;
  /** Logs are not loaded yet (or a log directory failed): heartbeats ask to stay fenced. */
  wantFence = true;
  #wantShutDown = false;
  /** The controller's last word on this broker. */
  #fencedByController = true;
  /** Until when the controller surely still counts this broker's session as alive. */
  #leaseUntil: Millis = Number.NEGATIVE_INFINITY;

  constructor(ctx: BrokerContext, listeners: readonly BrokerListener[]) {
    this.#ctx = ctx;
    this.incarnationId = freshId(ctx.rng, "incarnation-id", () => false);
    this.#listeners = listeners;
  }

  readonly #listeners: readonly BrokerListener[];

  get state(): LifecycleState {
    return this.#state;
  }

  /** This incarnation's broker epoch, -1 before it is registered. */
  get brokerEpoch(): number {
    return this.#brokerEpoch;
  }

  get fencedByController(): boolean {
    return this.#fencedByController;
  }

  get wantShutDown(): boolean {
    return this.#wantShutDown;
  }

  /**
   * Whether the controller has not fenced this broker for silence yet (its last answered heartbeat
   * is recent). A broker past its lease may have lost its leaderships without knowing it: it stops
   * leading (no zombie leader answering from a stale log) until a heartbeat is answered again.
   */
  leaseValid(now: Millis): boolean {
    return this.#brokerEpoch >= 0 && now < this.#leaseUntil;
  }

  /** Something worth telling the controller at once (logs loaded, shutdown asked). */
  heartbeatNow(): void {
    this.#heartbeatDue = true;
    this.#ctx.timers.clear(HEARTBEAT);
  }

  beginShutdown(): void {
    this.#wantShutDown = true;
    this.heartbeatNow();
  }

  /** Sends the next request when one is due and a controller is known. */
  poll(): void {
    const ctx = this.#ctx;
    if (this.#inFlight !== null || this.#state === "shut-down") return;
    const now = ctx.mono.now;
    if (now < this.#retryAt) return;
    if (this.#state === "registered" && !this.#heartbeatDue) return;
    const controller = ctx.ops.controllerId();
    if (controller < 0) {
      // No controller known yet: the quorum's own progress (elections, fetches) brings one.
      this.#backoff("lifecycle-no-controller");
      return;
    }
    const correlationId = ctx.peers.nextCorrelationId();
    const to = controller as NodeId;
    if (this.#state === "unregistered") {
      this.#inFlight = { kind: "registration", correlationId, to, sentAt: now };
      ctx.peers.send(to, {
        type: "broker-registration-request",
        correlationId,
        brokerId: ctx.config.nodeId,
        incarnationId: this.incarnationId,
        listeners: this.#listeners,
      });
    } else {
      this.#heartbeatDue = false;
      this.#inFlight = { kind: "heartbeat", correlationId, to, sentAt: now };
      ctx.peers.send(to, {
        type: "broker-heartbeat-request",
        correlationId,
        brokerId: ctx.config.nodeId,
        brokerEpoch: this.#brokerEpoch,
        currentMetadataOffset: ctx.image.nextOffset,
        wantFence: this.wantFence,
        wantShutDown: this.#wantShutDown,
      });
    }
    ctx.timers.set(TIMEOUT, now + 2 * ctx.config.brokerHeartbeatIntervalMs);
  }

  onRegistrationResponse(msg: BrokerRegistrationResponse): void {
    if (!this.#answers(msg.correlationId, "registration")) return;
    if (msg.errorCode !== ErrorCode.NONE) {
      this.#backoff(`lifecycle-registration-${msg.errorCode}`);
      return;
    }
    assert(msg.brokerEpoch >= 0, "a registration without a broker epoch");
    this.#failures = 0;
    this.#state = "registered";
    this.#brokerEpoch = msg.brokerEpoch;
    this.#ctx.outbox.trace({
      type: "broker-registered",
      brokerEpoch: msg.brokerEpoch,
      incarnationId: this.incarnationId,
    });
    this.heartbeatNow();
  }

  onHeartbeatResponse(msg: BrokerHeartbeatResponse): void {
    const sentAt = this.#inFlight?.sentAt ?? Number.NEGATIVE_INFINITY;
    if (!this.#answers(msg.correlationId, "heartbeat")) return;
    const ctx = this.#ctx;
    if (msg.errorCode === ErrorCode.STALE_BROKER_EPOCH) {
      // The controller knows another registration of ours (or none): register again.
      ctx.outbox.mark("broker-reregistering");
      this.#state = "unregistered";
      this.#brokerEpoch = -1;
      this.#leaseChanged("broker-lease-lost-with-registration");
      return;
    }
    if (msg.errorCode !== ErrorCode.NONE) {
      this.#heartbeatDue = true;
      this.#backoff(`lifecycle-heartbeat-${msg.errorCode}`);
      return;
    }
    this.#failures = 0;
    this.#fencedByController = msg.isFenced;
    this.#renewLease(sentAt + LEASE_SHARE * ctx.config.brokerSessionTimeoutMs);
    if (msg.shouldShutDown && this.#wantShutDown) {
      this.#state = "shut-down";
      ctx.outbox.mark("controlled-shutdown-complete");
      return;
    }
    ctx.timers.set(HEARTBEAT, ctx.mono.now + ctx.config.brokerHeartbeatIntervalMs);
  }

  #renewLease(until: Millis): void {
    const ctx = this.#ctx;
    const wasValid = this.leaseValid(ctx.mono.now);
    this.#leaseUntil = Math.max(this.#leaseUntil, until);
    ctx.timers.set(LEASE, this.#leaseUntil);
    if (!wasValid && this.leaseValid(ctx.mono.now)) this.#leaseChanged("broker-lease-renewed");
  }

  /** Every hosted replica reconsiders whether it may lead. */
  #leaseChanged(mark: string): void {
    const ctx = this.#ctx;
    ctx.outbox.mark(mark);
    for (const p of ctx.replicas.hostedPartitions()) ctx.replicas.touch(p);
  }

  #answers(correlationId: number, kind: InFlight["kind"]): boolean {
    const inFlight = this.#inFlight;
    if (inFlight === null || inFlight.correlationId !== correlationId || inFlight.kind !== kind) {
      this.#ctx.outbox.mark("lifecycle-stale-response");
      return false;
    }
    this.#inFlight = null;
    this.#ctx.timers.clear(TIMEOUT);
    return true;
  }

  #backoff(mark: string): void {
    const ctx = this.#ctx;
    ctx.outbox.mark(mark);
    this.#failures++;
    const wait = Math.min(
      RETRY_BACKOFF_MAX_MS,
      RETRY_BACKOFF_MS * 2 ** Math.min(this.#failures - 1, 8),
    );
    this.#retryAt = ctx.mono.now + wait;
    ctx.timers.set(RETRY, this.#retryAt);
  }

  onPeerUnreachable(peer: NodeId): void {
    if (this.#inFlight?.to !== peer) return;
    if (this.#inFlight.kind === "heartbeat") this.#heartbeatDue = true;
    this.#inFlight = null;
    this.#ctx.timers.clear(TIMEOUT);
    this.#backoff("lifecycle-controller-unreachable");
  }

  onTimer(key: string): boolean {
    if (key === LEASE) {
      if (!this.leaseValid(this.#ctx.mono.now)) this.#leaseChanged("broker-lease-expired");
      return true;
    }
    if (key === HEARTBEAT) {
      this.#heartbeatDue = true;
      return true;
    }
    if (key === RETRY) return true;
    if (key !== TIMEOUT) return false;
    if (this.#inFlight !== null) {
      if (this.#inFlight.kind === "heartbeat") this.#heartbeatDue = true;
      this.#inFlight = null;
      this.#backoff("lifecycle-request-timed-out");
    }
    return true;
  }

  checkInvariants(): void {
    assert((this.#state === "unregistered") === this.#brokerEpoch < 0, "epoch and state disagree");
    if (this.#inFlight !== null) assert(this.#ctx.timers.has(TIMEOUT), "request without timeout");
  }
}
