// The broker node (combined mode: broker and metadata controller in one process, like a one-node
// KRaft cluster). It recovers the metadata quorum, registers itself, recovers every hosted partition
// log, and only then serves requests; before that they wait in their connection's queue.

import { assert, assertNever } from "../assert.ts";
import { DiskIo } from "../disk-io.ts";
import type { Millis } from "../ids.ts";
import { limits } from "../limits.ts";
import type { Crc32c } from "../log/crc32c.ts";
import { crc32c } from "../log/crc32c.ts";
import type { MetadataMessage } from "../metadata/messages.ts";
import { type RaftConfig, raftConfig } from "../metadata/raft/config.ts";
import type { MetadataStateMachine } from "../metadata/raft/context.ts";
import { RaftCore } from "../metadata/raft/raft-core.ts";
import type { Effect, Input, Node } from "../node.ts";
import { Outbox } from "../outbox.ts";
import type { PeerMessage } from "../peer-message.ts";
import type { ApiVersion } from "../protocol/index.ts";
import type { Rng } from "../rng.ts";
import type { BrokerContext } from "./broker-context.ts";
import type { BrokerView } from "./broker-view.ts";
import { advertisedListener, type BrokerConfig } from "./config.ts";
import { Connections } from "./connections.ts";
import { Controller } from "./controller.ts";
import { ControllerOps } from "./controller-ops.ts";
import { Deadlines } from "./deadlines.ts";
import { handleRequest } from "./handle-request.ts";
import type { HostedLogFactory } from "./hosted-log.ts";
import { type ImageChange, MetadataImage } from "./metadata-image.ts";
import { partitionLogFactory } from "./partition-log-adapter.ts";
import { ReplicaManager } from "./replica-manager.ts";

export interface BrokerOptions {
  readonly config: BrokerConfig;
  readonly rng: Rng;
  /** CRC-32C; the runtime may inject a native one (proven equal to core's). */
  readonly crc?: Crc32c;
  /** Metadata quorum timings (controller.quorum.*), e.g. shorter elections in tests. */
  readonly raftTiming?: Partial<Omit<RaftConfig, "nodeId" | "voters" | "crc">>;
  /** What ApiVersions answers when the driver does not answer it itself. */
  readonly apiVersions?: readonly ApiVersion[];
  /** Builds the partition logs this broker hosts (core/log's PartitionLog by default). */
  readonly logFactory?: HostedLogFactory;
}

export class Broker implements Node<BrokerView> {
  readonly #ctx: BrokerContext;
  readonly #controllerImage: MetadataImage;
  readonly #connections: Connections;
  #started = false;
  #wasActiveController = false;

