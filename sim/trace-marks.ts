// Coverage marks across runs: a trace observer that counts every `mark` event (a rare path taken,
// TigerBeetle's marks, FoundationDB's probes) by name, so a swarm can list the marks never hit.

import type { NodeId } from "../core/ids.ts";
import type { TraceEvent } from "../core/trace.ts";
import type { SimTraceEvent } from "./trace-format.ts";
import type { TraceObserver } from "./trace-writer.ts";

export class MarkTally {
  readonly #counts = new Map<string, number>();

  /** The observer to hand to `WorldConfig.observers`; one tally may watch many runs. */
  readonly observer: TraceObserver = (
    _seq: number,
    _t: number,
    _node: NodeId | undefined,
    event: SimTraceEvent | TraceEvent,
  ) => {
    if (event.type === "mark")
      this.#counts.set(event.name, (this.#counts.get(event.name) ?? 0) + 1);
  };

  count(name: string): number {
    return this.#counts.get(name) ?? 0;
  }

  /** Every mark seen, by name, sorted. */
  hits(): [string, number][] {
    return [...this.#counts.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  }

  /** The marks in `expected` that no run hit, in the order given. */
  unhit(expected: readonly string[]): string[] {
    return expected.filter((name) => !this.#counts.has(name));
  }
}
