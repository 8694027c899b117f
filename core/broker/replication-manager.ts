// Data-partition replication on one broker (Kafka's ReplicaManager becoming leader or follower,
// its ReplicaFetcherManager and AlterPartitionManager): each hosted replica runs core/replication's
// LeaderPartition or FollowerPartition as the image says, followers fetch from their leaders through
// one ReplicaFetcher per leader broker, leaders send their ISR changes to the active controller.

import { assert } from "../assert.ts";
import { ErrorCode } from "../error-codes.ts";
import type { Millis, NodeId } from "../ids.ts";
import { limits } from "../limits.ts";
import { type ReplicationConfig, replicationConfig } from "../replication/config.ts";
import { FollowerPartition } from "../replication/follower-partition.ts";
import { LeaderPartition } from "../replication/leader-partition.ts";
import type {
  AlterPartitionItem,
  AlterPartitionResponse,
  ReplicaFetchResponse,
} from "../replication/messages.ts";
import { ReplicaFetcher } from "../replication/replica-fetcher.ts";
import type { BrokerContext } from "./broker-context.ts";
import { FsyncBeforeAck } from "./config.ts";
import { FollowerFetchServer } from "./follower-fetch-server.ts";
import type { HostedPartition } from "./hosted-partition.ts";
import { ReplicaLogPort } from "./replica-log-port.ts";

const TICK = "replication:tick";

interface FetcherSlot {
  readonly fetcher: ReplicaFetcher;
  inFlight: { readonly correlationId: number; readonly deadline: Millis } | null;
  /** Since when the next fetch waits for appended records to sync (see #holdForSync). */
  syncWaitSince: Millis | null;
}

/**
 * How long a fetch waits for its partitions' syncs before it goes without them. With
 * ackRequiresSync a partition fetches again only once what it appended is synced; a fetch sent
 * without it would park at the leader for up to replica.fetch.wait.max.ms while the sync, done a
 * moment later, could not be acknowledged: acks=all would wait a long poll per round trip.
 */
const SYNC_WAIT_MAX_MS = 100;

interface AlterInFlight {
  readonly to: NodeId;
  readonly sentAt: Millis;
  readonly items: readonly AlterPartitionItem[];
}

export class ReplicationManager {
  readonly #ctx: BrokerContext;
  readonly fetchServer: FollowerFetchServer;
  readonly #fetchers = new Map<NodeId, FetcherSlot>();
  readonly #alters = new Map<number, AlterInFlight>();
  readonly #fetcherConfig: ReplicationConfig;

  constructor(ctx: BrokerContext) {
    this.#ctx = ctx;
    this.fetchServer = new FollowerFetchServer(ctx);
    this.#fetcherConfig = this.#config(1);
  }

