// The toy cluster's control plane: process start, crash, pause and resume, the controller's
// election, fencing of down brokers (out of every ISR, with a reason) and leader election from the
// ISR with an epoch bump, and metadata reaching every running replica.
// Invariant: a partition's new leader always comes from its ISR (no unclean election).

import type { Fault } from "../../../sim/faults.ts";
import { newReplica, topic } from "./toy-cluster.ts";
import type { ToyRun } from "./toy-run.ts";

const key = (p: number) => `${topic}-${p}`;

export class ToyControl {
  readonly run: ToyRun;

  constructor(run: ToyRun) {
    this.run = run;
  }

  start(id: number): void {
    const b = this.run.brokers.get(id)!;
    b.status = "up";
    b.incarnation++;
    b.ready = false;
    this.run.emit(id, { type: "proc-start", incarnation: b.incarnation });
    this.run.queue.push(this.run.now + 5 + Math.floor(this.run.rng() * 4), {
      k: "ready",
      node: id,
      inc: b.incarnation,
    });
  }

  fault(fault: Fault): void {
    this.run.emit(undefined, { type: "fault", fault });
    switch (fault.type) {
      case "crash":
        this.crash(fault.node);
        return;
      case "restart": {
        const b = this.run.brokers.get(fault.node);
        if (b === undefined || b.status !== "down") {
          this.run.emit(undefined, { type: "fault-skipped", fault, reason: "node is running" });
          return;
        }
        this.start(fault.node);
        return;
      }
      case "pause": {
        const b = this.run.brokers.get(fault.node)!;
        b.status = "paused";
        this.run.emit(b.id, { type: "proc-pause" });
        return;
      }
      case "resume": {
        const b = this.run.brokers.get(fault.node)!;
        b.status = "up";
        const queued = b.inbox;
        b.inbox = [];
        this.run.emit(b.id, { type: "proc-resume", queued: queued.length });
        for (const h of queued) this.run.replication.handle(b, h);
        return;
      }
      default:
        this.run.net.applyFault(fault);
    }
  }

  crash(id: number): void {
    const b = this.run.brokers.get(id)!;
    let unsynced = 0;
    for (const r of b.replicas.values()) {
      unsynced += r.log.length - r.durable;
      b.disk.set(key(r.partition), r.log.slice(0, r.durable));
    }
    b.status = "down";
    b.ready = false;
    this.run.emit(id, {
      type: "proc-crash",
      incarnation: b.incarnation,
      diskOpsLost: 0,
      inputsLost: b.inbox.length,
      unsyncedBytesLost: unsynced * 24,
    });
    b.replicas.clear();
    b.inbox = [];
    this.run.net.breakAll(id, "crash");
    if (this.run.controller === id) {
      this.run.controller = -1;
      this.run.queue.push(this.run.now + 40, { k: "controller-elect" });
    } else this.run.queue.push(this.run.now + 20, { k: "elect" });
  }

  controllerElect(): void {
    const live = [...this.run.brokers.values()].filter((b) => b.status === "up").map((b) => b.id);
    const winner = live[0];
    if (winner === undefined) return;
    this.run.raftEpoch++;
    this.run.controller = winner;
    this.run.emit(winner, {
      type: "raft-role-changed",
      role: "candidate",
      epoch: this.run.raftEpoch,
      leaderId: null,
      reason: "election timeout",
    });
    this.run.emit(winner, {
      type: "raft-role-changed",
      role: "leader",
      epoch: this.run.raftEpoch,
      leaderId: winner,
      reason: "won the election",
    });
    for (const id of live.slice(1)) {
      this.run.emit(id, {
        type: "raft-role-changed",
        role: "follower",
        epoch: this.run.raftEpoch,
        leaderId: winner,
        reason: "new leader",
      });
    }
    this.electAll();
  }

