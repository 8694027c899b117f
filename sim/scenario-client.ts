// The scripted client of text scenarios: it sends the requests the scenario driver queues (one
// connection per server, like any client) and keeps every answer by correlation id. Invariant: a
// request is sent once; an answer or the loss of its connection settles it, nothing else.

import type { Millis, NodeId } from "../core/ids.ts";
import type { Effect, Input, Node, NodeView } from "../core/node.ts";
import type { ClientRequest, ClientResponse } from "../core/protocol/index.ts";

/** How often the client looks for queued requests (the driver queues them between runs). */
const pollMs = 1;

export type Settled =
  | { readonly type: "answer"; readonly response: ClientResponse }
  | { readonly type: "lost" };

export class ScriptClient implements Node {
  readonly #id: NodeId;
  readonly #queue: { correlationId: number; to: NodeId; request: ClientRequest }[] = [];
  readonly #inFlight = new Map<number, NodeId>();
  readonly #settled = new Map<number, Settled>();
  #nextId = 1;
  #now = 0;

  constructor(id: NodeId) {
    this.#id = id;
  }

  /** Queues a request; returns its correlation id. */
  send(to: NodeId, request: ClientRequest): number {
    const correlationId = this.#nextId++;
    this.#queue.push({ correlationId, to, request });
    return correlationId;
  }

  /** The outcome of a request, once it has one. */
  settled(correlationId: number): Settled | undefined {
    return this.#settled.get(correlationId);
  }

  step(now: Millis, input: Input): readonly Effect[] {
    this.#now = Math.max(now, this.#now);
    switch (input.type) {
      case "client-response":
        this.#inFlight.delete(input.correlationId);
        this.#settled.set(input.correlationId, { type: "answer", response: input.response });
        break;
      case "client-connection-lost":
        for (const [id, to] of [...this.#inFlight]) {
          if (to !== input.to) continue;
          this.#inFlight.delete(id);
          this.#settled.set(id, { type: "lost" });
        }
        break;
      default:
        break;
    }
    const effects: Effect[] = [];
    for (const { correlationId, to, request } of this.#queue.splice(0)) {
      if (!(request.api === "Produce" && request.body.acks === 0)) {
        this.#inFlight.set(correlationId, to);
      }
      effects.push({ type: "request", to, correlationId, request });
    }
    return effects;
  }

  nextWakeup(): Millis | undefined {
    return this.#now + pollMs;
  }

  view(): NodeView {
    return { nodeId: this.#id, kind: "script-client" };
  }

  checkInvariants(): void {}
}
