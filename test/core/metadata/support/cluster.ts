// A deterministic world for N RaftCore members: seeded message delays, drops and partitions, disks
// with latency and crash semantics, crash and restart, a proposing client, and the safety checker
// run after every step. One seed, one run: every choice comes from named seeded streams.

import type { DiskOp, DiskResult } from "../../../../core/disk.ts";
import { DiskIo } from "../../../../core/disk-io.ts";
import { type DiskOpId, type NodeId, nodeId } from "../../../../core/ids.ts";
import type { RaftMessage } from "../../../../core/metadata/messages.ts";
import { type RaftConfig, raftConfig } from "../../../../core/metadata/raft/config.ts";
import { RaftCore } from "../../../../core/metadata/raft/raft-core.ts";
import type { Effect } from "../../../../core/node.ts";
import { Outbox } from "../../../../core/outbox.ts";
import { EventQueue } from "./event-queue.ts";
import { MemDisk, voteIsDurable } from "./mem-disk.ts";
import { SafetyChecker } from "./safety-checker.ts";
import { SeededRng } from "./seeded-rng.ts";
import { SimNode, testRaftSizes } from "./sim-node.ts";
import { TestStateMachine } from "./test-state-machine.ts";

export interface ClusterOptions {
  readonly voters: number;
  readonly observers?: number;
  readonly seed: string;
  readonly config?: Partial<Omit<RaftConfig, "nodeId" | "voters">>;
  readonly minDelayMs?: number;
  readonly maxDelayMs?: number;
  readonly diskLatencyMaxMs?: number;
  /** Milliseconds between client proposals to whoever leads; 0 for none. */
  readonly proposeEveryMs?: number;
  /** Broken variants, for proving the checker can fail. */
  readonly lyingSyncNode?: number;
  readonly doubleVoter?: number;
}

type Event =
  | {
      type: "deliver";
      to: number;
      from: number;
      toInc: number;
      fromInc: number;
      message: RaftMessage;
    }
  | { type: "unreachable"; node: number; inc: number; peer: number }
  | { type: "disk"; node: number; inc: number; id: DiskOpId; op: DiskOp }
  | { type: "propose" }
  | { type: "call"; run: () => void };

export class Cluster {
  now = 0;
  readonly nodes: SimNode[] = [];
  readonly checker = new SafetyChecker();
  readonly marks = new Map<string, number>();
  readonly accepted: { node: number; epoch: number; offset: number; key: string; at: number }[] =
    [];
  readonly blocked = new Set<string>();
  dropRate = 0;
  steps = 0;
  /** Messages sent, by type. */
  readonly sent = new Map<string, number>();
  /** Crashes that hit a node while a quorum-state write was under way. */
  crashesDuringElectionWrite = 0;
  readonly #options: ClusterOptions;
  readonly #voters: NodeId[];
  readonly #net: SeededRng;
  readonly #diskRng: SeededRng;
  readonly #queue = new EventQueue<Event>();
  #proposals = 0;
  proposing = true;

  constructor(options: ClusterOptions) {
    this.#options = options;
    this.#net = new SeededRng(`${options.seed}:network`);
    this.#diskRng = new SeededRng(`${options.seed}:disk`);
    const total = options.voters + (options.observers ?? 0);
    this.#voters = Array.from({ length: options.voters }, (_, i) => nodeId(i + 1));
    for (let i = 1; i <= total; i++) {
      const lying = options.lyingSyncNode === i;
      const disk = new MemDisk(lying ? { lyingSync: (p) => p.includes("quorum-state") } : {});
      this.nodes.push(new SimNode(i, disk));
    }
    for (const n of this.nodes) this.restart(n.id);
    if ((options.proposeEveryMs ?? 0) > 0)
      this.#schedule(options.proposeEveryMs!, { type: "propose" });
  }

  node(id: number): SimNode {
    return this.nodes[id - 1]!;
  }

