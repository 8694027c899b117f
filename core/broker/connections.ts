// Client connections: a FIFO of requests per connection, one request handled at a time, so
// responses leave in request order (Kafka mutes a channel until its response is sent). Every
// queue is bounded; past a bound the connection is closed, the client reconnects and retries.

import { assert } from "../assert.ts";
import type { ConnectionId } from "../ids.ts";
import { limits } from "../limits.ts";
import type { ClientRequest, ClientResponse } from "../protocol/index.ts";

export interface QueuedRequest {
  readonly connection: ConnectionId;
  readonly correlationId: number;
  readonly request: ClientRequest;
}

/** How a handler finishes a request: exactly one of respond / noResponse, once. */
export interface Reply {
  readonly connection: ConnectionId;
  readonly correlationId: number;
  respond(response: ClientResponse): void;
  /** acks=0 produce: nothing goes back, the next request may start. */
  noResponse(): void;
  /** The connection closed: answers are dropped. */
  readonly closed: boolean;
}

export interface ConnectionsIo {
  respond(connection: ConnectionId, correlationId: number, response: ClientResponse): void;
  close(connection: ConnectionId, reason: string): void;
  /** Starts one request; the handler finishes it through `reply`, now or later. */
  handle(request: QueuedRequest, reply: Reply): void;
}

interface ConnectionState {
  readonly queue: QueuedRequest[];
  inFlight: ReplyImpl | undefined;
}

class ReplyImpl implements Reply {
  readonly connection: ConnectionId;
  readonly correlationId: number;
  #done = false;
  #closed = false;
  readonly #finish: (reply: ReplyImpl, response: ClientResponse | undefined) => void;

  constructor(
    request: QueuedRequest,
    finish: (reply: ReplyImpl, response: ClientResponse | undefined) => void,
  ) {
    this.connection = request.connection;
    this.correlationId = request.correlationId;
    this.#finish = finish;
  }

  get closed(): boolean {
    return this.#closed;
  }

  get done(): boolean {
    return this.#done;
  }

  markClosed(): void {
    this.#closed = true;
  }

  respond(response: ClientResponse): void {
    assert(!this.#done, `request ${this.correlationId} answered twice`);
    this.#done = true;
    if (!this.#closed) this.#finish(this, response);
  }

  noResponse(): void {
    assert(!this.#done, `request ${this.correlationId} finished twice`);
    this.#done = true;
    if (!this.#closed) this.#finish(this, undefined);
  }
}

export class Connections {
  readonly #io: ConnectionsIo;
  readonly #connections = new Map<ConnectionId, ConnectionState>();
  #queued = 0;
  #pumping = false;
  #open = false;
  /** Connections whose next request may be startable, in the order they became so. */
  readonly #toPump = new Set<ConnectionId>();

  constructor(io: ConnectionsIo) {
    this.#io = io;
  }

  get count(): number {
    return this.#connections.size;
  }

  /** Requests waiting to start, over all connections. */
  get queued(): number {
    return this.#queued;
  }

  /** Requests started and not yet finished. */
  get inFlight(): number {
    let n = 0;
    for (const c of this.#connections.values()) if (c.inFlight !== undefined) n++;
    return n;
  }

  /** Requests queue until the broker is ready; opening starts them. */
  open(): void {
    this.#open = true;
    this.#pumpAll();
  }

  receive(request: QueuedRequest): void {
    let state = this.#connections.get(request.connection);
    if (state === undefined) {
      if (this.#connections.size >= limits.connectionsMax) {
        this.#io.close(request.connection, `over ${limits.connectionsMax} connections`);
        return;
      }
      state = { queue: [], inFlight: undefined };
      this.#connections.set(request.connection, state);
    }
    if (
      state.queue.length >= limits.requestsQueuedPerConnectionMax ||
      this.#queued >= limits.requestsQueuedMax
    ) {
      this.closed(request.connection);
      this.#io.close(request.connection, "too many requests queued");
      return;
    }
    state.queue.push(request);
    this.#queued++;
    this.#pump(request.connection);
  }

  /** The connection closed (or is being closed): queued requests are dropped, answers too. */
  closed(connection: ConnectionId): void {
    const state = this.#connections.get(connection);
    if (state === undefined) return;
    this.#queued -= state.queue.length;
    state.inFlight?.markClosed();
    this.#connections.delete(connection);
    this.#toPump.delete(connection);
  }

  #finish(reply: ReplyImpl, response: ClientResponse | undefined): void {
    const state = this.#connections.get(reply.connection);
    assert(state !== undefined && state.inFlight === reply, "finished request is not in flight");
    state.inFlight = undefined;
    if (response !== undefined) this.#io.respond(reply.connection, reply.correlationId, response);
    this.#pump(reply.connection);
  }

  #pumpAll(): void {
    for (const connection of this.#connections.keys()) this.#pump(connection);
  }

  /**
   * Starts queued requests while their connection has none in flight. Never re-entered: a reply
   * made while pumping (on this connection or another) only marks its connection for the loop.
   */
  #pump(connection: ConnectionId): void {
    this.#toPump.add(connection);
    if (!this.#open || this.#pumping) return;
    this.#pumping = true;
    for (const next of this.#toPump) {
      this.#toPump.delete(next);
      this.#startNext(next);
    }
    this.#pumping = false;
  }

  #startNext(connection: ConnectionId): void {
    const state = this.#connections.get(connection);
    if (state === undefined || state.inFlight !== undefined) return;
    const next = state.queue.shift();
    if (next === undefined) return;
    this.#queued--;
    const reply = new ReplyImpl(next, (r, response) => this.#finish(r, response));
    state.inFlight = reply;
    this.#io.handle(next, reply);
  }

  checkInvariants(): void {
    let queued = 0;
    for (const state of this.#connections.values()) {
      queued += state.queue.length;
      assert(state.queue.length <= limits.requestsQueuedPerConnectionMax, "connection queue");
      assert(state.inFlight === undefined || !state.inFlight.done, "finished request in flight");
    }
    assert(queued === this.#queued, `queued count ${this.#queued} but ${queued} queued`);
    assert(this.#connections.size <= limits.connectionsMax, "connections over limit");
  }
}
