// The simulated clients of a cluster run: one world node per workload slot, running that slot's
// SimProducer or SimConsumer incarnations as the workload says (start, commands, crash), and the
// final reader. Invariant: an incarnation never sees an answer to a request of an earlier one —
// requests carry correlation ids of this node, mapped back to the incarnation that sent them.

import { assert } from "../core/assert.ts";
import { consumerConfig, producerConfig } from "../core/client/client-config.ts";
import { SimConsumer } from "../core/client/consumer.ts";
import { SimProducer } from "../core/client/producer.ts";
import type { WorkloadEvent } from "../core/client/workload.ts";
import type { KeyMap } from "../core/client/workload-keys.ts";
import { slotConsumerConfig } from "../core/client/workload-kinds.ts";
import type { Millis, NodeId } from "../core/ids.ts";
import type { Effect, Input, Node, NodeView } from "../core/node.ts";
import type { Rng } from "../core/rng.ts";
import type { ClusterLayout } from "./cluster-scenario.ts";

type Inner =
  | { readonly kind: "producer"; readonly node: SimProducer }
  | { readonly kind: "consumer"; readonly node: SimConsumer };

export interface ClusterClientView extends NodeView {
  readonly kind: "cluster-client";
  readonly slot: number;
  readonly incarnation: number;
  readonly eventsLeft: number;
  readonly client: NodeView | null;
}

export interface ClusterClientOptions {
  readonly id: NodeId;
  readonly slot: number;
  readonly events: readonly WorkloadEvent[];
  readonly layout: ClusterLayout;
  readonly keyMap: KeyMap;
  readonly rng: Rng;
  /** True simulated time: the workload's schedule runs on it. */
  readonly trueNow: () => number;
}

export class ClusterClientNode implements Node<ClusterClientView> {
  readonly #o: ClusterClientOptions;
  #next = 0;
  #inner: Inner | undefined;
  #incarnation = 0;
  /** Our correlation id -> the incarnation and its own id. */
  readonly #sent = new Map<number, { incarnation: number; id: number; to: NodeId }>();
  #nextCorrelationId = 1;
  #lastLocal = Number.NEGATIVE_INFINITY;
  #lastTrue = 0;

  constructor(options: ClusterClientOptions) {
    this.#o = options;
  }