  #schedule(delay: number, event: Event): void {
    this.#queue.push(this.now + delay, event);
  }

  at(delay: number, run: () => void): void {
    this.#schedule(delay, { type: "call", run });
  }

  restart(id: number): void {
    const n = this.node(id);
    n.incarnation++;
    n.alive = true;
    n.outbox = new Outbox();
    n.diskIo = new DiskIo(n.outbox);
    n.diskFreeAt = this.now;
    n.maxReadBytes = 0;
    const config = raftConfig(nodeId(id), this.#voters, {
      ...testRaftSizes,
      ...this.#options.config,
    });
    const rng = new SeededRng(`${this.#options.seed}:node${id}:${n.incarnation}`);
    const sm = new TestStateMachine(id, this.checker);
    n.core = new RaftCore(config, { outbox: n.outbox, diskIo: n.diskIo, rng }, sm);
    this.checker.onRestart(id);
    this.#step(n, (core) => core.start(this.now));
  }

  crash(id: number): void {
    const n = this.node(id);
    if (!n.alive) return;
    n.alive = false;
    if (n.pendingDisk.some((op) => "path" in op && op.path.includes("quorum-state"))) {
      this.crashesDuringElectionWrite++;
    }
    n.pendingDisk = [];
    n.disk.crash(() => this.#diskRng.float("torn-fraction"));
    const added = n.model.rebuild(n.disk);
    this.checker.onEntries(id, added, (o) => n.model.entries.get(o)?.epoch);
  }

  #step(n: SimNode, run: (core: RaftCore) => void): void {
    const core = n.core!;
    core.tick(this.now);
    run(core);
    this.steps++;
    for (const effect of n.outbox.take()) this.#effect(n, effect);
    core.checkInvariants();
    this.checker.afterStep(core.view(), n.model.entries, n.model.minOffset());
  }

  #effect(n: SimNode, effect: Effect): void {
    switch (effect.type) {
      case "send":
        this.#send(n, effect.to, this.#tamper(n, effect.message as RaftMessage));
        return;
      case "disk": {
        const added = n.model.onDiskOp(effect.op);
        n.pendingDisk.push(effect.op);
        if (effect.op.type === "read") n.maxReadBytes = Math.max(n.maxReadBytes, effect.op.length);
        if (added.length > 0)
          this.checker.onEntries(n.id, added, (o) => n.model.entries.get(o)?.epoch);
        const latency = this.#diskRng.int(
          "disk-latency",
          (this.#options.diskLatencyMaxMs ?? 3) + 1,
        );
        n.diskFreeAt = Math.max(n.diskFreeAt, this.now) + latency;
        const event = {
          type: "disk",
          node: n.id,
          inc: n.incarnation,
          id: effect.id,
          op: effect.op,
        } as const;
        this.#schedule(n.diskFreeAt - this.now, event);
        return;
      }
      case "trace": {
        const e = effect.event;
        if (e.type === "mark") {
          this.marks.set(e.name, (this.marks.get(e.name) ?? 0) + 1);
          n.marks.set(e.name, (n.marks.get(e.name) ?? 0) + 1);
        }
        return;
      }
      default:
        throw new Error(`unexpected effect ${effect.type}`);
    }
  }

  /** The broken variant: a node that grants every vote and pre-vote, naming no leader. */
  #tamper(n: SimNode, message: RaftMessage): RaftMessage {
    if (message.type !== "raft-vote-response" || this.#options.doubleVoter !== n.id) return message;
    const { leaderId: _named, ...rest } = message;
    return { ...rest, voteGranted: true };
  }

  #send(from: SimNode, to: NodeId, message: RaftMessage): void {
    this.sent.set(message.type, (this.sent.get(message.type) ?? 0) + 1);
    if (message.type === "raft-vote-response" && message.voteGranted && !message.preVote) {
      this.checker.onVoteGranted(from.id, message.epoch, to);
      if (this.#options.doubleVoter !== from.id && !voteIsDurable(from.disk, message.epoch, to)) {
        this.checker.report(
          `node ${from.id} sent a vote in epoch ${message.epoch} not yet durable`,
        );
      }
    }
    const target = this.node(to);
    if (!target.alive) {
      this.#schedule(1, { type: "unreachable", node: from.id, inc: from.incarnation, peer: to });
      return;
    }
    if (this.blocked.has(`${from.id}>${to}`)) return;
    if (this.dropRate > 0 && this.#net.chance("drop", this.dropRate)) return;
    const min = this.#options.minDelayMs ?? 1;
    const max = this.#options.maxDelayMs ?? 10;
    const delay = min + this.#net.int("delay", max - min + 1);
    const deliver = {
      type: "deliver",
      to,
      from: from.id,
      toInc: target.incarnation,
      fromInc: from.incarnation,
      message,
    } as const;
    this.#schedule(delay, deliver);
  }

  #nextWakeup(): { at: number; node: SimNode } | undefined {
    let best: { at: number; node: SimNode } | undefined;
    for (const n of this.nodes) {
      if (!n.alive) continue;
      const at = n.core!.nextWakeup();
      if (at !== undefined && (best === undefined || at < best.at)) best = { at, node: n };
    }
    return best;
  }

  /** Runs every event and timer up to `until` (simulated milliseconds). */
  runUntil(until: number, stepLimit = 2_000_000): void {
    for (let i = 0; i < stepLimit; i++) {
      const wake = this.#nextWakeup();
      const eventAt = this.#queue.nextAt();
      const wakeAt = wake?.at ?? Number.POSITIVE_INFINITY;
      const next = Math.min(eventAt, wakeAt);
      if (next > until) {
        this.now = until;
        return;
      }
      this.now = Math.max(this.now, next);
      if (eventAt <= wakeAt) this.#handle(this.#queue.shift());
      else this.#step(wake!.node, () => {});
    }
    throw new Error(`step limit reached at ${this.now}`);
  }

  #handle(event: Event): void {
    switch (event.type) {
      case "deliver": {
        const to = this.node(event.to);
        const from = this.node(event.from);
        if (!to.alive || to.incarnation !== event.toInc || from.incarnation !== event.fromInc)
          return;
        this.#step(to, (core) => core.receive(this.now, nodeId(event.from), event.message));
        return;
      }
      case "unreachable": {
        const n = this.node(event.node);
        if (n.alive && n.incarnation === event.inc) {
          this.#step(n, (core) => core.peerUnreachable(this.now, nodeId(event.peer)));
        }
        return;
      }
      case "disk": {
        const n = this.node(event.node);
        if (!n.alive || n.incarnation !== event.inc) return;
        n.pendingDisk.shift();
        const result: DiskResult = n.disk.execute(event.op);
        this.#step(n, () => n.diskIo.complete(event.id, result));
        return;
      }
      case "propose":
        this.#propose();
        this.#schedule(this.#options.proposeEveryMs!, { type: "propose" });
        return;
      case "call":
        event.run();
        return;
    }
  }

  #propose(): void {
    if (!this.proposing) return;
    for (const n of this.nodes) {
      if (!n.alive || n.view().role !== "leader") continue;
      this.proposeTo(n.id);
    }
  }

  proposeTo(id: number): boolean {
    const n = this.node(id);
    const counter = this.#proposals++;
    const bytes = new Uint8Array([
      counter & 0xff,
      (counter >> 8) & 0xff,
      (counter >> 16) & 0xff,
      id,
    ]);
    let accepted = false;
    this.#step(n, (core) => {
      const result = core.propose(this.now, [{ type: "opaque", bytes }]);
      if (result.type === "appended") {
        accepted = true;
        const key = `opaque:${Array.from(bytes).join(",")}`;
        this.accepted.push({
          node: id,
          epoch: result.epoch,
          offset: result.baseOffset,
          key,
          at: this.now,
        });
      }
    });
    return accepted;
  }

  /** Hands `message` to node `to` as if `from` sent it; returns what `to` sent in reply. */
  inject(to: number, from: number, message: RaftMessage): RaftMessage[] {
    const n = this.node(to);
    const sent: RaftMessage[] = [];
    const core = n.core!;
    core.tick(this.now);
    core.receive(this.now, nodeId(from), message);
    for (const effect of n.outbox.take()) {
      if (effect.type === "send") sent.push(effect.message as RaftMessage);
      this.#effect(n, effect);
    }
    core.checkInvariants();
    return sent;
  }

  /** Graceful shutdown of a leader: it resigns (EndQuorumEpoch); a no-op on others. */
  resign(id: number): boolean {
    const n = this.node(id);
    if (!n.alive) return false;
    let resigned = false;
    this.#step(n, (core) => {
      resigned = core.resign(this.now);
    });
    return resigned;
  }

  /** Cuts every link between the two sides (both directions). */
  partition(sideA: readonly number[], sideB: readonly number[]): void {
    for (const a of sideA) {
      for (const b of sideB) {
        this.blocked.add(`${a}>${b}`);
        this.blocked.add(`${b}>${a}`);
      }
    }
  }

  heal(): void {
    this.blocked.clear();
    this.dropRate = 0;
  }

  leaders(): SimNode[] {
    return this.nodes.filter((n) => n.alive && n.view().role === "leader");
  }

  /** The single live leader that a majority of live voters follows, if any. */
  stableLeader(): SimNode | undefined {
    const leaders = this.leaders();
    if (leaders.length !== 1) return undefined;
    const leader = leaders[0]!;
    const epoch = leader.view().epoch;
    const following = this.nodes.filter(
      (n) =>
        n.alive && n.view().isVoter && n.view().epoch === epoch && n.view().leaderId === leader.id,
    );
    return following.length >= Math.floor(this.#voters.length / 2) + 1 ? leader : undefined;
  }

  /** One line per node, for failure messages. */
  describe(): string {
    return this.nodes
      .map((n) => {
        if (!n.alive) return `${n.id}:down`;
        const v = n.view();
        return `${n.id}:${v.role}@${v.epoch} leo=${v.logEndOffset} hw=${v.highWatermark}`;
      })
      .join(" ");
  }

  mark(name: string): number {
    return this.marks.get(name) ?? 0;
  }

  assertSafe(): void {
    if (this.checker.violations.length > 0) {
      throw new Error(
        `safety violated (seed ${this.#options.seed}):\n${this.checker.violations.join("\n")}`,
      );
    }
  }
}
export { SimNode, testRaftSizes } from "./sim-node.ts";
