// Drives a Network alone: a tiny event loop standing in for the world, which records what each node
// would have received (deliveries and break notices) so tests can check the network's promises.

import type { NodeId } from "../../../core/ids.ts";
import type { Input } from "../../../core/node.ts";
import type { ClientRequest, ClientResponse } from "../../../core/protocol/index.ts";
import { EventQueue } from "../../../sim/event-queue.ts";
import { type NetItem, Network, type NetworkHost } from "../../../sim/network.ts";
import { calmNetwork, type NetworkParams } from "../../../sim/network-links.ts";
import type { Payload } from "../../../sim/network-payload.ts";
import { rootRng } from "../../../sim/prng.ts";
import type { SimTraceEvent } from "../../../sim/trace-format.ts";
import { asPeerMessage, asTestMessage } from "./ping-node.ts";

type HarnessItem =
  | NetItem
  | { readonly type: "notify"; readonly node: NodeId; readonly input: Input };

export interface Received {
  readonly t: number;
  readonly node: NodeId;
  readonly input: Input;
}

export const testRequest = (n: number): ClientRequest =>
  ({ api: "ApiVersions", clientId: `c${n}`, body: { n } }) as unknown as ClientRequest;
export const testResponse = (n: number): ClientResponse =>
  ({ api: "ApiVersions", body: { n } }) as unknown as ClientResponse;

/** The number carried by a delivered test payload (ping seq, request or response n). */
export function numberOf(input: Input): number | undefined {
  switch (input.type) {
    case "peer-message": {
      const message = asTestMessage(input.message);
      return message.seq;
    }
    case "client-request":
      return (input.request.body as unknown as { n: number }).n;
    case "client-response":
      return (input.response.body as unknown as { n: number }).n;
    default:
      return undefined;
  }
}

export class NetHarness implements NetworkHost {
  now = 0;
  readonly traceBodies = false;
  readonly network: Network;
  readonly received: Received[] = [];
  readonly traces: SimTraceEvent[] = [];
  /** The time of each entry of `traces`. */
  readonly traceTimes: number[] = [];
  readonly down = new Set<NodeId>();
  readonly incarnations = new Map<NodeId, number>();
  readonly #queue = new EventQueue<HarnessItem>();

  constructor(
    nodes: readonly NodeId[],
    params: Partial<NetworkParams> = {},
    seed = 1n,
    sizeOf?: (p: Payload) => number,
  ) {
    const network = { ...calmNetwork, ...params };
    this.network = new Network(
      this,
      nodes,
      network,
      rootRng(seed).derive("network"),
      sizeOf ?? (() => 100),
    );
  }

  schedule(time: number, item: NetItem): void {
    this.#queue.push(time, item);
  }

  notify(node: NodeId, input: Input): void {
    this.#queue.push(this.now, { type: "notify", node, input });
  }

  trace(_node: NodeId | undefined, event: SimTraceEvent): void {
    this.traces.push(event);
    this.traceTimes.push(this.now);
  }

  isRunning(node: NodeId): boolean {
    return !this.down.has(node);
  }

  incarnation(node: NodeId): number {
    return this.incarnations.get(node) ?? 1;
  }

  ping(from: NodeId, to: NodeId, seq: number): void {
    this.network.sendPeer(from, to, asPeerMessage({ kind: "ping", incarnation: 1, seq }));
  }

  /** Runs every event up to `t` (inclusive) and leaves the clock at `t`. */
  runUntil(t: number): void {
    for (
      let next = this.#queue.peekTime();
      next !== undefined && next <= t;
      next = this.#queue.peekTime()
    ) {
      const item = this.#queue.pop()!;
      this.now = this.#queue.lastTime;
      if (item.type === "deliver") {
        const delivery = this.network.deliver(item);
        if (delivery !== undefined)
          this.received.push({ t: this.now, node: delivery.to, input: delivery.input });
      } else if (item.type === "check") {
        this.network.check(item.conn);
      } else {
        this.network.noticed(item.input);
        this.received.push({ t: this.now, node: item.node, input: item.input });
      }
    }
    this.now = Math.max(this.now, t);
  }

  /** Numbers delivered to `node` from `from` (peer messages or responses), in arrival order. */
  numbersFrom(node: NodeId, from: NodeId): number[] {
    return this.received
      .filter((r) => r.node === node && "from" in r.input && r.input.from === from)
      .map((r) => numberOf(r.input)!)
      .filter((n) => n !== undefined);
  }

  noticesFor(node: NodeId): Input["type"][] {
    return this.received
      .filter(
        (r) =>
          r.node === node &&
          (r.input.type === "peer-unreachable" ||
            r.input.type === "client-connection-lost" ||
            r.input.type === "connection-closed"),
      )
      .map((r) => r.input.type);
  }

  drops(): number {
    return this.traces.filter((e) => e.type === "net-drop").length;
  }
}
