// The effects one `step` produces, in order. Components push into the node's outbox; the node
// returns `take()` at the end of the step. Effects run in the order they were pushed.

import type { Effect } from "./node.ts";
import type { TraceEvent } from "./trace.ts";

export class Outbox {
  #effects: Effect[] = [];

  push(effect: Effect): void {
    this.#effects.push(effect);
  }

  trace(event: TraceEvent): void {
    this.#effects.push({ type: "trace", event });
  }

  /** A coverage mark: a rare path was taken. Tests assert marks; the swarm lists unhit ones. */
  mark(name: string): void {
    this.#effects.push({ type: "trace", event: { type: "mark", name } });
  }

  take(): Effect[] {
    const effects = this.#effects;
    this.#effects = [];
    return effects;
  }

  get size(): number {
    return this.#effects.length;
  }
}
