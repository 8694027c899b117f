// Runs the toy cluster (see toy-cluster.ts): the event loop, brokers' replication and ISR logic,
// crashes and elections, the producer, and the trace written through sim/trace-format.ts's encoder.
// Invariant: all events of one action share its time, and sampled views are taken after every action
// at or before the sample time and before any later one.

import { nodeId } from "../../../core/ids.ts";
import type { TraceEvent } from "../../../core/trace.ts";
import { defaultFaultModel, type Fault } from "../../../sim/faults.ts";
import { calmSwarm } from "../../../sim/swarm.ts";
import { encodeRecord, encodeValue, type TraceHeader } from "../../../sim/trace-format.ts";
import {
  type Broker,
  defaultSchedule,
  type Meta,
  producerId,
  type ReplicaView,
  type Sample,
  type ToyOptions,
} from "./toy-cluster.ts";
import { ToyControl } from "./toy-control.ts";
import { ToyGroup } from "./toy-group.ts";
import { type Held, ToyNet } from "./toy-net.ts";
import { ToyQueue, toyRng } from "./toy-queue.ts";
import { ToyReplication } from "./toy-replication.ts";

type Action =
  | { readonly k: "deliver"; readonly held: Held }
  | { readonly k: "produce" }
  | {
      readonly k: "tick";
      readonly node: number;
      readonly inc: number;
      readonly what: "fetch" | "isr" | "sync";
    }
  | { readonly k: "fault"; readonly fault: Fault }
  | { readonly k: "ready"; readonly node: number; readonly inc: number }
  | { readonly k: "elect" }
  | { readonly k: "controller-elect" }
  | { readonly k: "call"; readonly run: () => void }
  | { readonly k: "failure" };

export interface ToyResult {
  readonly events: number;
  readonly samples: readonly Sample[];
  readonly header: TraceHeader;
}

export class ToyRun {
  readonly o: Required<Omit<ToyOptions, "schedule" | "sampleTimes" | "failureAt">> & ToyOptions;
  readonly brokers = new Map<number, Broker>();
  readonly meta = new Map<string, Meta>();
  readonly queue = new ToyQueue<Action>();
  readonly rng: () => number;
  readonly net: ToyNet;
  readonly group: ToyGroup | undefined;
  readonly replication: ToyReplication;
  readonly control: ToyControl;
  readonly #sink: (line: string) => void;
  now = 0;
  seq = 0;
  controller = -1;
  raftEpoch = 0;
  #stopped = false;

  constructor(options: ToyOptions, sink: (line: string) => void) {
    this.o = {
      brokers: 3,
      partitions: 2,
      produceEveryMs: 4,
      acks: -1,
      minInsync: 2,
      lagMaxMs: 60,
      group: true,
      unknownEvents: true,
      maxEvents: Number.POSITIVE_INFINITY,
      ...options,
    };
    this.#sink = sink;
    this.rng = toyRng(options.seed);
    this.net = new ToyNet({
      get now() {
        return run.now;
      },
      emit: (_t, node, event) => this.emit(node, event),
      rng: this.rng,
      schedule: (at, held) => this.queue.push(at, { k: "deliver", held }),
    });
    const run = this;
    for (let id = 1; id <= this.o.brokers; id++) {
      this.brokers.set(id, {
        id,
        status: "down",
        incarnation: 0,
        ready: false,
        replicas: new Map(),
        inbox: [],
        disk: new Map(),
      });
    }
    this.group = this.o.group ? new ToyGroup(this) : undefined;
    this.replication = new ToyReplication(this);
    this.control = new ToyControl(this);
  }

  header(): TraceHeader {
    const clients = [producerId, ...(this.group?.members ?? [])].map(nodeId);
    const servers = [...this.brokers.keys()].map(nodeId);
    const nodes = [
      ...servers.map((id) => ({ id, role: "server" as const })),
      ...clients.map((id) => ({ id, role: "client" as const })),
    ];
    const model = defaultFaultModel(servers.length);
    const faultPhaseMs = this.o.durationMs;
    return {
      format: "runnel-trace",
      version: 1,
      seed: `0x${this.o.seed.toString(16)}`,
      commit: "toy-cluster",
      nodes,
      config: {
        durationMs: this.o.durationMs,
        maxEvents: Number.isFinite(this.o.maxEvents) ? this.o.maxEvents : 0,
        faultPhaseMs,
        faultPlan: "explicit",
        faultModel: model,
        clockEpochMs: 0,
        clockMode: "monotonic",
        replay: `toy-cluster --seed ${this.o.seed}`,
        scenario: { toy: true, acks: this.o.acks, minInsync: this.o.minInsync },
      },
      faults: {
        params: calmSwarm({ servers, clients, faultPhaseMs, model }),
        schedule: (this.o.schedule ?? defaultSchedule(this.o.durationMs)).map((f) => ({
          atMs: f.atMs,
          fault: f.fault,
        })),
      },
    };
  }

