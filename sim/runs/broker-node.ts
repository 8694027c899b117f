// The broker as the simulator runs it: core's Broker, watched at the boundary. Every consumer Fetch
// it answers is checked against its own view at that instant (sim/checks/fetch-served.ts), and on
// canary runs the planted bug rewrites some Produce answers. Invariants: the broker gets its own
// copy of every produced record batch, as over a real network (it stamps offsets in place, which
// must never reach the producer's retained batch); without the canary, effects pass unchanged.

import type { Broker } from "../../core/broker/broker.ts";
import type { BrokerView } from "../../core/broker/broker-view.ts";
import type { ConnectionId, Millis } from "../../core/ids.ts";
import type { Effect, Input, Node } from "../../core/node.ts";
import type { ClientRequest, FetchRequest } from "../../core/protocol/index.ts";
import type { Canary } from "../canary.ts";
import { checkFetchServed, type FetchCheckContext } from "../checks/fetch-served.ts";

export interface BrokerProbe {
  readonly context: FetchCheckContext;
  /** Records the first breach (the run fails after this step). */
  fail(message: string): void;
  readonly canary: Canary | undefined;
}

export class BrokerNode implements Node<BrokerView> {
  readonly #broker: Broker;
  readonly #probe: BrokerProbe;
  /** Consumer Fetches in progress, by connection and correlation id. */
  readonly #fetches = new Map<ConnectionId, Map<number, FetchRequest>>();

  constructor(broker: Broker, probe: BrokerProbe) {
    this.#broker = broker;
    this.#probe = probe;
  }

  get broker(): Broker {
    return this.#broker;
  }

  step(now: Millis, input: Input): readonly Effect[] {
    if (input.type === "client-request" && input.request.api === "Produce") {
      input = { ...input, request: ownCopy(input.request) };
    } else if (input.type === "client-request" && input.request.api === "Fetch") {
      let byId = this.#fetches.get(input.connection);
      if (byId === undefined) {
        byId = new Map();
        this.#fetches.set(input.connection, byId);
      }
      byId.set(input.correlationId, input.request.body);
    } else if (input.type === "connection-closed") {
      this.#fetches.delete(input.connection);
    }
    const effects = this.#broker.step(now, input);
    this.#inspect(effects);
    const canary = this.#probe.canary;
    return canary === undefined ? effects : canary.rewrite(effects);
  }

  #inspect(effects: readonly Effect[]): void {
    let view: BrokerView | undefined;
    for (const effect of effects) {
      if (effect.type === "close") this.#fetches.delete(effect.connection);
      if (effect.type !== "respond" || effect.response.api !== "Fetch") continue;
      const byId = this.#fetches.get(effect.connection);
      const request = byId?.get(effect.correlationId);
      if (request === undefined) continue;
      byId!.delete(effect.correlationId);
      view ??= this.#broker.view();
      const breach = checkFetchServed(request, effect.response.body, view, this.#probe.context);
      if (breach !== undefined) this.#probe.fail(`fetch served: ${breach}`);
    }
  }

  nextWakeup(): Millis | undefined {
    return this.#broker.nextWakeup();
  }

  view(): BrokerView {
    return this.#broker.view();
  }

  checkInvariants(): void {
    this.#broker.checkInvariants();
  }
}

/**
 * The request with its record bytes copied. In the world a message is passed by reference; a real
 * broker reads a frame of its own, and Kafka's (and Runnel's) leader stamps base offsets into it
 * in place. Without the copy, stamping a retried batch rewrites the bytes of the first attempt,
 * which the broker's tail cache still serves (seed 0x19 found it).
 */
function ownCopy(request: Extract<ClientRequest, { api: "Produce" }>): ClientRequest {
  const body = request.body;
  const topicData = body.topicData.map((t) => ({
    ...t,
    partitionData: t.partitionData.map((p) => ({
      ...p,
      records: p.records === null ? null : p.records.slice(),
    })),
  }));
  return { ...request, body: { ...body, topicData } };
}
