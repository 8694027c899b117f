// One broker of the model world, doing with the replication components what core/broker will: apply
// metadata (lead or follow), answer fetches from its log (parking empty ones), send fetches and
// AlterPartitions, produce with acks=all, crash, restart, isolate and shut down.

import { assert } from "../../../../core/assert.ts";
import { ErrorCode } from "../../../../core/error-codes.ts";
import type { NodeId } from "../../../../core/ids.ts";
import { Outbox } from "../../../../core/outbox.ts";
import type {
  PartitionAssignment,
  ReplicationConfig,
} from "../../../../core/replication/config.ts";
import type { FollowerPartition } from "../../../../core/replication/follower-partition.ts";
import { LeaderPartition } from "../../../../core/replication/leader-partition.ts";
import type {
  AlterPartitionItem,
  BrokerEpoch,
  ReplicaFetchPartitionResponse,
  ReplicaFetchRequest,
} from "../../../../core/replication/messages.ts";
import { ReplicaFetcher } from "../../../../core/replication/replica-fetcher.ts";
import type { BrokerState } from "../../../../core/replication/replica-log.ts";
import { ModelLog } from "./model-log.ts";
import type { ReplicationWorld } from "./replication-world.ts";
import { CONTROLLER, type Envelope, fetchError, fetchResponse, PARTITION } from "./world-types.ts";

interface PendingAck {
  readonly leaderEpoch: number;
  readonly requiredOffset: number;
  readonly values: readonly { offset: number; value: string }[];
}

interface ParkedFetch {
  readonly id: number;
  readonly from: NodeId;
  readonly request: ReplicaFetchRequest;
  readonly fetchOffset: number;
  readonly maxBytes: number;
}

export class ModelNode {
  readonly world: ReplicationWorld;
  readonly id: NodeId;
  readonly config: ReplicationConfig;
  readonly outbox = new Outbox();
  up = true;
  isolated = false;
  incarnation = 0;
  brokerEpoch: BrokerEpoch;
  log: ModelLog;
  image: { assignment: PartitionAssignment; brokers: ReadonlyMap<NodeId, BrokerState> } | null =
    null;
  leader: LeaderPartition | null = null;
  follower: FollowerPartition | null = null;
  /** The fetch session with the leader the follower follows. */
  fetcher: ReplicaFetcher | null = null;
  readonly alterInFlight = new Map<number, AlterPartitionItem>();
  parked: ParkedFetch[] = [];
  pendingAcks: PendingAck[] = [];
  diskClockMs = 0;
  #timerAt: number | undefined;

  constructor(
    world: ReplicationWorld,
    id: NodeId,
    config: ReplicationConfig,
    brokerEpoch: BrokerEpoch,
  ) {
    this.world = world;
    this.id = id;
    this.config = config;
    this.brokerEpoch = brokerEpoch;
    this.log = new ModelLog(world.logScheduler(this));
  }

  start(): void {
    this.world.sendMetadata(this);
  }

