// A consumer's membership of a classic group (Java's ConsumerCoordinator): find the coordinator,
// JoinGroup (MEMBER_ID_REQUIRED rejoin), the leader runs the assignor, SyncGroup, heartbeats, and
// the rebalance callbacks of the eager and cooperative (KIP-429) protocols. Keeps: the member owns
// partitions only under the generation it last synced; any doubt about it revokes them as lost.

import { assert } from "../assert.ts";
import { ErrorCode, errorName } from "../error-codes.ts";
import type { Millis, NodeId } from "../ids.ts";
import type { Outbox } from "../outbox.ts";
import type {
  ClientRequest,
  FindCoordinatorResponse,
  HeartbeatResponse,
  JoinGroupResponse,
  SyncGroupResponse,
} from "../protocol/index.ts";
import type { Rng } from "../rng.ts";
import { assignorByName } from "./assignors/index.ts";
import type { ConsumerConfig } from "./client-config.ts";
import { backoffMs, type ClientNetwork } from "./client-network.ts";
import type { ConsumerHistory } from "./consumer-history.ts";
import { CoordinatorLookup } from "./coordinator-lookup.ts";
import { decodeOwned, leaderAssignments, subscriptionBytes } from "./group-assignment.ts";
import {
  classifyGroupError,
  type GroupErrorClass,
  type GroupTag,
  keysOf,
  minus,
  type OwnedPartition,
} from "./group-requests.ts";
import type { GroupStamp, RebalanceProtocol } from "./history.ts";
import type { MetadataCache } from "./metadata-cache.ts";
import type { KeyMap } from "./workload-keys.ts";

/** unjoined: must (re)join; fenced/failed: Java would have thrown, the member is out for good. */
export type MemberState = "unjoined" | "joining" | "syncing" | "stable" | "fenced" | "failed";

/** What the member asks of its consumer when the assignment changes. */
export interface GroupHost {
  /** The consumer now reads exactly `owned`; `added` wait for their committed offsets. */
  setOwned(now: Millis, owned: readonly OwnedPartition[], added: readonly OwnedPartition[]): void;
  /** Before an eager revocation: auto-commit what was consumed (Java's onJoinPrepare). */
  beforeRevoke(now: Millis): void;
  /** OffsetCommits still unanswered: a join waits for them (Java commits synchronously first). */
  commitsInFlight(): number;
}

export interface GroupMemberParts<Tag> {
  readonly config: ConsumerConfig;
  readonly rng: Rng;
  readonly network: ClientNetwork<Tag>;
  readonly metadata: MetadataCache;
  readonly outbox: Outbox;
  readonly keyMap: KeyMap;
  readonly history: ConsumerHistory;
  readonly host: GroupHost;
  readonly wrap: (tag: GroupTag) => Tag;
}

/** Requests the member keeps in flight to its coordinator (join, sync, heartbeat, commits). */
export const coordinatorInFlightMax = 5;
const maxInFlight = coordinatorInFlightMax;
/** How much longer than the rebalance timeout a member waits for its JoinGroup answer (Java's). */
const JOIN_GROUP_TIMEOUT_LAPSE_MS = 5_000;

export class GroupMember<Tag> {
  readonly groupId: string;
  readonly protocol: RebalanceProtocol;
  readonly #p: GroupMemberParts<Tag>;
  #topics: readonly string[] = [];
  readonly #lookup: CoordinatorLookup<Tag>;
  #state: MemberState = "unjoined";
  #memberId = "";
  #generation = -1;
  #rejoinNeeded = false;
  #joinFailures = 0;
  #joinBackoffUntilMs: Millis = 0;
  #owned: OwnedPartition[] = [];
  #ownedGeneration = -1;
  #heartbeatInFlight = false;
  #nextHeartbeatMs: Millis = 0;
  #lastHeartbeatOkMs: Millis = 0;
  /** When the application last polled, and whether the member left for lack of polls. */
  #lastPollMs: Millis = 0;
  #waitingForPoll = false;
  /** Keys whose ownership changed since the consumer last asked (Jepsen's rebalance log). */
  #rebalanced = new Set<number>();

