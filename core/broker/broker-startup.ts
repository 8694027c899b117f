// A node's phases as the quorum and the controller move it along: the active controller's duties
// start and stop with Raft leadership; a broker registers, applies its own registration, recovers
// its logs, asks to be unfenced and serves once it is; it stops after a controlled shutdown and
// halts when its metadata log fails, or (in a cluster) its log directory.

import { assert } from "../assert.ts";
import type { BrokerContext } from "./broker-context.ts";
import type { MetadataImage } from "./metadata-image.ts";

export class BrokerStartup {
  readonly #ctx: BrokerContext;
  readonly #controllerImage: MetadataImage;
  readonly #openConnections: () => void;
  #wasLeader = false;

  constructor(ctx: BrokerContext, controllerImage: MetadataImage, openConnections: () => void) {
    this.#ctx = ctx;
    this.#controllerImage = controllerImage;
    this.#openConnections = openConnections;
  }

  /** The broker takes part in replication and heartbeats (registered or registering, not done). */
  get replicating(): boolean {
    const phase = this.#ctx.phase;
    return this.#ctx.isBroker && phase !== "halted" && phase !== "stopped";
  }

  progress(): void {
    const ctx = this.#ctx;
    if (ctx.phase === "halted") return;
    const raft = ctx.raft.view();
    if (raft.role === "halted") {
      this.#halt(`metadata quorum halted: ${raft.haltedReason ?? "unknown"}`);
      return;
    }
    this.#followLeadership();
    if (!ctx.isBroker) {
      if (ctx.phase === "starting" && raft.role !== "recovering") ctx.phase = "ready";
      return;
    }
    this.#brokerPhases();
  }

  #followLeadership(): void {
    const ctx = this.#ctx;
    const raft = ctx.raft.view();
    if (this.#wasLeader && raft.role !== "leader") {
      ctx.outbox.mark("controller-leadership-lost");
      ctx.ops.failAll();
      this.#controllerImage.restore(ctx.image.snapshot());
    }
    this.#wasLeader = raft.role === "leader";
    if (ctx.quorum.active && raft.role !== "leader") ctx.quorum.deactivate();
    if (!ctx.quorum.active && ctx.ops.isActive(raft)) ctx.quorum.activate();
  }

  #brokerPhases(): void {
    const ctx = this.#ctx;
    const lifecycle = ctx.lifecycle;
    const self = ctx.image.broker(ctx.config.nodeId);
    const ours = self !== undefined && self.brokerEpoch === lifecycle.brokerEpoch;
    switch (ctx.phase) {
      case "starting":
        if (lifecycle.brokerEpoch >= 0) ctx.phase = "registering";
        break;
      case "registering":
        if (ours) {
          ctx.phase = "loading-logs";
          ctx.replicas.loadAll(() => this.#logsLoaded());
        }
        break;
      case "awaiting-unfence":
        if (ours && !self.fenced) this.#ready();
        break;
      case "loading-logs":
      case "ready":
      case "stopped":
        break;
    }
    this.#haltOnLogDirFailure();
    if (lifecycle.state === "shut-down" && ctx.phase !== "stopped") this.stop();
  }

  #logsLoaded(): void {
    const ctx = this.#ctx;
    if (ctx.phase !== "loading-logs") return;
    ctx.phase = "awaiting-unfence";
    ctx.replicas.startTimers();
    ctx.lifecycle.wantFence = false;
    ctx.lifecycle.heartbeatNow();
  }

  #ready(): void {
    const ctx = this.#ctx;
    assert(ctx.phase === "awaiting-unfence", `ready from ${ctx.phase}`);
    ctx.phase = "ready";
    ctx.outbox.trace({ type: "node-ready" });
    this.#openConnections();
  }

  /**
   * Kafka stops a broker whose only log directory failed (its supervisor starts it again, and
   * recovery runs). So does a broker of a cluster here: its leaderships move to healthy replicas
   * once its session expires. A single broker keeps serving its healthy partitions instead, since
   * there is nowhere to move leadership.
   */
  #haltOnLogDirFailure(): void {
    const ctx = this.#ctx;
    if (!ctx.replicas.logDirFailed || ctx.phase === "stopped") return;
    if (ctx.image.brokers().length <= 1) return;
    ctx.outbox.mark("log-dir-failed-broker-halts");
    this.#halt("log directory failed");
  }

  /** Controlled shutdown done (or a controller-only node told to stop): serve nothing more. */
  stop(): void {
    const ctx = this.#ctx;
    if (ctx.phase === "stopped" || ctx.phase === "halted") return;
    ctx.phase = "stopped";
    ctx.outbox.trace({ type: "broker-stopped" });
    if (ctx.raft.resign(ctx.mono.now)) ctx.outbox.mark("controller-resigned-on-shutdown");
    for (const p of ctx.replicas.hostedPartitions()) ctx.replicas.touch(p);
  }

  #halt(reason: string): void {
    const ctx = this.#ctx;
    ctx.phase = "halted";
    ctx.outbox.trace({ type: "broker-halted", reason });
    ctx.ops.failAll();
    if (ctx.quorum.active) ctx.quorum.deactivate();
    for (const p of ctx.replicas.hostedPartitions()) ctx.replicas.touch(p);
  }
}
