// The broker node (Kafka's KafkaRaftServer): a metadata quorum member (voter or observer) with the
// active controller's duties when it leads, and — with the broker role — a broker that registers,
// heartbeats, recovers its logs, replicates its partitions and serves clients once unfenced.

import { assert, assertNever } from "../assert.ts";
import { DiskIo } from "../disk-io.ts";
import type { Millis } from "../ids.ts";
import { limits } from "../limits.ts";
import { type Codecs, NO_CODECS } from "../log/codecs.ts";
import type { Crc32c } from "../log/crc32c.ts";
import { crc32c } from "../log/crc32c.ts";
import { type RaftConfig, raftConfig } from "../metadata/raft/config.ts";
import type { MetadataStateMachine } from "../metadata/raft/context.ts";
import { RaftCore } from "../metadata/raft/raft-core.ts";
import type { Effect, Input, Node } from "../node.ts";
import { Outbox } from "../outbox.ts";
import type { ApiVersion } from "../protocol/index.ts";
import type { Rng } from "../rng.ts";
import type { BrokerContext } from "./broker-context.ts";
import { BrokerLifecycle } from "./broker-lifecycle.ts";
import { BrokerStartup } from "./broker-startup.ts";
import type { BrokerView } from "./broker-view.ts";
import { advertisedListener, type BrokerConfig, quorumVoterIds } from "./config.ts";
import { Connections } from "./connections.ts";
import { Controller } from "./controller.ts";
import { fencedLeaders } from "./controller-elections.ts";
import { ControllerOps } from "./controller-ops.ts";
import { Deadlines } from "./deadlines.ts";
import { EnvelopeForwarder } from "./envelope.ts";
import { GroupHost } from "./group-host.ts";
import { handleRequest } from "./handle-request.ts";
import type { HostedLogFactory } from "./hosted-log.ts";
import { type ImageChange, MetadataImage } from "./metadata-image.ts";
import { MonoClock } from "./mono-clock.ts";
import { partitionLogFactory } from "./partition-log-adapter.ts";
import { PeerChannel } from "./peer-channel.ts";
import { routePeerMessage } from "./peer-routing.ts";
import { BrokerProducerIds } from "./producer-ids.ts";
import { QuorumController } from "./quorum-controller.ts";
import { ReplicaManager } from "./replica-manager.ts";

export interface BrokerOptions {
  readonly config: BrokerConfig;
  readonly rng: Rng;
  /** CRC-32C; the runtime may inject a native one (proven equal to core's). */
  readonly crc?: Crc32c;
  /** Record batch codecs (the runtime's); without them compressed batches are never read. */
  readonly codecs?: Codecs;
  /** Metadata quorum timings (controller.quorum.*), e.g. shorter elections in tests. */
  readonly raftTiming?: Partial<Omit<RaftConfig, "nodeId" | "voters" | "crc">>;
  /** What ApiVersions answers when the driver does not answer it itself. */
  readonly apiVersions?: readonly ApiVersion[];
  /** Builds the partition logs this broker hosts (core/log's PartitionLog by default). */
  readonly logFactory?: HostedLogFactory;
}

/** Rounds of local messages (controller and broker in one node) one step settles at most. */
const SETTLE_ROUNDS_MAX = 64;

export class Broker implements Node<BrokerView> {
  readonly #ctx: BrokerContext;
  readonly #controllerImage: MetadataImage;
  readonly #connections: Connections;
  readonly #startup: BrokerStartup;
  /** More than one voter, or no controller role here: other brokers exist to send clients to. */
  readonly #clusterMode: boolean;
  #started = false;
  #fencedCheckedAt = -1;

