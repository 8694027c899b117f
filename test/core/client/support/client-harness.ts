// A tiny deterministic world for client tests: simulated time, one FIFO connection per (client,
// broker) with a fixed latency each way, the fake cluster answering requests, long-poll parking of
// empty fetches, and connection breaks. Every step is followed by the client's invariant check.

import type { HistoryOp } from "../../../../core/client/history.ts";
import type { Millis, NodeId } from "../../../../core/ids.ts";
import { nodeId } from "../../../../core/ids.ts";
import type { Effect, Input } from "../../../../core/node.ts";
import type { ClientRequest, ClientResponse } from "../../../../core/protocol/index.ts";
import type { FakeCluster } from "./fake-cluster.ts";
import { type GroupAnswer, isGroupRequest } from "./fake-groups.ts";

export interface HarnessClient {
  step(now: Millis, input: Input): readonly Effect[];
  nextWakeup(): Millis | undefined;
  checkInvariants(): void;
}

interface Connection {
  generation: number;
  broken: boolean;
  /** Last scheduled arrival each way, so later sends never overtake earlier ones (FIFO). */
  toBrokerAt: Millis;
  toClientAt: Millis;
}

type Event =
  | {
      readonly kind: "request";
      readonly client: NodeId;
      readonly broker: NodeId;
      readonly generation: number;
      readonly correlationId: number;
      readonly request: ClientRequest;
    }
  | {
      readonly kind: "response";
      readonly client: NodeId;
      readonly broker: NodeId;
      readonly generation: number;
      readonly correlationId: number;
      readonly response: ClientResponse;
    }
  | { readonly kind: "lost"; readonly client: NodeId; readonly broker: NodeId }
  | { readonly kind: "fetch-deadline" };

interface Scheduled {
  readonly at: Millis;
  readonly seq: number;
  readonly event: Event;
}

interface ParkedFetch {
  readonly client: NodeId;
  readonly broker: NodeId;
  readonly generation: number;
  readonly correlationId: number;
  readonly request: Extract<ClientRequest, { api: "Fetch" }>;
  readonly deadline: Millis;
}

export interface LoggedEffect {
  readonly at: Millis;
  readonly client: NodeId;
  readonly effect: Effect;
}

export class Harness {
  now: Millis = 0;
  readonly cluster: FakeCluster;
  readonly latencyMs: Millis;
  readonly clients = new Map<NodeId, HarnessClient>();
  readonly effects: LoggedEffect[] = [];
  readonly #connections = new Map<string, Connection>();
  #queue: Scheduled[] = [];
  #seq = 0;
  #parked: ParkedFetch[] = [];
  /** Steps taken, to bound runaway loops in tests. */
  steps = 0;

  constructor(cluster: FakeCluster, latencyMs: Millis = 1) {
    this.cluster = cluster;
    this.latencyMs = latencyMs;
  }

  add(id: number, client: HarnessClient): void {
    this.clients.set(nodeId(id), client);
    this.#deliver(nodeId(id), { type: "start" });
  }

  /** The test acts as the application: `act` calls the client's own entry point. */
  act(id: number, act: (now: Millis) => readonly Effect[]): void {
    const client = this.#client(nodeId(id));
    this.#handleEffects(nodeId(id), act(this.now));
    client.checkInvariants();
  }