  step(now: Millis, input: Input): readonly Effect[] {
    const local = Math.max(now, this.#lastLocal);
    this.#lastLocal = local;
    this.#lastTrue = this.#o.trueNow();
    const out: Effect[] = [];
    const inner = this.#inner;
    if (inner !== undefined) {
      const translated = this.#translate(input);
      if (translated !== undefined) this.#emit(out, inner.node.step(local, translated));
    }
    this.#runDue(local, out);
    return out;
  }

  /** An input for the current incarnation, or undefined when it belongs to an earlier one. */
  #translate(input: Input): Input | undefined {
    if (input.type === "client-response") {
      const sent = this.#sent.get(input.correlationId);
      this.#sent.delete(input.correlationId);
      if (sent === undefined || sent.incarnation !== this.#incarnation) return undefined;
      return { ...input, correlationId: sent.id };
    }
    if (input.type === "client-connection-lost") {
      for (const [id, s] of [...this.#sent]) if (s.to === input.to) this.#sent.delete(id);
      return input;
    }
    return input.type === "start" ? undefined : input;
  }

  #emit(out: Effect[], effects: readonly Effect[]): void {
    for (const effect of effects) {
      if (effect.type !== "request") {
        out.push(effect);
        continue;
      }
      const correlationId = this.#nextCorrelationId++;
      // acks=0 produces get no answer: nothing to map back (the map stays bounded).
      const answered = !(effect.request.api === "Produce" && effect.request.body.acks === 0);
      if (answered) {
        assert(this.#sent.size < 100_000, "client correlation map over its bound");
        this.#sent.set(correlationId, {
          incarnation: this.#incarnation,
          id: effect.correlationId,
          to: effect.to,
        });
      }
      out.push({ ...effect, correlationId });
    }
  }

  #runDue(local: Millis, out: Effect[]): void {
    const events = this.#o.events;
    for (let e = events[this.#next]; e !== undefined && e.atMs <= this.#lastTrue; ) {
      this.#next++;
      this.#apply(local, e, out);
      e = events[this.#next];
    }
  }

  #apply(local: Millis, event: WorkloadEvent, out: Effect[]): void {
    switch (event.type) {
      case "start-client": {
        this.#incarnation++;
        this.#inner = this.#create(event.client.kind, event.processId);
        this.#emit(out, this.#inner.node.step(local, { type: "start" }));
        return;
      }
      case "producer":
        if (this.#inner?.kind === "producer") {
          this.#emit(out, this.#inner.node.apply(local, event.command));
        }
        return;
      case "consumer":
        if (this.#inner?.kind === "consumer") {
          this.#emit(out, this.#inner.node.apply(local, event.command));
        }
        return;
      case "crash-client":
        if (this.#inner !== undefined) this.#emit(out, this.#inner.node.crash(local));
        this.#inner = undefined;
        this.#incarnation++;
        return;
    }
  }

  #create(kind: "producer" | "consumer", processId: number): Inner {
    const { id, slot, layout, keyMap, rng } = this.#o;
    const common = { bootstrapNodes: [...layout.brokers], clientId: `sim-${slot}` };
    if (kind === "producer") {
      const acks = layout.workload.producerConfig.acks === 1 ? 1 : -1;
      const config = producerConfig({ ...layout.workload.producerConfig, ...common, acks });
      return { kind, node: new SimProducer({ nodeId: id, processId, config, keyMap, rng }) };
    }
    const config = consumerConfig({ ...slotConsumerConfig(layout.workload, slot), ...common });
    return { kind, node: new SimConsumer({ nodeId: id, processId, config, keyMap, rng }) };
  }

  nextWakeup(): Millis | undefined {
    const own = this.#inner?.node.nextWakeup();
    const due = this.#o.events[this.#next]?.atMs;
    const planned =
      due === undefined
        ? undefined
        : this.#lastLocal + Math.max(1, Math.ceil(due - this.#lastTrue));
    if (own === undefined) return planned;
    return planned === undefined ? own : Math.min(own, planned);
  }

  /** The consumer inside, when the current incarnation is one (the final reader's checks). */
  get consumer(): SimConsumer | undefined {
    return this.#inner?.kind === "consumer" ? this.#inner.node : undefined;
  }

  view(): ClusterClientView {
    return {
      nodeId: this.#o.id,
      kind: "cluster-client",
      slot: this.#o.slot,
      incarnation: this.#incarnation,
      eventsLeft: this.#o.events.length - this.#next,
      client: this.#inner?.node.view() ?? null,
    };
  }

  checkInvariants(): void {
    this.#inner?.node.checkInvariants();
  }
}

/**
 * The workload's events split by slot, each slot's torn down just before the final reads (its open
 * sends end as unknown, so no acknowledgement arrives after the final reader fixed its targets),
 * then the final reader's own events.
 */
export function eventsBySlot(
  events: readonly WorkloadEvent[],
  finalReads: readonly WorkloadEvent[],
  layout: ClusterLayout,
): Map<number, WorkloadEvent[]> {
  const bySlot = new Map<number, WorkloadEvent[]>();
  const slotOf = (e: WorkloadEvent) =>
    e.type === "start-client" || e.type === "crash-client" ? e.client.slot : e.slot;
  for (const e of events) {
    const list = bySlot.get(slotOf(e)) ?? [];
    list.push(e);
    bySlot.set(slotOf(e), list);
  }
  for (let slot = 0; slot < layout.slots; slot++) {
    const list = bySlot.get(slot) ?? [];
    const client = {
      slot,
      kind: slot < layout.workload.producers ? "producer" : "consumer",
    } as const;
    list.push({ type: "crash-client", atMs: layout.finalStartMs - 1, client });
    bySlot.set(slot, list);
  }
  bySlot.set(layout.slots, [...finalReads]);
  return bySlot;
}