  constructor(options: BrokerOptions) {
    const config = options.config;
    const voters = quorumVoterIds(config);
    const isController = config.processRoles.includes("controller");
    this.#clusterMode = voters.length > 1 || !isController;
    assert(isController === voters.includes(config.nodeId), "controllers are exactly the voters");
    const outbox = new Outbox();
    const diskIo = new DiskIo(outbox);
    const crc = options.crc ?? crc32c;
    const deadlines = new Deadlines(limits.connectionsMax * 2 + limits.partitionsMax + 64);
    const timers = new Deadlines(limits.connectionsMax * 2 + limits.partitionsMax + 64);
    const image = new MetadataImage();
    const mono = new MonoClock(0);
    this.#controllerImage = new MetadataImage();
    const stateMachine: MetadataStateMachine = {
      apply: (record, offset, epoch) => this.#applyCommitted(record, offset, epoch),
      snapshot: () => image.snapshot(),
      restore: (bytes) => {
        image.restore(bytes);
        this.#controllerImage.restore(bytes);
      },
    };
    const raft = new RaftCore(
      raftConfig(config.nodeId, voters, { ...options.raftTiming, crc }),
      { outbox, diskIo, rng: options.rng },
      stateMachine,
    );
    const partial = {
      config,
      outbox,
      diskIo,
      rng: options.rng,
      crc,
      codecs: options.codecs ?? NO_CODECS,
      deadlines,
      timers,
      mono,
      peers: new PeerChannel(config.nodeId, outbox),
      isBroker: config.processRoles.includes("broker"),
      image,
      controller: new Controller(config, this.#controllerImage, options.rng),
      ops: new ControllerOps(raft, this.#controllerImage, deadlines, outbox, mono),
      raft,
      apiVersions: options.apiVersions ?? [],
      autoCreating: new Set<string>(),
      now: 0,
      phase: "starting" as const,
    };
    const ctx = partial as unknown as BrokerContext & {
      replicas: ReplicaManager;
      lifecycle: BrokerLifecycle;
      quorum: QuorumController;
      forwarder: EnvelopeForwarder;
      producerIds: BrokerProducerIds;
      groups: GroupHost;
    };
    ctx.replicas = new ReplicaManager(ctx, options.logFactory ?? partitionLogFactory);
    const listener = advertisedListener(config);
    ctx.lifecycle = new BrokerLifecycle(ctx, [
      { name: listener.name, host: listener.host, port: listener.port },
    ]);
    ctx.quorum = new QuorumController(ctx);
    ctx.forwarder = new EnvelopeForwarder(ctx);
    ctx.producerIds = new BrokerProducerIds(ctx);
    ctx.groups = new GroupHost(ctx);
    this.#ctx = ctx;
    image.setListener((change) => this.#onImageChange(change));
    this.#connections = new Connections({
      respond: (connection, correlationId, response) =>
        outbox.push({ type: "respond", connection, correlationId, response }),
      close: (connection, reason) => outbox.push({ type: "close", connection, reason }),
      handle: (queued, reply) => handleRequest(this.#ctx, queued, reply),
    });
    this.#startup = new BrokerStartup(ctx, this.#controllerImage, () => this.#connections.open());
  }

  step(now: Millis, input: Input): readonly Effect[] {
    const ctx = this.#ctx;
    // A node's clock may step back (the simulator jumps clocks, NTP does too): wall-clock deadlines
    // fire later; heartbeats, sessions and replication run on the monotonic clock.
    ctx.now = now;
    ctx.mono.advance(now);
    if (input.type !== "start") {
      assert(this.#started, `${input.type} before start`);
      ctx.raft.tick(ctx.mono.now);
    }
    this.#dispatch(input);
    this.#settle();
    return ctx.outbox.take();
  }

  /**
   * Controlled shutdown (what SIGTERM starts in Kafka): the controller moves this broker's
   * leaderships away and removes it from ISRs; once it says so, the broker stops serving.
   */
  beginControlledShutdown(now: Millis): readonly Effect[] {
    const ctx = this.#ctx;
    ctx.now = now;
    ctx.mono.advance(now);
    ctx.raft.tick(ctx.mono.now);
    if (ctx.isBroker && ctx.phase !== "halted") ctx.lifecycle.beginShutdown();
    else this.#startup.stop();
    this.#settle();
    return ctx.outbox.take();
  }

  #dispatch(input: Input): void {
    const ctx = this.#ctx;
    switch (input.type) {
      case "start":
        assert(!this.#started, "started twice");
        this.#started = true;
        ctx.raft.start(ctx.mono.now);
        return;
      case "timer":
        this.#fireDeadlines();
        return;
      case "peer-message":
        routePeerMessage(ctx, input.from, input.message);
        return;
      case "peer-unreachable":
        ctx.raft.peerUnreachable(ctx.mono.now, input.peer);
        ctx.lifecycle.onPeerUnreachable(input.peer);
        ctx.forwarder.onPeerUnreachable(input.peer);
        ctx.producerIds.onPeerUnreachable(input.peer);
        ctx.replicas.replication.onPeerUnreachable(input.peer);
        return;
      case "client-request":
        if (ctx.phase === "halted" || ctx.phase === "stopped" || !ctx.isBroker) {
          const reason = ctx.isBroker ? `broker ${ctx.phase}` : "a controller-only node";
          ctx.outbox.push({ type: "close", connection: input.connection, reason });
          return;
        }
        if (this.#clusterMode && ctx.phase !== "ready") {
          // Kafka's socket server opens only once the broker runs: a client trying a broker that
          // is still starting (maybe cut off for good) is refused at once and tries another one.
          ctx.outbox.mark("client-refused-before-ready");
          ctx.outbox.push({ type: "close", connection: input.connection, reason: "not ready" });
          return;
        }
        if (ctx.phase === "ready" && !ctx.replicas.replication.mayLead()) {
          // Its metadata may be stale (cut off from the controller): clients go to other brokers.
          ctx.outbox.mark("client-refused-without-lease");
          ctx.outbox.push({ type: "close", connection: input.connection, reason: "no lease" });
          return;
        }
        this.#connections.receive(input);
        return;
      case "connection-closed":
        this.#connections.closed(input.connection);
        ctx.replicas.connectionClosed(input.connection);
        return;
      case "client-response":
      case "client-connection-lost":
        // Inputs of simulated clients; a broker never sends client requests.
        ctx.outbox.mark("broker-ignored-client-input");
        return;
      case "disk-done":
        ctx.diskIo.complete(input.id, input.result);
        return;
      default:
        assertNever(input, "input");
    }
  }

  #fireDeadlines(): void {
    const ctx = this.#ctx;
    for (const key of ctx.deadlines.takeDue(ctx.now)) {
      if (ctx.ops.onDeadline(key)) continue;
      const handled = ctx.replicas.onDeadline(key) || ctx.groups.onDeadline(key);
      assert(handled, `deadline ${key} has no owner`);
    }
    for (const key of ctx.timers.takeDue(ctx.mono.now)) {
      const handled =
        ctx.quorum.onTimer(key) ||
        ctx.lifecycle.onTimer(key) ||
        ctx.forwarder.onTimer(key) ||
        ctx.producerIds.onTimer(key) ||
        ctx.replicas.replication.onTimer(key);
      assert(handled, `timer ${key} has no owner`);
    }
  }

  /** Lets everything the step changed take effect, including messages this node sent itself. */
  #settle(): void {
    const ctx = this.#ctx;
    for (let round = 0; round < SETTLE_ROUNDS_MAX; round++) {
      ctx.replicas.flushChanges();
      this.#startup.progress();
      if (this.#startup.replicating) {
        ctx.lifecycle.poll();
        ctx.replicas.replication.pump();
      }
      if (ctx.peers.pendingLocal === 0) return;
      ctx.peers.drainLocal((message) => routePeerMessage(ctx, ctx.config.nodeId, message));
    }
    assert(ctx.peers.pendingLocal === 0, "local messages did not settle");
  }

  #applyCommitted(
    record: Parameters<MetadataStateMachine["apply"]>[0],
    offset: number,
    epoch: number,
  ) {
    const ctx = this.#ctx;
    ctx.image.apply(record, offset, epoch);
    if (offset >= this.#controllerImage.nextOffset) {
      this.#controllerImage.apply(record, offset, epoch);
    }
    ctx.outbox.trace({ type: "metadata-applied", offset, recordType: record.type });
    ctx.ops.applied(offset);
  }

