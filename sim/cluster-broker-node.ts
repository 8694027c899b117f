// A cluster broker as the simulator runs it: core's Broker, given its own copy of every record
// batch that arrives (a Produce from a client, a follower fetch answer from a peer), as a real
// network would. The world passes messages by reference, and a leader stamps base offsets into a
// batch in place: without the copy a client's resend would rewrite what the log already holds.

import type { Broker } from "../core/broker/broker.ts";
import type { BrokerView } from "../core/broker/broker-view.ts";
import type { Millis } from "../core/ids.ts";
import type { Effect, Input, Node } from "../core/node.ts";

export class ClusterBrokerNode implements Node<BrokerView> {
  readonly broker: Broker;
  readonly #onHalt: () => void;
  #halted = false;

  /** `onHalt` runs once, after the step in which the broker halted (the process exits). */
  constructor(broker: Broker, onHalt: () => void) {
    this.broker = broker;
    this.#onHalt = onHalt;
  }

  step(now: Millis, input: Input): readonly Effect[] {
    const effects = this.broker.step(now, ownCopy(input));
    if (
      !this.#halted &&
      effects.some((e) => e.type === "trace" && e.event.type === "broker-halted")
    ) {
      this.#halted = true;
      this.#onHalt();
    }
    return effects;
  }

  nextWakeup(): Millis | undefined {
    return this.broker.nextWakeup();
  }

  view(): BrokerView {
    return this.broker.view();
  }

  checkInvariants(): void {
    this.broker.checkInvariants();
  }
}

/** The input with every record batch it carries copied. */
export function ownCopy(input: Input): Input {
  if (input.type === "client-request" && input.request.api === "Produce") {
    const body = input.request.body;
    const topicData = body.topicData.map((t) => ({
      ...t,
      partitionData: t.partitionData.map((p) => ({
        ...p,
        records: p.records === null ? null : p.records.slice(),
      })),
    }));
    return { ...input, request: { ...input.request, body: { ...body, topicData } } };
  }
  if (input.type === "peer-message" && input.message.type === "replica-fetch-response") {
    const message = input.message;
    const partitions = message.partitions.map((p) => ({ ...p, records: p.records.slice() }));
    return { ...input, message: { ...message, partitions } };
  }
  return input;
}