  #config(minInsyncReplicas: number): ReplicationConfig {
    const c = this.#ctx.config;
    return replicationConfig({
      replicaLagTimeMaxMs: c.replicaLagTimeMaxMs,
      minInsyncReplicas,
      replicaFetchBackoffMs: c.replicaFetchBackoffMs,
      replicaFetchWaitMaxMs: c.replicaFetchWaitMaxMs,
      replicaFetchMinBytes: c.replicaFetchMinBytes,
      replicaFetchMaxBytes: c.replicaFetchMaxBytes,
      replicaFetchResponseMaxBytes: c.replicaFetchResponseMaxBytes,
      ackRequiresSync: c.fsyncBeforeAck !== FsyncBeforeAck.none,
      crc: this.#ctx.crc,
    });
  }

  #partitionConfig(p: HostedPartition): ReplicationConfig {
    return this.#config(this.#ctx.replicas.topicConfig(p.topic).minInsyncReplicas);
  }

  #deps(p: HostedPartition) {
    const ctx = this.#ctx;
    return {
      id: { topic: p.topic, topicId: p.registration.topicId, partition: p.partition },
      localId: ctx.config.nodeId,
      config: this.#partitionConfig(p),
      log: new ReplicaLogPort(p.log, () => ctx.replicas.touch(p)),
      brokers: ctx.image,
      outbox: ctx.outbox,
    };
  }

  /** Makes the replica leader or follower as its registration says (once its log is online). */
  reconcile(p: HostedPartition): void {
    const ctx = this.#ctx;
    const now = ctx.mono.now;
    const stopped = ctx.phase === "stopped" || ctx.phase === "halted";
    if (p.removed || p.log.status !== "online" || stopped) {
      this.drop(p);
      return;
    }
    const r = p.registration;
    if (r.leader === ctx.config.nodeId) {
      if (!this.mayLead()) {
        // Past its lease the controller may have moved this leadership already: lead nothing.
        if (p.leader !== null) ctx.outbox.mark("leadership-suspended-without-lease");
        p.leader = null;
        return;
      }
      if (p.follower !== null) {
        // A truncation in flight finishes first: a leader's log never moves back under it.
        if (p.follower.truncating) return;
        this.#detach(p);
        p.follower = null;
      }
      if (p.leader === null) {
        p.leader = new LeaderPartition(now, this.#deps(p), r);
        ctx.outbox.mark("became-leader");
      } else if (
        r.leaderEpoch > p.leader.leaderEpoch ||
        r.partitionEpoch > p.leader.partitionEpoch
      ) {
        p.leader.onMetadata(now, r);
      }
      return;
    }
    if (p.leader !== null) {
      p.leader = null;
      ctx.outbox.mark("resigned-leadership");
    }
    if (p.follower === null) {
      p.follower = new FollowerPartition(now, this.#deps(p), r.leader, r.leaderEpoch);
      this.#attach(p);
    } else if (p.follower.leaderEpoch !== r.leaderEpoch || p.follower.leaderId !== r.leader) {
      this.#detach(p);
      p.follower.onLeaderChange(now, r.leader, r.leaderEpoch);
      this.#attach(p);
    }
  }

  /**
   * Whether this broker may act as a leader now: it is the active controller's own broker (the
   * controller cannot fence it behind its back), or its session lease with the controller holds.
   */
  mayLead(): boolean {
    const ctx = this.#ctx;
    return ctx.quorum.active || ctx.lifecycle.leaseValid(ctx.mono.now);
  }

  /** The replica stops replicating (removed, offline, or its role is being rebuilt). */
  drop(p: HostedPartition): void {
    if (p.follower !== null) this.#detach(p);
    p.follower = null;
    p.leader = null;
  }

  #attach(p: HostedPartition): void {
    const follower = p.follower;
    if (follower === null || follower.leaderId < 0) return;
    const leaderId = follower.leaderId as NodeId;
    let slot = this.#fetchers.get(leaderId);
    if (slot === undefined) {
      assert(this.#fetchers.size < limits.clientNodesMax, "replica fetchers over limit");
      const fetcher = new ReplicaFetcher(
        this.#ctx.config.nodeId,
        leaderId,
        this.#fetcherConfig,
        this.#ctx.outbox,
      );
      slot = { fetcher, inFlight: null, syncWaitSince: null };
      this.#fetchers.set(leaderId, slot);
    }
    slot.fetcher.add(follower);
  }

  #detach(p: HostedPartition): void {
    for (const slot of this.#fetchers.values()) slot.fetcher.remove(p.topic, p.partition);
  }

  /** The topic's config changed: leaders take the new min.insync.replicas. */
  reconfigure(p: HostedPartition): void {
    p.leader?.reconfigure(this.#partitionConfig(p));
  }

  /** Sends what the components want sent now: fetches, AlterPartitions; rearms the tick. */
  pump(): void {
    const ctx = this.#ctx;
    const now = ctx.mono.now;
    this.#sendAlterPartitions(now);
    const brokerEpoch = ctx.lifecycle.brokerEpoch;
    let next = Number.POSITIVE_INFINITY;
    for (const [leaderId, slot] of this.#fetchers) {
      if (slot.inFlight !== null && now >= slot.inFlight.deadline) {
        ctx.outbox.mark("replica-fetch-timed-out");
        const lost = slot.inFlight.correlationId;
        slot.inFlight = null;
        slot.fetcher.onLost(now, lost);
      }
      const hold = slot.inFlight === null ? this.#holdForSync(leaderId, slot, now) : null;
      if (hold !== null) next = Math.min(next, hold);
      if (slot.inFlight === null && brokerEpoch >= 0 && hold === null) {
        const correlationId = ctx.peers.nextCorrelationId();
        const request = slot.fetcher.poll(now, correlationId, brokerEpoch);
        if (request !== null) {
          const deadline = now + request.maxWaitMs + ctx.config.replicaSocketTimeoutMs;
          slot.inFlight = { correlationId, deadline };
          ctx.peers.send(leaderId, request);
        }
      }
      if (slot.inFlight !== null) {
        // Partitions backing off wait for the answer in flight anyway: only its deadline counts.
        next = Math.min(next, slot.inFlight.deadline);
      } else {
        next = Math.min(next, slot.fetcher.nextWakeupMs() ?? Number.POSITIVE_INFINITY);
      }
    }
    for (const p of ctx.replicas.hostedPartitions()) {
      if (p.leader !== null) next = Math.min(next, p.leader.nextWakeupMs() ?? next);
    }
    for (const a of this.#alters.values()) next = Math.min(next, a.sentAt + this.#alterExpiryMs());
    // What is due now was just done; anything still due waits a millisecond (never a spin).
    if (Number.isFinite(next)) ctx.timers.set(TICK, Math.max(next, now + 1));
    else ctx.timers.clear(TICK);
  }

  /** When to fetch from `leaderId` after waiting for syncs (null: fetch now). */
  #holdForSync(leaderId: NodeId, slot: FetcherSlot, now: Millis): Millis | null {
    if (!this.#fetcherConfig.ackRequiresSync) return null;
    let syncing = false;
    for (const p of this.#ctx.replicas.hostedPartitions()) {
      const f = p.follower;
      if (f === null || f.leaderId !== leaderId || f.phase.type !== "idle") continue;
      if (p.log.durableOffset < p.log.logEndOffset) syncing = true;
    }
    if (!syncing) {
      slot.syncWaitSince = null;
      return null;
    }
    slot.syncWaitSince ??= now;
    const until = slot.syncWaitSince + SYNC_WAIT_MAX_MS;
    if (now >= until) {
      this.#ctx.outbox.mark("replica-fetch-sync-wait-expired");
      slot.syncWaitSince = null;
      return null;
    }
    return until;
  }

  #alterExpiryMs(): Millis {
    return 2 * this.#fetcherConfig.alterPartitionTimeoutMs;
  }

  #sendAlterPartitions(now: Millis): void {
    const ctx = this.#ctx;
    const items: { p: HostedPartition; item: AlterPartitionItem }[] = [];
    for (const p of ctx.replicas.hostedPartitions()) {
      const item = p.leader?.pollAlterPartition(now) ?? null;
      if (item !== null) items.push({ p, item });
    }
    // Answers that never came: the leaders resend on their own schedule; forget the old requests.
    for (const [id, a] of [...this.#alters]) {
      if (now - a.sentAt >= this.#alterExpiryMs()) this.#alters.delete(id);
    }
    if (items.length === 0) return;
    const controller = ctx.ops.controllerId();
    const brokerEpoch = ctx.lifecycle.brokerEpoch;
    if (controller < 0 || brokerEpoch < 0) {
      ctx.outbox.mark("alter-partition-no-controller");
      for (const { p, item } of items) p.leader?.onAlterPartitionLost(now, item);
      return;
    }
    const correlationId = ctx.peers.nextCorrelationId();
    assert(this.#alters.size < limits.pendingProducesMax, "AlterPartitions in flight over limit");
    this.#alters.set(correlationId, {
      to: controller as NodeId,
      sentAt: now,
      items: items.map((i) => i.item),
    });
    ctx.peers.send(controller as NodeId, {
      type: "alter-partition-request",
      correlationId,
      brokerId: ctx.config.nodeId,
      brokerEpoch,
      partitions: items.map((i) => i.item),
    });
  }

  onFetchResponse(from: NodeId, response: ReplicaFetchResponse): void {
    const slot = this.#fetchers.get(from);
    if (slot === undefined || slot.inFlight?.correlationId !== response.correlationId) {
      this.#ctx.outbox.mark("replica-fetch-response-unexpected");
      return;
    }
    slot.inFlight = null;
    slot.fetcher.onResponse(this.#ctx.mono.now, response);
  }

  onAlterPartitionResponse(response: AlterPartitionResponse): void {
    const sent = this.#alters.get(response.correlationId);
    if (sent === undefined) return;
    this.#alters.delete(response.correlationId);
    const now = this.#ctx.mono.now;
    for (const item of sent.items) {
      const p = this.#ctx.replicas.hosted(item.topic, item.partition);
      const leader = p?.leader;
      if (p === undefined || leader === null || leader === undefined) continue;
      const result = response.partitions.find(
        (r) => r.topicId === item.topicId && r.partition === item.partition,
      ) ?? {
        topic: item.topic,
        topicId: item.topicId,
        partition: item.partition,
        errorCode:
          response.errorCode === ErrorCode.NONE
            ? ErrorCode.UNKNOWN_SERVER_ERROR
            : response.errorCode,
        leaderId: -1,
        leaderEpoch: -1,
        isr: [],
        partitionEpoch: -1,
      };
      if (leader.onAlterPartitionResponse(now, item, result)) this.#ctx.replicas.touch(p);
    }
  }

  onPeerUnreachable(peer: NodeId): void {
    const now = this.#ctx.mono.now;
    const slot = this.#fetchers.get(peer);
    if (slot?.inFlight != null) {
      const lost = slot.inFlight.correlationId;
      slot.inFlight = null;
      slot.fetcher.onLost(now, lost);
    }
    for (const [id, a] of [...this.#alters]) {
      if (a.to !== peer) continue;
      this.#alters.delete(id);
      for (const item of a.items) {
        this.#ctx.replicas
          .hosted(item.topic, item.partition)
          ?.leader?.onAlterPartitionLost(now, item);
      }
    }
    this.fetchServer.onPeerUnreachable(peer);
  }

  onTimer(key: string): boolean {
    if (this.fetchServer.onTimer(key)) return true;
    if (key !== TICK) return false;
    const now = this.#ctx.mono.now;
    for (const p of this.#ctx.replicas.hostedPartitions()) {
      if (p.leader?.onTimer(now)) this.#ctx.replicas.touch(p);
    }
    return true;
  }

  checkInvariants(): void {
    for (const [leaderId, slot] of this.#fetchers) {
      if (slot.fetcher.leaderId !== leaderId) assert(false, `fetcher of ${leaderId} misfiled`);
      slot.fetcher.checkInvariants();
    }
    this.fetchServer.checkInvariants();
  }
}