  constructor(parts: GroupMemberParts<Tag>) {
    const groupId = parts.config.groupId;
    assert(groupId !== null, "a group member needs group.id");
    this.groupId = groupId;
    this.#p = parts;
    this.#lookup = new CoordinatorLookup<Tag>(parts, groupId, maxInFlight);
    const strategy = parts.config.partitionAssignmentStrategy;
    for (const name of strategy) assert(assignorByName(name) !== undefined, `assignor ${name}`);
    const cooperative = strategy.every(
      (n) => assignorByName(n)?.rebalanceProtocol === "cooperative",
    );
    this.protocol = cooperative ? "cooperative" : "eager";
  }

  get state(): MemberState {
    return this.#state;
  }

  get subscribed(): boolean {
    return this.#topics.length > 0;
  }

  get coordinator(): NodeId | undefined {
    return this.#lookup.coordinator;
  }

  get owned(): readonly OwnedPartition[] {
    return this.#owned;
  }

  /** The member as a commit or a poll records it. */
  stamp(): GroupStamp {
    const instance = this.#p.config.groupInstanceId;
    return {
      groupId: this.groupId,
      memberId: this.#memberId,
      groupInstanceId: instance,
      generation: this.#generation,
    };
  }

  /** Whether commits may go out: the member believes it is in a stable generation. */
  get stable(): boolean {
    return this.#state === "stable" && this.#generation >= 0;
  }

