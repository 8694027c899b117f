// Resolves a scenario's annotation track against a trace as it is indexed: beat k is the first event
// after beat k-1's event whose predicate holds (predicates see the event and the cluster state just
// after it). Invariant: beats resolve in order and each at most once; an unreached beat stays -1.

import type { ClusterState } from "../cluster-state.ts";
import type { ResolvedBeat } from "../index-data.ts";
import type { AnyRecord } from "../records.ts";

export interface Beat {
  readonly text: string;
  readonly when: (event: AnyRecord, state: ClusterState) => boolean;
}

export class BeatTracker {
  readonly #beats: readonly Beat[];
  readonly #idx: number[];
  #next = 0;

  constructor(beats: readonly Beat[]) {
    this.#beats = beats;
    this.#idx = beats.map(() => -1);
  }

  check(event: AnyRecord, state: ClusterState, idx: number): void {
    const beat = this.#beats[this.#next];
    if (beat === undefined || !beat.when(event, state)) return;
    this.#idx[this.#next] = idx;
    this.#next++;
  }

  resolved(): ResolvedBeat[] {
    return this.#beats.map((b, i) => ({ text: b.text, idx: this.#idx[i]! }));
  }
}
