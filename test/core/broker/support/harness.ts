// A tiny synchronous world for one broker: inputs through the Node interface, `disk` effects run
// against a SimDisk one at a time in issue order (zero latency), timers fired as time advances,
// answers, closes and traces collected. Crash = SimDisk.crash + a new Broker on the same disk.

import { Broker, type BrokerOptions } from "../../../../core/broker/broker.ts";
import type { BrokerView } from "../../../../core/broker/broker-view.ts";
import { type BrokerConfig, brokerConfig } from "../../../../core/broker/config.ts";
import { partitionLogFactory } from "../../../../core/broker/partition-log-adapter.ts";
import type { DiskOp } from "../../../../core/disk.ts";
import {
  type ConnectionId,
  connectionId,
  type DiskOpId,
  type Millis,
} from "../../../../core/ids.ts";
import type { Effect, Input } from "../../../../core/node.ts";
import type {
  ApiName,
  ClientResponse,
  RequestOf,
  ResponseOf,
} from "../../../../core/protocol/index.ts";
import type { TraceEvent } from "../../../../core/trace.ts";
import { SimDisk } from "../../../../sim/disk.ts";
import { testRng } from "../../../support/test-rng.ts";

/** A bound on work per call, so a broker that keeps issuing work fails the test instead of hanging. */
const EFFECTS_PER_CALL_MAX = 2_000_000;

export interface HarnessOptions {
  readonly config?: Partial<BrokerConfig>;
  readonly seed?: number;
  readonly disk?: SimDisk;
  readonly now?: Millis;
}

export interface Answer {
  readonly connection: ConnectionId;
  readonly correlationId: number;
  readonly response: ClientResponse;
}

export class BrokerHarness {
  readonly disk: SimDisk;
  readonly config: BrokerConfig;
  readonly seed: number;
  broker: Broker;
  now: Millis;
  readonly answers: Answer[] = [];
  readonly closes: { connection: ConnectionId; reason: string }[] = [];
  readonly traces: TraceEvent[] = [];
  #diskQueue: { id: DiskOpId; op: DiskOp }[] = [];
  #nextCorrelationId = 1;
  /** While false, disk operations wait in the queue (to crash with work in flight). */
  diskRunning = true;

  constructor(options: HarnessOptions = {}) {
    this.seed = options.seed ?? 1;
    this.disk = options.disk ?? new SimDisk(testRng(`disk-${this.seed}`));
    this.config = brokerConfig(options.config ?? {});
    this.now = options.now ?? 0;
    this.broker = this.#newBroker();
  }

  #newBroker(): Broker {
    const options: BrokerOptions = {
      config: this.config,
      rng: testRng(`broker-${this.seed}-${this.now}`),
      logFactory: partitionLogFactory,
    };
    return new Broker(options);
  }

  get view(): BrokerView {
    return this.broker.view();
  }

  /** Starts the broker and runs time forward until it is ready (elections take a second or two). */
  start(): this {
    this.deliver({ type: "start" });
    return this.runUntilReady();
  }

  /** Runs time forward until the broker is ready. */
  runUntilReady(): this {
    for (let i = 0; i < 100 && !this.view.ready; i++) {
      const next = this.broker.nextWakeup();
      if (next === undefined) break;
      this.advanceTo(Math.max(next, this.now));
    }
    if (!this.view.ready) throw new Error(`broker not ready: phase ${this.view.phase}`);
    return this;
  }

  deliver(input: Input): void {
    this.#apply(this.broker.step(this.now, input));
    this.settle();
  }

  /** Runs queued disk operations (and everything they cause) until none is left. */
  settle(): void {
    let guard = 0;
    while (this.diskRunning && this.#diskQueue.length > 0) {
      if (++guard > EFFECTS_PER_CALL_MAX) throw new Error("disk work did not quiesce");
      const next = this.#diskQueue.shift();
      if (next === undefined) break;
      const result = this.disk.execute(next.op);
      this.#apply(this.broker.step(this.now, { type: "disk-done", id: next.id, result }));
    }
    this.broker.checkInvariants();
  }

  /** Runs up to `count` queued disk operations even while the disk is held; returns how many ran. */
  runDisk(count: number): number {
    let ran = 0;
    while (ran < count && this.#diskQueue.length > 0) {
      const next = this.#diskQueue.shift();
      if (next === undefined) break;
      const result = this.disk.execute(next.op);
      this.#apply(this.broker.step(this.now, { type: "disk-done", id: next.id, result }));
      ran++;
    }
    this.broker.checkInvariants();
    return ran;
  }

  #apply(effects: readonly Effect[]): void {
    for (const effect of effects) {
      switch (effect.type) {
        case "disk":
          this.#diskQueue.push({ id: effect.id, op: effect.op });
          break;
        case "respond":
          this.answers.push(effect);
          break;
        case "close":
          this.closes.push({ connection: effect.connection, reason: effect.reason });
          break;
        case "trace":
          this.traces.push(effect.event);
          break;
        case "send":
        case "request":
          throw new Error(`a single broker sent ${effect.type}`);
      }
    }
  }

  /** Moves time to `to`, firing every timer due on the way. */
  advanceTo(to: Millis): void {
    for (let i = 0; i < 100_000; i++) {
      const next = this.broker.nextWakeup();
      if (next === undefined || next > to) break;
      this.now = Math.max(this.now, next);
      this.deliver({ type: "timer" });
    }
    this.now = Math.max(this.now, to);
  }

  advance(ms: Millis): void {
    this.advanceTo(this.now + ms);
  }

  /** Sends a request (from client id `clientId`); returns its correlation id. */
  send<N extends ApiName>(api: N, body: RequestOf<N>, connection = 1, clientId = "test"): number {
    const correlationId = this.#nextCorrelationId++;
    this.deliver({
      type: "client-request",
      connection: connectionId(connection),
      correlationId,
      request: { api, clientId, body } as never,
    });
    return correlationId;
  }

  /** The answer to `correlationId`, if one was sent. */
  answer<N extends ApiName>(api: N, correlationId: number): ResponseOf<N> | undefined {
    const found = this.answers.find((a) => a.correlationId === correlationId);
    if (found === undefined) return undefined;
    if (found.response.api !== api) throw new Error(`answer is ${found.response.api}, not ${api}`);
    return found.response.body as ResponseOf<N>;
  }

  /** Sends a request and returns its answer, which must come without advancing time. */
  call<N extends ApiName>(api: N, body: RequestOf<N>, connection = 1): ResponseOf<N> {
    const id = this.send(api, body, connection);
    const answer = this.answer(api, id);
    if (answer === undefined) throw new Error(`${api} ${id} got no answer`);
    return answer;
  }

  /** Trace events of one type. */
  events<T extends TraceEvent["type"]>(type: T): Extract<TraceEvent, { type: T }>[] {
    return this.traces.filter((e): e is Extract<TraceEvent, { type: T }> => e.type === type);
  }

  marks(): string[] {
    return this.events("mark").map((e) => e.name);
  }

  /** The process dies: unsynced bytes may be lost, work in flight is dropped; then it restarts. */
  crashAndRestart(): void {
    this.#diskQueue = [];
    this.disk.crash();
    this.diskRunning = true;
    this.broker = this.#newBroker();
    this.start();
  }

  /** A restart without losing anything the disk already holds (a clean stop and start). */
  restart(): void {
    this.settle();
    this.#diskQueue = [];
    this.broker = this.#newBroker();
    this.start();
  }

  /** Disk operations issued and not yet run (while diskRunning is false). */
  get pendingDiskOps(): number {
    return this.#diskQueue.length;
  }
}