  emit(node: number | undefined, event: Record<string, unknown> & { type: string }): void {
    if (this.#stopped) return;
    this.seq++;
    this.#sink(
      encodeRecord(
        this.seq,
        this.now,
        node === undefined ? undefined : nodeId(node),
        event as unknown as TraceEvent,
        { fullBytes: false },
      ),
    );
    if (this.seq >= this.o.maxEvents) this.#stopped = true;
  }

  run(): ToyResult {
    const header = this.header();
    this.#sink(encodeValue(header, { fullBytes: false }));
    for (const id of this.brokers.keys())
      this.queue.push(0, { k: "call", run: () => this.control.start(id) });
    for (const id of [producerId, ...(this.group?.members ?? [])])
      this.emit(id, { type: "proc-start", incarnation: 1 });
    this.queue.push(1, { k: "controller-elect" });
    this.queue.push(3, { k: "call", run: () => this.control.createTopic() });
    this.queue.push(10, { k: "produce" });
    for (const f of this.o.schedule ?? defaultSchedule(this.o.durationMs))
      this.queue.push(f.atMs, { k: "fault", fault: f.fault });
    if (this.o.failureAt !== undefined) this.queue.push(this.o.failureAt, { k: "failure" });
    this.group?.start();
    if (this.o.unknownEvents) this.queue.push(50, { k: "call", run: () => this.#mystery() });
    const times = [...(this.o.sampleTimes ?? [])].sort((a, b) => a - b);
    const samples: Sample[] = [];
    let s = 0;
    while (!this.#stopped) {
      const next = this.queue.peekTime();
      if (next === undefined || next > this.o.durationMs) break;
      while (s < times.length && times[s]! < next)
        samples.push({ t: times[s++]!, views: this.views() });
      const { t, item } = this.queue.pop()!;
      this.now = t;
      this.#act(item);
      this.#report();
    }
    while (s < times.length) samples.push({ t: times[s++]!, views: this.views() });
    return { events: this.seq, samples, header };
  }

  /** Each running broker's replicas, as its own view would show them. */
  views(): Record<number, ReplicaView[]> {
    const out: Record<number, ReplicaView[]> = {};
    for (const b of this.brokers.values()) {
      if (b.status === "down") continue;
      out[b.id] = [...b.replicas.values()].map((r) => ({
        topic: r.topic,
        partition: r.partition,
        leader: r.leader,
        leaderEpoch: r.epoch,
        isr: [...r.isr],
        logEndOffset: r.log.length,
        highWatermark: r.hw,
      }));
    }
    return out;
  }

  /** Traces partition-state for every replica whose reported fields changed. */
  #report(): void {
    for (const b of this.brokers.values()) {
      if (b.status === "down") continue;
      for (const r of b.replicas.values()) {
        const fields = `${r.leader}|${r.epoch}|${r.isr.join(",")}|${r.log.length}|${r.hw}|${r.durable}`;
        if (fields === r.reported) continue;
        r.reported = fields;
        this.emit(b.id, {
          type: "partition-state",
          topic: r.topic,
          partition: r.partition,
          leader: r.leader,
          leaderEpoch: r.epoch,
          isr: [...r.isr],
          logStartOffset: 0,
          logEndOffset: r.log.length,
          highWatermark: r.hw,
          durableOffset: r.durable,
        });
      }
    }
  }

  #act(a: Action): void {
    switch (a.k) {
      case "deliver": {
        const b = this.brokers.get(a.held.to);
        if (!this.net.arrive(a.held)) return;
        if (b === undefined) this.group?.clientGot(a.held);
        else if (b.status === "paused") b.inbox.push(a.held);
        else if (b.status === "up") this.replication.handle(b, a.held);
        return;
      }
      case "produce":
        this.replication.produce();
        this.queue.push(this.now + this.o.produceEveryMs, a);
        return;
      case "tick":
        this.replication.tick(a.node, a.inc, a.what);
        return;
      case "fault":
        this.control.fault(a.fault);
        return;
      case "ready":
        this.control.ready(a.node, a.inc);
        return;
      case "elect":
        this.control.electAll();
        return;
      case "controller-elect":
        this.control.controllerElect();
        return;
      case "call":
        a.run();
        return;
      case "failure":
        this.emit(undefined, {
          type: "failure",
          kind: "global-invariant",
          message: "replicas disagree below the high watermark (planted by the toy cluster)",
        });
        this.#stopped = true;
        return;
    }
  }

  #mystery(): void {
    this.emit(1, {
      type: "mystery-event",
      detail: { note: "a type this viewer does not know", n: this.seq },
    });
    this.queue.push(this.now + 500, { k: "call", run: () => this.#mystery() });
  }
}

/** Runs a toy cluster; the trace goes to `sink` one line at a time (header first). */
export function runToyCluster(options: ToyOptions, sink: (line: string) => void): ToyResult {
  return new ToyRun(options, sink).run();
}
