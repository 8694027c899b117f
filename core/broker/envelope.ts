// Admin requests on a broker that is not the active controller travel to it in an envelope
// (KIP-590): the broker forwards CreateTopics, DeleteTopics, CreatePartitions and AlterConfigs, the
// controller runs its own handler and sends the answer back. Lost or refused: NOT_CONTROLLER, as before.

import { assert } from "../assert.ts";
import { ErrorCode } from "../error-codes.ts";
import { connectionId, type NodeId } from "../ids.ts";
import { limits } from "../limits.ts";
import type { EnvelopeRequest, EnvelopeResponse } from "../metadata/broker-lifecycle-messages.ts";
import type { ClientRequest, ClientResponse } from "../protocol/index.ts";
import type { BrokerContext } from "./broker-context.ts";
import type { QueuedRequest, Reply } from "./connections.ts";
import { forwardedApis, handleRequest } from "./handle-request.ts";

/** A forwarded answer waits at most this long beyond the request's own timeout. */
const ENVELOPE_MARGIN_MS = 5_000;
const TIMER = "envelope:";

interface Forwarded {
  readonly to: NodeId;
  readonly onAnswer: (response: ClientResponse | null) => void;
}

/** Controller side: answers a forwarded request with the handler a client connection would get. */
export function serveEnvelope(
  ctx: BrokerContext,
  from: NodeId,
  req: EnvelopeRequest,
  active: boolean,
): void {
  const send = (errorCode: ErrorCode, response: ClientResponse | null) =>
    ctx.peers.send(from, {
      type: "envelope-response",
      correlationId: req.correlationId,
      errorCode,
      response,
    });
  if (!active || !forwardedApis.has(req.request.api)) {
    send(ErrorCode.NOT_CONTROLLER, null);
    return;
  }
  let done = false;
  const reply: Reply = {
    connection: connectionId(-1),
    correlationId: req.correlationId,
    closed: false,
    respond(response) {
      assert(!done, "envelope answered twice");
      done = true;
      send(ErrorCode.NONE, response);
    },
    noResponse() {
      assert(false, "a forwarded admin request always has an answer");
    },
  };
  const queued: QueuedRequest = {
    connection: reply.connection,
    correlationId: req.correlationId,
    request: req.request,
  };
  handleRequest(ctx, queued, reply);
}

/** Broker side: the envelopes in flight to the controller. */
export class EnvelopeForwarder {
  readonly #ctx: BrokerContext;
  readonly #inFlight = new Map<number, Forwarded>();

  constructor(ctx: BrokerContext) {
    this.#ctx = ctx;
  }

  get size(): number {
    return this.#inFlight.size;
  }

  /**
   * Sends `request` to the active controller; `onAnswer` gets its answer, or null when none came
   * (no controller known, refused, lost, timed out). False when nothing could be sent.
   */
  forward(
    request: ClientRequest,
    timeoutMs: number,
    onAnswer: (response: ClientResponse | null) => void,
  ): boolean {
    const ctx = this.#ctx;
    const controller = ctx.ops.controllerId();
    if (controller < 0 || controller === ctx.config.nodeId) return false;
    if (this.#inFlight.size >= limits.requestsQueuedMax) return false;
    const correlationId = ctx.peers.nextCorrelationId();
    this.#inFlight.set(correlationId, { to: controller as NodeId, onAnswer });
    ctx.peers.send(controller as NodeId, { type: "envelope-request", correlationId, request });
    ctx.timers.set(
      `${TIMER}${correlationId}`,
      ctx.mono.now + Math.max(0, timeoutMs) + ENVELOPE_MARGIN_MS,
    );
    ctx.outbox.mark("admin-request-forwarded");
    return true;
  }

  onResponse(msg: EnvelopeResponse): void {
    const forwarded = this.#take(msg.correlationId);
    if (forwarded === undefined) return;
    forwarded.onAnswer(msg.errorCode === ErrorCode.NONE ? msg.response : null);
  }

  onPeerUnreachable(peer: NodeId): void {
    for (const [id, f] of [...this.#inFlight]) {
      if (f.to !== peer) continue;
      this.#take(id);
      f.onAnswer(null);
    }
  }

  onTimer(key: string): boolean {
    if (!key.startsWith(TIMER)) return false;
    const forwarded = this.#take(Number(key.slice(TIMER.length)));
    forwarded?.onAnswer(null);
    return true;
  }

  #take(correlationId: number): Forwarded | undefined {
    const f = this.#inFlight.get(correlationId);
    if (f === undefined) return undefined;
    this.#inFlight.delete(correlationId);
    this.#ctx.timers.clear(`${TIMER}${correlationId}`);
    return f;
  }
}
