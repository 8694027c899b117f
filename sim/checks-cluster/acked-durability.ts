// The durability rule of an acks=all acknowledgement, checked the moment it is given: at least
// min.insync.replicas replicas of the partition hold the records synced to disk (docs/durability.md
// "Replication": the leader counts itself only once synced, a follower acknowledges only synced
// records). Each replica's synced offset is followed through its partition-state events; it only
// drops when its log is truncated (a crash keeps what was synced).

import type { NodeId } from "../../core/ids.ts";
import type { TraceEvent } from "../../core/trace.ts";
import type { SimTraceEvent } from "../trace-format.ts";

export class AckedDurability {
  readonly #minInsyncReplicas: number;
  /** "topic-partition" -> node -> the highest offset below which its log is synced. */
  readonly #durable = new Map<string, Map<NodeId, number>>();
  #violation: string | undefined;
  /** acks=all acknowledgements checked. */
  checked = 0;

  constructor(minInsyncReplicas: number) {
    this.#minInsyncReplicas = minInsyncReplicas;
  }

  get violation(): string | undefined {
    return this.#violation;
  }

  /** A trace observer: feed it every record of the run. */
  observe(node: NodeId | undefined, event: SimTraceEvent | TraceEvent): void {
    if (node === undefined || this.#violation !== undefined) return;
    switch (event.type) {
      case "partition-state":
        this.#set(`${event.topic}-${event.partition}`, node, event.durableOffset, false);
        return;
      case "follower-truncated":
        this.#set(`${event.topic}-${event.partition}`, node, event.to, true);
        return;
      case "log-truncated":
        this.#set(`${event.topic}-${event.partition}`, node, event.logEndOffset, true);
        return;
      case "produce-acknowledged":
        if (event.acks === -1) this.#acknowledged(node, event);
        return;
      default:
        return;
    }
  }

  #set(key: string, node: NodeId, offset: number, truncation: boolean): void {
    let byNode = this.#durable.get(key);
    if (byNode === undefined) {
      byNode = new Map();
      this.#durable.set(key, byNode);
    }
    const known = byNode.get(node) ?? 0;
    byNode.set(node, truncation ? Math.min(known, offset) : Math.max(known, offset));
  }

  #acknowledged(
    leader: NodeId,
    event: Extract<TraceEvent, { type: "produce-acknowledged" }>,
  ): void {
    this.checked++;
    const end = event.baseOffset + event.count;
    const byNode = this.#durable.get(`${event.topic}-${event.partition}`);
    const holders = [...(byNode ?? [])].filter(([, durable]) => durable >= end).map(([n]) => n);
    if (holders.length >= this.#minInsyncReplicas) return;
    this.#violation = `${event.topic}-${event.partition}: leader ${leader} acknowledged offsets [${event.baseOffset}, ${end}) with acks=all while only [${holders}] held them synced (min.insync.replicas ${this.#minInsyncReplicas})`;
  }
}
