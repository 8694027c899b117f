// Liveness of a single-broker run (VOPR's liveness mode, Jepsen's final polls): once the fault phase
// ends the broker is healed, and within the liveness bound the topics exist and a fresh consumer
// reads every partition up to its high watermark. A stall is a failure with what was stuck where —
// unless bit rot left a batch with no other copy in its way, the one stall the contract excuses.

import type { BrokerView } from "../core/broker/broker-view.ts";
import type { ConsumerView } from "../core/client/consumer.ts";
import type { NodeId } from "../core/ids.ts";
import type { TraceEvent } from "../core/trace.ts";
import type { LossLedger, LossRegion } from "./checks/loss-ledger.ts";
import type { AdminView } from "./runs/admin-node.ts";
import type { ClientNodeView } from "./runs/client-node.ts";
import type { SimTraceEvent } from "./trace-format.ts";
import type { TraceObserver } from "./trace-writer.ts";
import type { WorldCheck, WorldView } from "./world-types.ts";

export interface LivenessSetup {
  readonly broker: NodeId;
  readonly admin: NodeId;
  readonly finalReader: NodeId;
  readonly finalStartMs: number;
  readonly boundMs: number;
  readonly ledger: LossLedger;
}

export class Liveness implements WorldCheck {
  readonly name = "liveness";
  readonly #setup: LivenessSetup;
  /** True time at which the final reader finished (undefined while it has not). */
  doneAtMs: number | undefined;

  constructor(setup: LivenessSetup) {
    this.#setup = setup;
  }

  readonly observer: TraceObserver = (
    _seq: number,
    t: number,
    node: NodeId | undefined,
    event: SimTraceEvent | TraceEvent,
  ) => {
    if (
      event.type === "mark" &&
      event.name === "consumer-final-polls-done" &&
      node === this.#setup.finalReader
    ) {
      this.doneAtMs ??= t;
    }
  };

  /** Simulated ms the final reads took, when they finished. */
  get finalReadMs(): number | undefined {
    return this.doneAtMs === undefined ? undefined : this.doneAtMs - this.#setup.finalStartMs;
  }

  check(world: WorldView): string | undefined {
    const s = this.#setup;
    const bound = `${s.boundMs / 1000}s`;
    const admin = world.view(s.admin) as AdminView | undefined;
    const broker = world.view(s.broker) as BrokerView | undefined;
    const state = brokerState(broker);
    if (admin !== undefined && !admin.done) {
      return `the topics were never all created (${admin.attempts} CreateTopics sent; broker ${state})`;
    }
    const reader = (world.view(s.finalReader) as ClientNodeView | undefined)?.client as
      | ConsumerView
      | null
      | undefined;
    if (reader === undefined || reader === null) {
      return `the final reader never started (broker ${state})`;
    }
    const final = reader.finalPolls;
    if (final.state === "done") return undefined;
    const stuck: string[] = [];
    const rotted = new Map<number, LossRegion>();
    for (const lag of final.lagging) {
      const rot = this.#rotBelow(lag.key, lag.position);
      if (rot !== undefined) {
        rotted.set(lag.key, rot);
        continue;
      }
      const p = reader.partitions.find((x) => x.key === lag.key);
      stuck.push(
        `key ${lag.key} at ${lag.position} of target ${lag.target} (reset ${p?.reset ?? "-"}, HW seen ${p?.highWatermark ?? "-"})`,
      );
    }
    if (stuck.length === 0 && rotted.size > 0) {
      // Unreadable for good: nothing at or past the rotted batch can be read again.
      s.ledger.add({ seq: Number.POSITIVE_INFINITY, kind: "rot", regions: rotted });
      return undefined;
    }
    return `final reads not done ${bound} after they began: ${stuck.join("; ")}; broker ${state}`;
  }

  /** A rot region of `key` starting exactly where the reader stands (the batch it cannot read). */
  #rotBelow(key: number, position: number): LossRegion | undefined {
    for (const e of this.#setup.ledger.events) {
      if (e.kind !== "rot") continue;
      const region = e.regions.get(key);
      if (region !== undefined && region.from === position) return region;
    }
    return undefined;
  }
}

function brokerState(view: BrokerView | undefined): string {
  if (view === undefined) return "down";
  const partitions = view.partitions
    .map(
      (p) =>
        `${p.topic}-${p.partition}:${p.status} LEO ${p.logEndOffset} HW ${p.highWatermark} durable ${p.durableOffset}`,
    )
    .join(", ");
  return `${view.phase} [${partitions}]`;
}
