// Where the fault contract lets records go missing, computed from the trace: at each crash of the
// broker, per partition, the offsets at or past its durable offset (docs/fault-model.md), and where
// bit rot struck a synced batch (no other copy exists with one broker). Invariant: an observation is
// excused ("voided") only by a loss event after it whose region holds its offset, so a record lost
// below the durable offset, or acknowledged with a durability promise, is never excused by a crash.

import type { Observation } from "./observations.ts";

/** Offsets [from, to) of one key; `to` is Infinity for rot (recovery may cut everything after). */
export interface LossRegion {
  readonly from: number;
  readonly to: number;
}

export interface LossEvent {
  readonly seq: number;
  readonly kind: "crash" | "rot";
  /** Only keys whose region is not empty. */
  readonly regions: ReadonlyMap<number, LossRegion>;
}

export class LossLedger {
  readonly events: LossEvent[] = [];
  /** Whether acknowledgements promise durability (then only rot can excuse losing them). */
  readonly acksPromiseDurability: boolean;

  constructor(acksPromiseDurability: boolean) {
    this.acksPromiseDurability = acksPromiseDurability;
  }

  add(event: LossEvent): void {
    if (event.regions.size > 0) this.events.push(event);
  }

  /** Whether a loss event after `o` covers its offset (the record may be gone or replaced). */
  voided(o: Observation): boolean {
    for (const e of this.events) {
      if (e.seq <= o.seq) continue;
      if (e.kind === "crash" && o.kind === "ack" && this.acksPromiseDurability) continue;
      const region = e.regions.get(o.key);
      if (region !== undefined && o.offset >= region.from && o.offset < region.to) return true;
    }
    return false;
  }

  /** Loss events for `key` between two seqs whose region starts at or below `maxOffset`. */
  lossBetween(
    key: number,
    afterSeq: number,
    beforeSeq: number,
    maxOffset: number,
  ): LossEvent | undefined {
    return this.events.find((e) => {
      if (e.seq <= afterSeq || e.seq >= beforeSeq) return false;
      const region = e.regions.get(key);
      return region !== undefined && region.from <= maxOffset;
    });
  }

  describe(): string[] {
    return this.events.map((e) => {
      const parts = [...e.regions].map(
        ([k, r]) => `k${k}[${r.from},${r.to === Infinity ? "end" : r.to})`,
      );
      return `${e.kind} at seq ${e.seq}: ${parts.join(" ")}`;
    });
  }
}