  /** The controller fences down brokers: out of every ISR, and leaders re-elected from the ISR. */
  electAll(): void {
    if (this.run.controller < 0) return;
    const fenced = new Set<number>();
    for (const [k, m] of this.run.meta) {
      const down = m.isr.filter((n) => this.run.brokers.get(n)!.status === "down");
      if (down.length === 0 && m.leader >= 0) continue;
      const isr = m.isr.filter((n) => !down.includes(n));
      for (const brokerId of down) {
        if (fenced.has(brokerId)) continue;
        fenced.add(brokerId);
        this.run.emit(this.run.controller, {
          type: "broker-session-expired",
          brokerId,
          brokerEpoch: brokerId,
          silentMs: 18,
        });
      }
      if (isr.length > 0) m.isr = isr;
      if (down.length > 0) m.partitionEpoch++;
      if (m.leader < 0 || down.includes(m.leader)) {
        const previousLeader = m.leader;
        m.leader = isr[0] ?? -1;
        m.epoch++;
        this.run.emit(this.run.controller, {
          type: "leader-elected",
          topic,
          partition: Number(k.split("-")[1]),
          leader: m.leader,
          previousLeader,
          leaderEpoch: m.epoch,
          partitionEpoch: m.partitionEpoch,
          isr: [...m.isr],
          unclean: false,
          reason: "broker-fenced",
        });
      }
      this.propagate(k);
    }
  }

  ready(id: number, inc: number): void {
    const b = this.run.brokers.get(id)!;
    if (b.status === "down" || b.incarnation !== inc) return;
    b.ready = true;
    for (const [k, m] of this.run.meta) {
      if (!m.replicas.includes(id)) continue;
      const log = b.disk.get(k) ?? [];
      const p = Number(k.split("-")[1]);
      this.run.emit(id, {
        type: "log-recovered",
        topic,
        partition: p,
        logStartOffset: 0,
        logEndOffset: log.length,
        truncatedBytes: 0,
        reason: "clean shutdown marker missing",
        recoveryPoint: 0,
        scannedBytes: log.length * 24,
        segments: 1,
        rebuiltIndexes: 0,
      });
      b.replicas.set(k, newReplica(p, m, log, 0));
      if (m.leader < 0 && m.isr.includes(id)) {
        m.leader = id;
        m.epoch++;
      }
    }
    this.run.emit(id, {
      type: "broker-registered",
      brokerEpoch: 100 + this.run.seq,
      incarnationId: `inc-${id}-${inc}`,
    });
    this.run.emit(id, { type: "node-ready" });
    if (this.run.controller >= 0 && this.run.controller !== id) {
      this.run.emit(id, {
        type: "raft-role-changed",
        role: "follower",
        epoch: this.run.raftEpoch,
        leaderId: this.run.controller,
        reason: "found the leader",
      });
    }
    for (const k of this.run.meta.keys()) this.propagate(k);
    for (const what of ["fetch", "isr", "sync"] as const)
      this.run.queue.push(this.run.now + 1, { k: "tick", node: id, inc, what });
  }

  /** Metadata reaches every running replica: leader, epoch, ISR; a new leader starts tracking. */
  propagate(k: string): void {
    const m = this.run.meta.get(k)!;
    for (const b of this.run.brokers.values()) {
      const r = b.replicas.get(k);
      if (r === undefined || b.status === "down") continue;
      const becomesLeader = m.leader === b.id && (r.leader !== b.id || r.epoch !== m.epoch);
      r.leader = m.leader;
      r.epoch = m.epoch;
      r.isr = [...m.isr];
      if (becomesLeader) {
        r.followerLeo.clear();
        r.caughtUp.clear();
        r.sentLeo.clear();
        for (const f of m.isr) r.caughtUp.set(f, this.run.now);
        r.pending = [];
        this.run.replication.advanceHw(b, r);
      }
    }
  }

  createTopic(): void {
    const n = this.run.o.brokers;
    for (let p = 0; p < this.run.o.partitions; p++) {
      const replicas = Array.from({ length: n }, (_, i) => ((p + i) % n) + 1);
      this.run.meta.set(key(p), {
        leader: replicas[0]!,
        epoch: 0,
        partitionEpoch: 0,
        isr: [...replicas],
        replicas,
      });
    }
    this.run.emit(this.run.controller, {
      type: "topic-created",
      topic,
      topicId: "AAAAAAAAAAAAAAAAAAAAAA",
      partitions: this.run.o.partitions,
    });
    for (const b of this.run.brokers.values()) {
      for (const [k, m] of this.run.meta)
        if (b.ready) b.replicas.set(k, newReplica(Number(k.split("-")[1]), m, [], this.run.now));
    }
    for (const k of this.run.meta.keys()) this.propagate(k);
  }
}