  constructor(options: BrokerOptions) {
    const config = options.config;
    assert(config.processRoles.includes("controller"), "a broker without a controller role");
    const voters = config.controllerQuorumVoters.map((v) => v.id);
    assert(
      voters.length === 0 || (voters.length === 1 && voters[0] === config.nodeId),
      "only a single-voter quorum (this node) is supported",
    );
    const outbox = new Outbox();
    const diskIo = new DiskIo(outbox);
    const crc = options.crc ?? crc32c;
    const deadlines = new Deadlines(limits.connectionsMax * 2 + limits.partitionsMax + 64);
    const image = new MetadataImage();
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
      raftConfig(config.nodeId, [config.nodeId], { ...options.raftTiming, crc }),
      { outbox, diskIo, rng: options.rng },
      stateMachine,
    );
    const partial = {
      config,
      outbox,
      diskIo,
      rng: options.rng,
      crc,
      deadlines,
      image,
      controller: new Controller(config, this.#controllerImage, options.rng),
      ops: new ControllerOps(raft, this.#controllerImage, deadlines, outbox),
      raft,
      apiVersions: options.apiVersions ?? [],
      autoCreating: new Set<string>(),
      now: 0,
      phase: "starting" as const,
    };
    const ctx = partial as BrokerContext & { replicas: ReplicaManager };
    ctx.replicas = new ReplicaManager(ctx, options.logFactory ?? partitionLogFactory);
    this.#ctx = ctx;
    image.setListener((change) => this.#onImageChange(change));
    this.#connections = new Connections({
      respond: (connection, correlationId, response) =>
        outbox.push({ type: "respond", connection, correlationId, response }),
      close: (connection, reason) => outbox.push({ type: "close", connection, reason }),
      handle: (queued, reply) => handleRequest(this.#ctx, queued, reply),
    });
  }

  step(now: Millis, input: Input): readonly Effect[] {
    const ctx = this.#ctx;
    // A node's clock may step back (the simulator jumps clocks, NTP does too): deadlines are
    // absolute times on this clock, so they simply fire later; nothing assumes time only grows.
    ctx.now = now;
    if (input.type !== "start") {
      assert(this.#started, `${input.type} before start`);
      ctx.raft.tick(now);
    }
    this.#dispatch(input);
    ctx.replicas.flushChanges();
    this.#progress();
    return ctx.outbox.take();
  }

  #dispatch(input: Input): void {
    const ctx = this.#ctx;
    switch (input.type) {
      case "start":
        assert(!this.#started, "started twice");
        this.#started = true;
        ctx.raft.start(ctx.now);
        return;
      case "timer":
        this.#fireDeadlines();
        return;
      case "peer-message":
        if (isMetadataMessage(input.message)) {
          ctx.raft.receive(ctx.now, input.from, input.message);
        } else {
          // Data-partition replication is not part of this broker yet.
          ctx.outbox.mark("broker-ignored-replication-message");
        }
        return;
      case "peer-unreachable":
        ctx.raft.peerUnreachable(ctx.now, input.peer);
        return;
      case "client-request":
        if (ctx.phase === "halted") {
          ctx.outbox.push({ type: "close", connection: input.connection, reason: "broker halted" });
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
      const handled = ctx.replicas.onDeadline(key);
      assert(handled, `deadline ${key} has no owner`);
    }
  }

  /** Moves the startup along and notices the controller losing leadership or halting. */
  #progress(): void {
    const ctx = this.#ctx;
    if (ctx.phase === "halted") return;
    const raft = ctx.raft.view();
    if (raft.role === "halted") {
      this.#halt(`metadata quorum halted: ${raft.haltedReason ?? "unknown"}`);
      return;
    }
    const active = ctx.ops.isActive(raft);
    if (this.#wasActiveController && raft.role !== "leader") {
      ctx.outbox.mark("controller-leadership-lost");
      ctx.ops.failAll();
      this.#controllerImage.restore(ctx.image.snapshot());
    }
    this.#wasActiveController = raft.role === "leader";
    if (ctx.phase === "starting" && active) this.#register();
  }

  #register(): void {
    const ctx = this.#ctx;
    const listener = advertisedListener(ctx.config);
    const records = ctx.controller.registerBroker(ctx.config.nodeId, ctx.raft.view().logEndOffset, [
      { name: listener.name, host: listener.host, port: listener.port },
    ]);
    ctx.phase = "registering";
    ctx.ops.submit(ctx.now, records, 0, (outcome) => {
      if (outcome !== "committed") {
        ctx.outbox.mark("broker-registration-retried");
        ctx.phase = "starting";
        return;
      }
      ctx.phase = "loading-logs";
      ctx.replicas.loadAll(() => this.#ready());
    });
  }

  #ready(): void {
    const ctx = this.#ctx;
    if (ctx.phase !== "loading-logs") return;
    ctx.phase = "ready";
    ctx.replicas.startTimers();
    ctx.outbox.trace({ type: "node-ready" });
    this.#connections.open();
  }

  #halt(reason: string): void {
    const ctx = this.#ctx;
    ctx.phase = "halted";
    ctx.outbox.trace({ type: "broker-halted", reason });
    ctx.ops.failAll();
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
    ctx.replicas.onImageChange(change);
  }

  nextWakeup(): Millis | undefined {
    const ctx = this.#ctx;
    const raft = ctx.raft.nextWakeup();
    const own = ctx.deadlines.next();
    if (raft === undefined) return own;
    return own === undefined ? raft : Math.min(raft, own);
  }

  view(): BrokerView {
    const ctx = this.#ctx;
    return {
      kind: "broker",
      nodeId: ctx.config.nodeId,
      phase: ctx.phase,
      ready: ctx.phase === "ready",
      controllerId: ctx.ops.controllerId(),
      metadataOffset: ctx.image.nextOffset,
      topics: ctx.image.topics().map((t) => t.name),
      partitions: ctx.replicas.views(),
      connections: this.#connections.count,
      pendingProduces: ctx.replicas.pendingProduces,
      parkedFetches: ctx.replicas.parkedFetches,
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
    this.#connections.checkInvariants();
    ctx.replicas.checkInvariants();
    assert(ctx.replicas.pendingProduces <= limits.pendingProducesMax, "pending produces");
    assert(ctx.replicas.parkedFetches <= limits.parkedFetchesMax, "parked fetches");
  }
}

function isMetadataMessage(message: PeerMessage): message is MetadataMessage {
  return message.type.startsWith("raft-");
}