  #onImageChange(change: ImageChange): void {
    const ctx = this.#ctx;
    if (change.type === "topic-added") {
      ctx.outbox.trace({
        type: "topic-created",
        topic: change.topic.name,
        topicId: change.topic.topicId,
      });
    } else if (change.type === "topic-removed") {
      ctx.outbox.trace({
        type: "topic-deleted",
        topic: change.topic.name,
        topicId: change.topic.topicId,
      });
    } else if (change.type === "partition-changed" && change.before === undefined) {
      const p = change.after;
      ctx.outbox.trace({
        type: "partition-created",
        topic: p.topic,
        partition: p.partition,
        replicas: [...p.replicas],
        leader: p.leader,
      });
    }
    if (ctx.isBroker) ctx.replicas.onImageChange(change);
  }

  nextWakeup(): Millis | undefined {
    const ctx = this.#ctx;
    let next = Number.POSITIVE_INFINITY;
    next = Math.min(next, ctx.deadlines.next() ?? next);
    // The quorum and the monotonic timers run on the monotonic clock: convert to the wall clock.
    const mono = Math.min(
      ctx.timers.next() ?? Number.POSITIVE_INFINITY,
      ctx.raft.nextWakeup() ?? Number.POSITIVE_INFINITY,
    );
    if (Number.isFinite(mono)) next = Math.min(next, ctx.mono.toRaw(mono));
    return Number.isFinite(next) ? next : undefined;
  }

  view(): BrokerView {
    const ctx = this.#ctx;
    const registration = ctx.image.broker(ctx.config.nodeId);
    return {
      kind: "broker",
      nodeId: ctx.config.nodeId,
      roles: [...ctx.config.processRoles],
      phase: ctx.phase,
      ready: ctx.phase === "ready",
      controllerId: ctx.ops.controllerId(),
      activeController: ctx.quorum.active,
      brokerEpoch: ctx.lifecycle.brokerEpoch,
      incarnationId: ctx.lifecycle.incarnationId,
      fenced: registration === undefined || registration.fenced,
      logDirFailed: ctx.replicas.logDirFailed,
      metadataOffset: ctx.image.nextOffset,
      brokers: ctx.image.brokers().map((b) => ({
        brokerId: b.brokerId,
        brokerEpoch: b.brokerEpoch,
        fenced: b.fenced,
      })),
      topics: ctx.image.topics().map((t) => t.name),
      partitions: ctx.replicas.views(),
      connections: this.#connections.count,
      pendingProduces: ctx.replicas.pendingProduces,
      parkedFetches: ctx.replicas.parkedFetches,
      groups: ctx.groups.groups(),
      raft: ctx.raft.view(),
    };
  }

  checkInvariants(): void {
    const ctx = this.#ctx;
    ctx.raft.checkInvariants();
    ctx.image.checkConsistency();
    this.#controllerImage.checkConsistency();
    assert(
      this.#controllerImage.nextOffset >= ctx.image.nextOffset,
      "controller image behind the committed image",
    );
    // The image changes only by applying records: check it again only when it did.
    if (ctx.image.nextOffset !== this.#fencedCheckedAt) {
      this.#fencedCheckedAt = ctx.image.nextOffset;
      const fenced = fencedLeaders(ctx.image);
      assert(fenced.length === 0, `fenced brokers lead in the committed image: ${fenced}`);
    }
    ctx.quorum.checkInvariants();
    ctx.lifecycle.checkInvariants();
    this.#connections.checkInvariants();
    ctx.replicas.checkInvariants();
    ctx.groups.checkInvariants();
    assert(ctx.peers.pendingLocal === 0, "local messages left over after a step");
    assert(ctx.replicas.pendingProduces <= limits.pendingProducesMax, "pending produces");
    assert(ctx.replicas.parkedFetches <= limits.parkedFetchesMax, "parked fetches");
  }
}
