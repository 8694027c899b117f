// Producer ids through the metadata quorum (KIP-730): the broker claims ids from blocks it asks of
// the active controller (AllocateProducerIds), and the controller hands out a block only once the
// `producer-ids` record naming the next free id is committed — so no id is handed out twice, across
// controller failovers and broker restarts. One request in flight; failures retry with a backoff.

import { ErrorCode } from "../error-codes.ts";
import type { NodeId } from "../ids.ts";
import type {
  AllocateProducerIdsRequest,
  AllocateProducerIdsResponse,
} from "../metadata/broker-lifecycle-messages.ts";
import { allocateProducerIdBlock } from "../producers/producer-id-blocks.ts";
import { ProducerIdManager } from "../producers/producer-id-manager.ts";
import type { BrokerContext } from "./broker-context.ts";

const TIMEOUT = "producer-ids:timeout";
const RETRY = "producer-ids:retry";
const RETRY_BACKOFF_MS = 100;
const RETRY_BACKOFF_MAX_MS = 2_000;

interface InFlight {
  readonly correlationId: number;
  readonly to: NodeId;
}

/** Broker side (Kafka's RPCProducerIdManager): blocks asked of the controller when wanted. */
export class BrokerProducerIds {
  readonly #ctx: BrokerContext;
  readonly manager = new ProducerIdManager();
  #inFlight: InFlight | null = null;
  #failures = 0;
  #retrying = false;

  constructor(ctx: BrokerContext) {
    this.#ctx = ctx;
  }

  /** Sends AllocateProducerIds if the manager wants a block and nothing stops it. */
  poll(): void {
    const ctx = this.#ctx;
    if (!this.manager.wantsBlock || this.#inFlight !== null || this.#retrying) return;
    const controller = ctx.ops.controllerId();
    const brokerEpoch = ctx.lifecycle.brokerEpoch;
    if (controller < 0 || brokerEpoch < 0) {
      this.#fail("producer-ids-no-controller");
      return;
    }
    const correlationId = ctx.peers.nextCorrelationId();
    this.#inFlight = { correlationId, to: controller as NodeId };
    this.manager.requested();
    ctx.peers.send(controller as NodeId, {
      type: "allocate-producer-ids-request",
      correlationId,
      brokerId: ctx.config.nodeId,
      brokerEpoch,
    });
    // The controller answers after its commit, which it gives up on after the session timeout.
    ctx.timers.set(TIMEOUT, ctx.mono.now + ctx.config.brokerSessionTimeoutMs + 1_000);
  }

  onResponse(msg: AllocateProducerIdsResponse): void {
    if (this.#inFlight === null || this.#inFlight.correlationId !== msg.correlationId) {
      this.#ctx.outbox.mark("producer-ids-stale-response");
      return;
    }
    this.#inFlight = null;
    this.#ctx.timers.clear(TIMEOUT);
    if (msg.errorCode !== ErrorCode.NONE || msg.producerIdLen <= 0 || msg.producerIdStart < 0) {
      this.manager.onBlockFailed();
      this.#fail(`producer-ids-refused-${msg.errorCode}`);
      return;
    }
    this.#failures = 0;
    this.manager.onBlock({
      assignedBrokerId: this.#ctx.config.nodeId,
      firstProducerId: msg.producerIdStart,
      size: msg.producerIdLen,
    });
  }

  onPeerUnreachable(peer: NodeId): void {
    if (this.#inFlight?.to !== peer) return;
    this.#lost("producer-ids-controller-unreachable");
  }

  /** Handles a due timer if it is one of ours; false otherwise. */
  onTimer(key: string): boolean {
    if (key === TIMEOUT) {
      if (this.#inFlight !== null) this.#lost("producer-ids-request-timed-out");
      return true;
    }
    if (key === RETRY) {
      this.#retrying = false;
      this.poll();
      return true;
    }
    return false;
  }

  #lost(mark: string): void {
    this.#inFlight = null;
    this.#ctx.timers.clear(TIMEOUT);
    this.manager.onBlockFailed();
    this.#fail(mark);
  }

  /** Tries again after a growing backoff (a refusing controller answers at once). */
  #fail(mark: string): void {
    const ctx = this.#ctx;
    ctx.outbox.mark(mark);
    const backoff = Math.min(RETRY_BACKOFF_MAX_MS, RETRY_BACKOFF_MS * 2 ** this.#failures);
    this.#failures = Math.min(this.#failures + 1, 16);
    this.#retrying = true;
    ctx.timers.set(RETRY, ctx.mono.now + backoff);
  }
}

/**
 * Controller side (Kafka's ProducerIdControlManager): a block past every block in the controller's
 * image (proposed records included, so two allocations never overlap), answered once committed.
 */
export function serveAllocateProducerIds(
  ctx: BrokerContext,
  from: NodeId,
  req: AllocateProducerIdsRequest,
  active: boolean,
): void {
  const answer = (errorCode: ErrorCode, producerIdStart = -1, producerIdLen = 0) =>
    ctx.peers.send(from, {
      type: "allocate-producer-ids-response",
      correlationId: req.correlationId,
      errorCode,
      producerIdStart,
      producerIdLen,
    });
  if (!active) {
    answer(ErrorCode.NOT_CONTROLLER);
    return;
  }
  const image = ctx.controller.image;
  const registered = image.broker(req.brokerId);
  if (registered === undefined || registered.brokerEpoch !== req.brokerEpoch) {
    ctx.outbox.mark("producer-ids-stale-broker-epoch");
    answer(ErrorCode.STALE_BROKER_EPOCH);
    return;
  }
  const allocated = allocateProducerIdBlock(image.nextProducerId, req.brokerId, req.brokerEpoch);
  if (!allocated.ok) {
    ctx.outbox.mark("producer-ids-exhausted");
    answer(allocated.error);
    return;
  }
  const { block, record } = allocated.value;
  ctx.ops.submit(ctx.now, [record], ctx.config.brokerSessionTimeoutMs, (outcome) => {
    if (outcome !== "committed") {
      // The block may still commit: it is then lost, never handed out twice.
      ctx.outbox.mark(`producer-ids-allocation-${outcome}`);
      const error =
        outcome === "not-controller" ? ErrorCode.NOT_CONTROLLER : ErrorCode.REQUEST_TIMED_OUT;
      return answer(error);
    }
    ctx.outbox.trace({
      type: "producer-ids-allocated",
      brokerId: req.brokerId,
      brokerEpoch: req.brokerEpoch,
      firstProducerId: block.firstProducerId,
      size: block.size,
    });
    answer(ErrorCode.NONE, block.firstProducerId, block.size);
  });
}