  #client(id: NodeId): HarnessClient {
    const client = this.clients.get(id);
    if (client === undefined) throw new Error(`no client ${id}`);
    return client;
  }

  #connection(client: NodeId, broker: NodeId): Connection {
    const key = `${client}->${broker}`;
    let c = this.#connections.get(key);
    if (c === undefined) {
      c = { generation: 0, broken: false, toBrokerAt: 0, toClientAt: 0 };
      this.#connections.set(key, c);
    }
    return c;
  }

  #schedule(at: Millis, event: Event): void {
    this.#queue.push({ at, seq: this.#seq++, event });
    this.#queue.sort((a, b) => a.at - b.at || a.seq - b.seq);
  }

  /**
   * The client process is gone: its connections die with it and nothing in flight reaches a later
   * incarnation under the same node id (it would reuse correlation ids).
   */
  remove(id: number): void {
    this.clients.delete(nodeId(id));
    for (const [key, c] of this.#connections) {
      if (!key.startsWith(`${id}->`)) continue;
      c.generation++;
      c.broken = false;
    }
  }

  /** Breaks the connection now: what is in flight is lost, and the client is told. */
  dropConnection(client: number, broker: number): void {
    const c = this.#connection(nodeId(client), nodeId(broker));
    if (c.broken) return;
    c.broken = true;
    this.#schedule(this.now, { kind: "lost", client: nodeId(client), broker: nodeId(broker) });
  }

  #deliver(id: NodeId, input: Input): void {
    const client = this.#client(id);
    this.steps++;
    this.#handleEffects(id, client.step(this.now, input));
    client.checkInvariants();
  }

  #handleEffects(client: NodeId, effects: readonly Effect[]): void {
    for (const effect of effects) {
      this.effects.push({ at: this.now, client, effect });
      if (effect.type !== "request") continue;
      const c = this.#connection(client, effect.to);
      const at = Math.max(this.now + this.latencyMs, c.toBrokerAt);
      c.toBrokerAt = at;
      this.#schedule(at, {
        kind: "request",
        client,
        broker: effect.to,
        generation: c.generation,
        correlationId: effect.correlationId,
        request: effect.request,
      });
    }
  }

  #respond(
    client: NodeId,
    broker: NodeId,
    generation: number,
    correlationId: number,
    response: ClientResponse,
    delayMs: Millis,
  ): void {
    const c = this.#connection(client, broker);
    const at = Math.max(this.now + this.latencyMs + delayMs, c.toClientAt);
    c.toClientAt = at;
    this.#schedule(at, { kind: "response", client, broker, generation, correlationId, response });
  }

  #onRequest(e: Extract<Event, { kind: "request" }>): void {
    const c = this.#connection(e.client, e.broker);
    if (c.broken || c.generation !== e.generation) return;
    const groups = this.cluster.groups;
    if (groups !== undefined && isGroupRequest(e.request)) {
      const action = this.cluster.actionFor(this.now, e.broker, e.request);
      if (action.type === "drop-before") {
        this.dropConnection(e.client, e.broker);
        return;
      }
      const reply = {
        client: e.client,
        broker: e.broker,
        generation: e.generation,
        correlationId: e.correlationId,
      };
      const answers = groups.handle(this.now, e.broker, e.request, reply);
      if (action.type === "black-hole") return;
      const delay = action.type === "delay" ? action.delayMs : 0;
      this.deliverGroupAnswers(answers, delay);
      return;
    }
    const outcome = this.cluster.handle(this.now, e.broker, e.request);
    if (outcome.dropConnection) this.dropConnection(e.client, e.broker);
    const response = outcome.response;
    if (response === undefined) return;
    if (
      e.request.api === "Fetch" &&
      response.api === "Fetch" &&
      this.#shouldPark(e.request, response.body)
    ) {
      const deadline = this.now + e.request.body.maxWaitMs;
      this.#parked.push({ ...e, request: e.request, deadline });
      this.#schedule(deadline, { kind: "fetch-deadline" });
      return;
    }
    this.#respond(e.client, e.broker, e.generation, e.correlationId, response, outcome.delayMs);
    if (e.request.api === "Produce") this.#wakeParked(false);
  }

  #shouldPark(
    request: Extract<ClientRequest, { api: "Fetch" }>,
    body: import("../../../../core/protocol/index.ts").FetchResponse,
  ): boolean {
    if (request.body.maxWaitMs <= 0) return false;
    let bytes = 0;
    for (const t of body.responses) {
      for (const p of t.partitions) {
        if (p.errorCode !== 0) return false;
        bytes += p.records?.length ?? 0;
      }
    }
    return bytes < Math.max(1, request.body.minBytes);
  }

  /** Answers of the group coordinator (to this request or to parked ones) go back to clients. */
  deliverGroupAnswers(answers: readonly GroupAnswer[], delayMs = 0): void {
    for (const a of answers) {
      const r = a.reply;
      this.#respond(r.client, r.broker, r.generation, r.correlationId, a.response, delayMs);
    }
  }

  /** Re-answers parked fetches that now have data (or whose wait is over). */
  #wakeParked(deadlineOnly: boolean): void {
    const still: ParkedFetch[] = [];
    for (const p of this.#parked) {
      const c = this.#connection(p.client, p.broker);
      if (c.broken || c.generation !== p.generation) continue;
      const body = this.cluster.fetch(p.broker, p.request.body);
      const due = this.now >= p.deadline;
      if (!due && (deadlineOnly || this.#shouldPark(p.request, body))) {
        still.push(p);
        continue;
      }
      this.#respond(p.client, p.broker, p.generation, p.correlationId, { api: "Fetch", body }, 0);
    }
    this.#parked = still;
  }

  #process(e: Event): void {
    switch (e.kind) {
      case "request":
        this.#onRequest(e);
        break;
      case "response": {
        const c = this.#connection(e.client, e.broker);
        if (c.broken || c.generation !== e.generation || !this.clients.has(e.client)) return;
        this.#deliver(e.client, {
          type: "client-response",
          from: e.broker,
          correlationId: e.correlationId,
          response: e.response,
        });
        break;
      }
      case "lost": {
        if (!this.clients.has(e.client)) return;
        const c = this.#connection(e.client, e.broker);
        c.generation++;
        c.broken = false;
        this.#deliver(e.client, { type: "client-connection-lost", to: e.broker });
        break;
      }
      case "fetch-deadline":
        this.#wakeParked(true);
        break;
    }
  }

  /** Runs events and timers up to and including time `until`. */
  runUntil(until: Millis, maxSteps = 200_000): void {
    const start = this.steps;
    for (;;) {
      if (this.steps - start > maxSteps) throw new Error(`harness exceeded ${maxSteps} steps`);
      let wakeClient: NodeId | undefined;
      let wakeAt = Number.POSITIVE_INFINITY;
      for (const [id, client] of this.clients) {
        const at = client.nextWakeup();
        if (at !== undefined && at < wakeAt) {
          wakeAt = at;
          wakeClient = id;
        }
      }
      const head = this.#queue[0];
      const eventAt = head?.at ?? Number.POSITIVE_INFINITY;
      const groupAt = this.cluster.groups?.nextDeadline() ?? Number.POSITIVE_INFINITY;
      const next = Math.min(eventAt, wakeAt, groupAt);
      if (next > until) break;
      if (next < this.now) throw new Error(`wakeup in the past: ${next} < ${this.now}`);
      this.now = next;
      if (groupAt <= eventAt && groupAt <= wakeAt) {
        this.steps++;
        this.deliverGroupAnswers(this.cluster.groups!.tick(this.now));
      } else if (head !== undefined && eventAt <= wakeAt) {
        this.#queue.shift();
        this.#process(head.event);
      } else if (wakeClient !== undefined) {
        this.#deliver(wakeClient, { type: "timer" });
      }
    }
    this.now = Math.max(this.now, until);
  }

  runFor(ms: Millis): void {
    this.runUntil(this.now + ms);
  }

  /** Requests the clients sent, by API. */
  requests(
    api?: string,
  ): { at: Millis; client: NodeId; effect: Extract<Effect, { type: "request" }> }[] {
    const out: { at: Millis; client: NodeId; effect: Extract<Effect, { type: "request" }> }[] = [];
    for (const e of this.effects) {
      if (e.effect.type === "request" && (api === undefined || e.effect.request.api === api)) {
        out.push({ at: e.at, client: e.client, effect: e.effect });
      }
    }
    return out;
  }

  /** The history ops the clients recorded, in trace order (optionally of one client). */
  history(client?: number): HistoryOp[] {
    const out: HistoryOp[] = [];
    for (const e of this.effects) {
      if (client !== undefined && e.client !== client) continue;
      if (e.effect.type === "trace" && e.effect.event.type === "history")
        out.push(e.effect.event.op);
    }
    return out;
  }

  /** Coverage marks the clients emitted. */
  marks(): string[] {
    const out: string[] = [];
    for (const e of this.effects) {
      if (e.effect.type === "trace" && e.effect.event.type === "mark")
        out.push(e.effect.event.name);
    }
    return out;
  }
}