  #deps() {
    return {
      id: PARTITION,
      localId: this.id,
      config: this.config,
      log: this.log,
      brokers: { broker: (id: NodeId) => this.image?.brokers.get(id) },
      outbox: this.outbox,
    };
  }

  receive(envelope: Envelope): void {
    const payload = envelope.payload;
    const now = this.world.now;
    switch (payload.kind) {
      case "metadata":
        this.#applyMetadata(payload.assignment, payload.brokers);
        break;
      case "fetch":
        this.#answerFetch(envelope.from, payload.id, payload.request);
        break;
      case "fetch-response":
        this.fetcher?.onResponse(now, payload.response);
        break;
      case "alter-response": {
        const item = this.alterInFlight.get(payload.id);
        this.alterInFlight.delete(payload.id);
        if (item !== undefined) this.leader?.onAlterPartitionResponse(now, item, payload.result);
        break;
      }
      case "alter":
        assert(false, "brokers get no AlterPartition requests");
    }
    this.pump();
  }

  /** A request of this node, or the answer to it, was lost with its connection. */
  onLost(envelope: Envelope): void {
    if (!this.up) return;
    const payload = envelope.payload;
    const now = this.world.now;
    if (payload.kind === "fetch" || payload.kind === "fetch-response") {
      this.fetcher?.onLost(now, payload.id);
    } else if (payload.kind === "alter" || payload.kind === "alter-response") {
      const item = this.alterInFlight.get(payload.id);
      this.alterInFlight.delete(payload.id);
      if (item !== undefined) this.leader?.onAlterPartitionLost(now, item);
    }
    this.pump();
  }

  #applyMetadata(assignment: PartitionAssignment, brokers: ReadonlyMap<NodeId, BrokerState>): void {
    const now = this.world.now;
    const previous = this.image?.assignment;
    this.image = { assignment, brokers };
    if (previous !== undefined && assignment.partitionEpoch <= previous.partitionEpoch) return;
    if (assignment.leader === this.id) {
      this.follower = null;
      this.fetcher = null;
      if (this.leader === null) this.leader = new LeaderPartition(now, this.#deps(), assignment);
      else this.leader.onMetadata(now, assignment);
      return;
    }
    if (this.leader !== null) this.#resign();
    if (this.follower === null) {
      this.follower = this.world.makeFollower(
        now,
        this.#deps(),
        assignment.leader,
        assignment.leaderEpoch,
      );
    } else {
      this.follower.onLeaderChange(now, assignment.leader, assignment.leaderEpoch);
    }
    if (this.fetcher?.leaderId !== assignment.leader) {
      this.fetcher = null;
      if (assignment.leader !== -1) {
        this.fetcher = new ReplicaFetcher(
          this.id,
          assignment.leader as NodeId,
          this.config,
          this.outbox,
        );
        this.fetcher.add(this.follower);
      }
    }
  }

  /** No longer the leader: waiting produces fail, parked fetches are answered NOT_LEADER. */
  #resign(): void {
    this.leader = null;
    this.pendingAcks = [];
    for (const parked of this.parked) {
      this.#respond(parked.from, parked.id, fetchError(ErrorCode.NOT_LEADER_OR_FOLLOWER));
    }
    this.parked = [];
  }

  #answerFetch(from: NodeId, id: number, request: ReplicaFetchRequest): void {
    const leader = this.leader;
    const entry = request.partitions[0];
    assert(entry !== undefined && request.partitions.length === 1, "one partition per fetch here");
    if (leader === null) {
      this.#respond(from, id, fetchError(ErrorCode.NOT_LEADER_OR_FOLLOWER));
      return;
    }
    const outcome = leader.onFollowerFetch(this.world.now, from, request.brokerEpoch, entry);
    if (outcome.type !== "read") {
      this.#respond(from, id, {
        ...PARTITION,
        errorCode: outcome.type === "error" ? outcome.errorCode : ErrorCode.NONE,
        highWatermark: outcome.highWatermark,
        logStartOffset: outcome.logStartOffset,
        divergingEpoch: outcome.type === "diverging" ? outcome.divergingEpoch : null,
        records: new Uint8Array(0),
      });
      return;
    }
    const parked = {
      id,
      from,
      request,
      fetchOffset: outcome.fetchOffset,
      maxBytes: outcome.maxBytes,
    };
    if (outcome.fetchOffset < this.log.logEndOffset) {
      this.#answerParked(parked);
      return;
    }
    this.parked.push(parked);
    const waitMs = Math.min(request.maxWaitMs, this.world.options.fetchWaitMaxMs);
    this.world.atNode(this, this.incarnation, this.world.now + waitMs, () => {
      const index = this.parked.indexOf(parked);
      if (index < 0) return;
      this.parked.splice(index, 1);
      this.#answerParked(parked);
    });
  }

  #answerParked(parked: ParkedFetch): void {
    const leader = this.leader;
    if (leader === null) {
      this.#respond(parked.from, parked.id, fetchError(ErrorCode.NOT_LEADER_OR_FOLLOWER));
      return;
    }
    this.#respond(parked.from, parked.id, {
      ...PARTITION,
      errorCode: ErrorCode.NONE,
      highWatermark: leader.highWatermark,
      logStartOffset: this.log.logStartOffset,
      divergingEpoch: null,
      records: this.log.read(parked.fetchOffset, parked.maxBytes, this.log.logEndOffset),
    });
  }

  #respond(to: NodeId, id: number, response: ReplicaFetchPartitionResponse): void {
    this.world.send(this.id, to, {
      kind: "fetch-response",
      id,
      response: fetchResponse(id, response),
    });
  }

  /** acks=all produce: refused below min.insync.replicas, else appended, synced and awaited. */
  produce(values: readonly string[]): void {
    const leader = this.leader;
    assert(leader !== null, "produce to a non-leader");
    if (leader.acksAllError() !== ErrorCode.NONE) return;
    const { baseOffset, lastOffset } = this.log.appendAsLeader(values, leader.leaderEpoch);
    this.log.sync();
    this.pendingAcks.push({
      leaderEpoch: leader.leaderEpoch,
      requiredOffset: lastOffset + 1,
      values: values.map((value, i) => ({ offset: baseOffset + i, value })),
    });
    leader.onLogAdvanced(this.world.now);
    const waiting = this.parked;
    this.parked = [];
    for (const parked of waiting) this.#answerParked(parked);
    this.pump();
  }

  onDurable(): void {
    this.leader?.onLogAdvanced(this.world.now);
    this.pump();
  }

  /** After anything happened here: send what the components want sent, answer acks, rearm the timer. */
  pump(): void {
    if (!this.up) return;
    const now = this.world.now;
    const leader = this.leader;
    if (leader !== null) {
      const item = leader.pollAlterPartition(now);
      if (item !== null) {
        const id = this.world.nextMessageId();
        this.alterInFlight.set(id, item);
        this.world.send(this.id, CONTROLLER, {
          kind: "alter",
          id,
          brokerEpoch: this.brokerEpoch,
          item,
        });
      }
      this.#settleAcks(leader);
    }
    const fetcher = this.fetcher;
    if (fetcher !== null) {
      const id = this.world.nextMessageId();
      const request = fetcher.poll(now, id, this.brokerEpoch);
      if (request !== null)
        this.world.send(this.id, fetcher.leaderId, { kind: "fetch", id, request });
    }
    this.#armTimer();
  }

  #settleAcks(leader: LeaderPartition): void {
    this.pendingAcks = this.pendingAcks.filter((ack) => {
      if (ack.leaderEpoch !== leader.leaderEpoch) return false;
      const check = leader.checkEnoughReplicasReachOffset(ack.requiredOffset);
      if (!check.done) return true;
      if (check.errorCode === ErrorCode.NONE) this.world.acknowledge(ack.values);
      return false;
    });
  }

  #armTimer(): void {
    const times = [this.leader?.nextWakeupMs(), this.fetcher?.nextWakeupMs()].filter(
      (t) => t !== undefined,
    );
    const next = times.length === 0 ? undefined : Math.max(this.world.now, Math.min(...times));
    if (next === undefined || next === this.#timerAt) return;
    this.#timerAt = next;
    this.world.atNode(this, this.incarnation, next, () => {
      if (this.#timerAt !== next) return;
      this.#timerAt = undefined;
      this.leader?.onTimer(this.world.now);
      this.pump();
    });
  }

  /** Long polls held here die with the connections: their senders learn it. */
  #dropParked(): void {
    for (const parked of this.parked) {
      const payload = { kind: "fetch" as const, id: parked.id, request: parked.request };
      this.world.queue.push(this.world.now + 1, {
        type: "lost",
        envelope: { from: parked.from, to: this.id, payload },
      });
    }
    this.parked = [];
  }

  crash(downMs: number): void {
    if (!this.up) return;
    this.up = false;
    this.incarnation++;
    this.#timerAt = undefined;
    this.leader = null;
    this.follower = null;
    this.fetcher = null;
    this.alterInFlight.clear();
    this.#dropParked();
    this.pendingAcks = [];
    this.image = null;
    this.diskClockMs = 0;
    this.log = this.log.crashed(this.world.logScheduler(this));
    this.world.controller.setReachable(this.world.now, this.id, false);
    this.world.breakLinks(this.id);
    this.world.queue.push(this.world.now + downMs, { type: "restart", node: this.id });
  }

  restart(): void {
    if (this.up) return;
    this.up = true;
    this.isolated = false;
    this.brokerEpoch = this.world.controller.register(this.world.now, this.id);
    this.world.sendMetadata(this);
  }

  isolate(ms: number): void {
    if (!this.up || this.isolated) return;
    this.isolated = true;
    this.#dropParked();
    this.world.controller.setReachable(this.world.now, this.id, false);
    this.world.breakLinks(this.id);
    this.world.queue.push(this.world.now + ms, { type: "heal", node: this.id });
  }

  heal(): void {
    if (!this.up || !this.isolated) return;
    this.isolated = false;
    this.world.controller.setReachable(this.world.now, this.id, true);
    this.world.sendMetadata(this);
    this.pump();
  }

  /** Leadership and ISR membership move away first; then a clean stop (everything synced). */
  controlledShutdown(downMs: number): void {
    if (!this.up || this.isolated) return;
    this.world.controller.controlledShutdown(this.world.now, this.id);
    this.world.atNode(this, this.incarnation, this.world.now + 80, () => {
      this.log.flushAll();
      this.crash(downMs);
    });
  }
}
