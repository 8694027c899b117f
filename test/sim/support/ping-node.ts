// A test server that pings every peer on a timer, answers pings with pongs and client requests with
// an echo. It asserts what the world promises: per peer, pings arrive in the order sent, once.

import { AssertionFailure, assert, assertNever } from "../../../core/assert.ts";
import type { Millis, NodeId } from "../../../core/ids.ts";
import type { Effect, Input, Node, NodeView } from "../../../core/node.ts";
import type { PeerMessage } from "../../../core/peer-message.ts";
import type { ClientResponse } from "../../../core/protocol/index.ts";
import type { Rng } from "../../../core/rng.ts";

export type TestMessage =
  | { readonly kind: "ping"; readonly incarnation: number; readonly seq: number }
  | { readonly kind: "pong"; readonly seq: number };

/** Test payloads ride in PeerMessage's place: the world never looks inside a message. */
export const asPeerMessage = (message: TestMessage): PeerMessage =>
  message as unknown as PeerMessage;
export const asTestMessage = (message: PeerMessage): TestMessage =>
  message as unknown as TestMessage;

export interface PingView extends NodeView {
  readonly kind: "ping";
  readonly incarnation: number;
  readonly starts: number;
  readonly timers: number;
  readonly pingsSent: number;
  readonly pingsReceived: number;
  readonly pongsReceived: number;
  readonly unreachable: number;
  readonly requestsServed: number;
  readonly connectionsClosed: number;
  /** Local times at which the timer fired. */
  readonly timerTimes: readonly Millis[];
}

export interface PingOptions {
  readonly peers: readonly NodeId[];
  /** Ping period on the node's own clock; 0 disables the timer. */
  readonly intervalMs: number;
  /** Add a drawn jitter of up to this many ms to each period. */
  readonly jitterMs?: number;
  /** Keep the local time of every timer firing (for clock tests). */
  readonly recordTimers?: boolean;
}

export class PingNode implements Node<PingView> {
  readonly #id: NodeId;
  readonly #incarnation: number;
  readonly #rng: Rng;
  readonly #options: PingOptions;
  readonly #lastPing = new Map<NodeId, { incarnation: number; seq: number }>();
  readonly #timerTimes: Millis[] = [];
  #next: Millis | undefined;
  #seq = 0;
  #starts = 0;
  #timers = 0;
  #pingsReceived = 0;
  #pongsReceived = 0;
  #unreachable = 0;
  #requestsServed = 0;
  #connectionsClosed = 0;

  constructor(id: NodeId, incarnation: number, rng: Rng, options: PingOptions) {
    this.#id = id;
    this.#incarnation = incarnation;
    this.#rng = rng;
    this.#options = options;
  }

  step(now: Millis, input: Input): readonly Effect[] {
    switch (input.type) {
      case "start":
        this.#starts++;
        if (this.#options.intervalMs > 0) this.#next = now + this.#period();
        return [];
      case "timer":
        return this.#timer(now);
      case "peer-message":
        return this.#peerMessage(input.from, input.message);
      case "peer-unreachable":
        this.#unreachable++;
        return [];
      case "client-request": {
        this.#requestsServed++;
        const response = { api: input.request.api, body: { echo: input.correlationId } };
        return [
          {
            type: "respond",
            connection: input.connection,
            correlationId: input.correlationId,
            response: response as unknown as ClientResponse,
          },
        ];
      }
      case "connection-closed":
        this.#connectionsClosed++;
        return [];
      case "client-response":
      case "client-connection-lost":
      case "disk-done":
        throw new AssertionFailure(`a ping server never gets ${input.type}`);
      default:
        return assertNever(input, "input");
    }
  }

  #period(): number {
    const jitter = this.#options.jitterMs ?? 0;
    return this.#options.intervalMs + (jitter > 0 ? this.#rng.int("ping-jitter", jitter + 1) : 0);
  }

  #timer(now: Millis): Effect[] {
    assert(this.#next !== undefined && now >= this.#next, "timer before the wakeup");
    this.#timers++;
    if (this.#options.recordTimers === true) this.#timerTimes.push(now);
    this.#next = now + this.#period();
    const seq = ++this.#seq;
    const message = asPeerMessage({ kind: "ping", incarnation: this.#incarnation, seq });
    return this.#options.peers
      .filter((peer) => peer !== this.#id)
      .map((to) => ({ type: "send", to, message }) as const);
  }

  #peerMessage(from: NodeId, raw: PeerMessage): Effect[] {
    const message = asTestMessage(raw);
    if (message.kind === "pong") {
      this.#pongsReceived++;
      return [];
    }
    const last = this.#lastPing.get(from);
    const later =
      last === undefined ||
      message.incarnation > last.incarnation ||
      (message.incarnation === last.incarnation && message.seq > last.seq);
    assert(
      later,
      `ping ${message.incarnation}/${message.seq} from ${from} after ${JSON.stringify(last)}`,
    );
    this.#lastPing.set(from, { incarnation: message.incarnation, seq: message.seq });
    this.#pingsReceived++;
    return [{ type: "send", to: from, message: asPeerMessage({ kind: "pong", seq: message.seq }) }];
  }

  nextWakeup(): Millis | undefined {
    return this.#next;
  }

  view(): PingView {
    return {
      nodeId: this.#id,
      kind: "ping",
      incarnation: this.#incarnation,
      starts: this.#starts,
      timers: this.#timers,
      pingsSent: this.#seq,
      pingsReceived: this.#pingsReceived,
      pongsReceived: this.#pongsReceived,
      unreachable: this.#unreachable,
      requestsServed: this.#requestsServed,
      connectionsClosed: this.#connectionsClosed,
      timerTimes: this.#timerTimes,
    };
  }

  checkInvariants(): void {
    assert(this.#starts === 1, `started ${this.#starts} times in one incarnation`);
    assert(this.#pongsReceived <= this.#seq * this.#options.peers.length, "more pongs than pings");
  }
}