  takeRebalancedKeys(): number[] {
    const keys = [...this.#rebalanced].sort((a, b) => a - b);
    this.#rebalanced.clear();
    return keys;
  }

  /**
   * The application called poll() (Java's poll timer, max.poll.interval.ms). A member that left
   * because the application stopped polling rejoins from here.
   */
  polled(now: Millis): void {
    this.#lastPollMs = now;
    this.#waitingForPoll = false;
  }

  subscribe(now: Millis, topics: readonly string[]): void {
    assert(topics.length > 0, "subscribe to no topics");
    this.#lastPollMs = now;
    this.#topics = [...new Set(topics)].sort();
    for (const topic of this.#topics) this.#p.metadata.addTopic(topic);
    this.#rejoinNeeded = true;
  }

  run(now: Millis): void {
    if (!this.subscribed || this.#state === "fenced" || this.#state === "failed") return;
    if (this.#pollTimedOut(now)) {
      this.#leaveOnPollTimeout(now);
      return;
    }
    if (this.#lookup.coordinator === undefined) {
      this.#lookup.maybeSend(now);
      return;
    }
    if (
      this.#state === "stable" &&
      now - this.#lastHeartbeatOkMs >= this.#p.config.sessionTimeoutMs
    ) {
      // Java marks the coordinator unknown when no heartbeat got through for a session timeout.
      this.#p.outbox.mark("consumer-heartbeat-session-expired");
      this.coordinatorUnknown();
      this.#lookup.maybeSend(now);
      return;
    }
    if (this.#rejoinNeeded && (this.#state === "unjoined" || this.#state === "stable")) {
      this.#maybeJoin(now);
    }
    if (this.#state === "stable") this.#maybeHeartbeat(now);
  }

  /** The coordinator is gone (error, lost connection): find it again; membership stays. */
  coordinatorUnknown(): void {
    if (this.#lookup.coordinator === undefined) return;
    this.#lookup.coordinator = undefined;
    this.#heartbeatInFlight = false;
    if (this.#state === "joining" || this.#state === "syncing") {
      this.#state = "unjoined";
      this.#rejoinNeeded = true;
    }
  }

  onFindCoordinator(now: Millis, body: FindCoordinatorResponse | undefined): void {
    this.#lookup.onResponse(now, body);
    // Java resets the session timer once the coordinator is found: the next heartbeat decides.
    if (this.#lookup.coordinator !== undefined) this.#lastHeartbeatOkMs = now;
  }

  #backoff(name: string, attempt: number): Millis {
    const c = this.#p.config;
    return backoffMs(this.#p.rng, name, c.retryBackoffMs, c.retryBackoffMaxMs, attempt);
  }

  #sendToCoordinator(
    now: Millis,
    body: ClientRequest["body"],
    api: ClientRequest["api"],
    tag: GroupTag,
    timeoutMs?: Millis,
  ): boolean {
    const node = this.#lookup.coordinator;
    if (node === undefined || !this.#p.network.canSend(now, node, maxInFlight)) return false;
    const wrapped = this.#p.wrap(tag);
    this.#p.network.send(now, this.#p.outbox, node, body, api, wrapped, true, timeoutMs);
    return true;
  }

  #maybeJoin(now: Millis): void {
    if (now < this.#joinBackoffUntilMs || this.#waitingForPoll) return;
    const counts = this.#topics.map((t) => this.#p.metadata.partitionCount(t));
    if (counts.some((c) => c === undefined)) return; // Java joins once the metadata knows them
    const body = {
      groupId: this.groupId,
      sessionTimeoutMs: this.#p.config.sessionTimeoutMs,
      rebalanceTimeoutMs: this.#p.config.maxPollIntervalMs,
      memberId: this.#memberId,
      groupInstanceId: this.#p.config.groupInstanceId,
      protocolType: "consumer",
      protocols: this.#p.config.partitionAssignmentStrategy.map((name) => ({
        name,
        metadata: subscriptionBytes(this.#topics, this.#owned, this.#ownedGeneration),
      })),
      requireKnownMemberId: true,
    };
    if (!this.#canSendNow(now)) return;
    if (this.protocol === "eager" && this.#owned.length > 0) {
      this.#p.host.beforeRevoke(now);
      this.#callback(now, "revoked", this.#owned, []);
    }
    if (this.#p.host.commitsInFlight() > 0) {
      // A commit landing after the next generation fetched its offsets would be lost to the
      // partition's next owner, which might then commit below it.
      this.#p.outbox.mark("consumer-join-waits-for-commits");
      return;
    }
    // The coordinator holds a JoinGroup until the rebalance completes (up to the rebalance timeout,
    // and the initial delay): Java waits for it that long plus JOIN_GROUP_TIMEOUT_LAPSE (5 s).
    const c = this.#p.config;
    const joinTimeoutMs = Math.max(
      c.requestTimeoutMs,
      c.maxPollIntervalMs + JOIN_GROUP_TIMEOUT_LAPSE_MS,
    );
    this.#sendToCoordinator(now, body, "JoinGroup", { type: "join-group" }, joinTimeoutMs);
    this.#state = "joining";
    this.#rejoinNeeded = false;
  }

  #canSendNow(now: Millis): boolean {
    const node = this.#lookup.coordinator;
    return node !== undefined && this.#p.network.canSend(now, node, maxInFlight);
  }

  onJoinGroup(now: Millis, body: JoinGroupResponse): void {
    if (this.#state !== "joining") {
      this.#p.outbox.mark("consumer-stale-join-answer");
      return;
    }
    if (body.errorCode === ErrorCode.MEMBER_ID_REQUIRED) {
      // KIP-394: the coordinator hands out the member id; join again with it at once.
      this.#p.outbox.mark("consumer-member-id-required");
      this.#memberId = body.memberId;
      this.#state = "unjoined";
      this.#rejoinNeeded = true;
      return;
    }
    if (body.errorCode !== ErrorCode.NONE) {
      this.#onError(now, body.errorCode);
      return;
    }
    this.#memberId = body.memberId;
    this.#generation = body.generationId;
    this.#joinFailures = 0;
    const assignments =
      body.leader === body.memberId
        ? leaderAssignments(
            body,
            (topic) => this.#p.metadata.partitionCount(topic),
            (name) => this.#p.outbox.mark(name),
          )
        : [];
    if (assignments === undefined) {
      this.#fail("consumer-assignor-unknown");
      return;
    }
    const sync = {
      groupId: this.groupId,
      generationId: this.#generation,
      memberId: this.#memberId,
      groupInstanceId: this.#p.config.groupInstanceId,
      assignments,
    };
    this.#state = "syncing";
    const tag = { type: "sync-group", generation: this.#generation } as const;
    if (!this.#sendToCoordinator(now, sync, "SyncGroup", tag)) {
      this.#state = "unjoined";
      this.#rejoinNeeded = true;
    }
  }

  onSyncGroup(now: Millis, generation: number, body: SyncGroupResponse): void {
    if (this.#state !== "syncing" || generation !== this.#generation) {
      this.#p.outbox.mark("consumer-stale-sync-answer");
      return;
    }
    if (body.errorCode !== ErrorCode.NONE) {
      this.#onError(now, body.errorCode);
      return;
    }
    const assigned = decodeOwned(body.assignment, this.#p.keyMap, (name) =>
      this.#p.outbox.mark(name),
    );
    if (assigned === undefined) {
      this.#fail("consumer-bad-assignment");
      return;
    }
    this.#state = "stable";
    this.#lastHeartbeatOkMs = now;
    this.#nextHeartbeatMs = now + this.#p.config.heartbeatIntervalMs;
    const revoked = minus(this.#owned, assigned);
    if (revoked.length > 0) {
      // KIP-429: revoke what moved, then rejoin so the partitions can go to their new owner.
      this.#p.outbox.mark("consumer-cooperative-revoke");
      this.#callback(now, "revoked", revoked, minus(this.#owned, revoked));
      this.#rejoinNeeded = true;
    }
    const added = minus(assigned, this.#owned);
    this.#ownedGeneration = this.#generation;
    this.#callback(now, "assigned", added, assigned);
  }

  #maybeHeartbeat(now: Millis): void {
    if (this.#heartbeatInFlight || now < this.#nextHeartbeatMs) return;
    const body = {
      groupId: this.groupId,
      generationId: this.#generation,
      memberId: this.#memberId,
      groupInstanceId: this.#p.config.groupInstanceId,
    };
    const tag = { type: "heartbeat", generation: this.#generation } as const;
    if (this.#sendToCoordinator(now, body, "Heartbeat", tag)) this.#heartbeatInFlight = true;
  }

  onHeartbeat(now: Millis, generation: number, body: HeartbeatResponse | undefined): void {
    this.#heartbeatInFlight = false;
    this.#nextHeartbeatMs = now + this.#p.config.heartbeatIntervalMs;
    if (generation !== this.#generation || this.#state !== "stable") return;
    if (body === undefined) {
      this.coordinatorUnknown();
      return;
    }
    if (body.errorCode === ErrorCode.NONE) {
      this.#lastHeartbeatOkMs = now;
      return;
    }
    this.#onError(now, body.errorCode);
  }

  /** A request of this member failed with a group error: Java's reaction to it. */
  #onError(now: Millis, errorCode: number): void {
    const kind: GroupErrorClass = classifyGroupError(errorCode);
    this.#p.outbox.mark(`consumer-group-error-${kind}`);
    const inRebalance = this.#state === "joining" || this.#state === "syncing";
    switch (kind) {
      case "coordinator-moved":
        this.coordinatorUnknown();
        return;
      case "retry":
        if (inRebalance) this.#retryJoin(now);
        return;
      case "rejoin":
        this.#rejoinNeeded = true;
        if (inRebalance) this.#state = "unjoined";
        return;
      case "reset-generation":
      case "reset-member":
        this.#lose(now);
        if (kind === "reset-member") this.#memberId = "";
        this.#state = "unjoined";
        this.#rejoinNeeded = true;
        return;
      case "fenced":
        this.#lose(now);
        this.#state = "fenced";
        return;
      case "fatal":
        this.#fail(`consumer-group-fatal-${errorName(errorCode)}`);
        return;
    }
  }

  /** An error about a request sent under `stamp` (a commit): react only if it is still ours. */
  onRequestError(now: Millis, stamp: GroupStamp, errorCode: number): void {
    if (stamp.generation !== this.#generation || stamp.memberId !== this.#memberId) return;
    if (this.#state === "fenced" || this.#state === "failed") return;
    this.#onError(now, errorCode);
  }

  #retryJoin(now: Millis): void {
    this.#joinFailures++;
    this.#joinBackoffUntilMs = now + this.#backoff("consumer-join-backoff", this.#joinFailures);
    this.#state = "unjoined";
    this.#rejoinNeeded = true;
  }

  /** A join or sync answer that never came: the request is gone; rejoin (after a rediscovery). */
  lostRebalanceRequest(): void {
    if (this.#state === "joining" || this.#state === "syncing") this.coordinatorUnknown();
  }

  lostFind(now: Millis): void {
    this.onFindCoordinator(now, undefined);
  }

  /** onPartitionsLost: the generation is gone; whatever we owned may be another member's now. */
  #lose(now: Millis): void {
    if (this.#owned.length > 0) this.#callback(now, "lost", this.#owned, []);
    this.#generation = -1;
    this.#ownedGeneration = -1;
  }

  #fail(mark: string): void {
    this.#p.outbox.mark(mark);
    this.#state = "failed";
  }

  #callback(
    now: Millis,
    callback: "revoked" | "lost" | "assigned",
    keys: readonly OwnedPartition[],
    owned: readonly OwnedPartition[],
  ): void {
    const added = callback === "assigned" ? keys : [];
    this.#owned = [...owned];
    for (const key of keysOf(keys)) this.#rebalanced.add(key);
    this.#p.history.rebalance(this.#p.outbox, now, {
      callback,
      group: this.stamp(),
      protocol: this.protocol,
      keys: keysOf(keys),
      owned: keysOf(owned),
    });
    this.#p.host.setOwned(now, this.#owned, added);
  }

  /** LeaveGroup on close; a static member stays in the group (KIP-345). Returns whether sent. */
  leave(now: Millis): boolean {
    const member = this.#memberId;
    if (this.#p.config.groupInstanceId !== null || member === "" || !this.#canSendNow(now)) {
      return false;
    }
    const body = {
      groupId: this.groupId,
      members: [{ memberId: member, groupInstanceId: null }],
    };
    this.#sendToCoordinator(now, body, "LeaveGroup", { type: "leave-group" });
    return true;
  }

  #pollTimedOut(now: Millis): boolean {
    if (this.#waitingForPoll || this.#memberId === "") return false;
    return now - this.#lastPollMs > this.#p.config.maxPollIntervalMs;
  }

  /**
   * Java's heartbeat thread when poll() was not called for max.poll.interval.ms: the member
   * leaves (a static one without LeaveGroup, KIP-345), forgets its member id and generation, and
   * rejoins only once the application polls again.
   */
  #leaveOnPollTimeout(now: Millis): void {
    this.#p.outbox.mark("consumer-poll-timeout-leaves-group");
    this.leave(now);
    this.#lose(now);
    this.#memberId = "";
    this.#state = "unjoined";
    this.#rejoinNeeded = true;
    this.#waitingForPoll = true;
  }

  nextWakeup(now: Millis): Millis | undefined {
    if (!this.subscribed || this.#state === "fenced" || this.#state === "failed") return undefined;
    const at: Millis[] = [];
    if (!this.#waitingForPoll && this.#memberId !== "") {
      at.push(this.#lastPollMs + this.#p.config.maxPollIntervalMs + 1);
    }
    const lookup = this.#lookup.nextWakeup(now);
    if (lookup !== undefined) at.push(lookup);
    if (this.#rejoinNeeded) at.push(this.#joinBackoffUntilMs);
    if (this.#state === "stable") {
      at.push(this.#nextHeartbeatMs, this.#lastHeartbeatOkMs + this.#p.config.sessionTimeoutMs);
    }
    const future = at.filter((t) => t > now);
    return future.length === 0 ? undefined : Math.min(...future);
  }

  checkInvariants(): void {
    assert(this.#state !== "stable" || this.#generation >= 0, "stable without a generation");
    const ids = new Set(this.#owned.map((p) => `${p.topic}-${p.partition}`));
    assert(ids.size === this.#owned.length, "a partition owned twice");
  }
}
