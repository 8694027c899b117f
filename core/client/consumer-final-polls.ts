// Final polls (Jepsen's final reads): after faults stop, the consumer polls without pause until every
// assigned key is read up to the high watermark that a fetch sent after the start reported. The
// simulator's liveness phase waits for "done"; a target is fixed once, so a busy log still ends.

import { assert } from "../assert.ts";
import type { Millis, Offset } from "../ids.ts";
import type { Outbox } from "../outbox.ts";
import type { PartitionState } from "./consumer-positions.ts";

export interface FinalPollsView {
  readonly state: "off" | "running" | "done";
  readonly startedMs: Millis | null;
  readonly doneMs: Millis | null;
  /** Keys not yet read to their target (-1: target or position not known yet). */
  readonly lagging: readonly { key: number; position: Offset; target: Offset }[];
}

export class FinalPolls {
  #state: FinalPollsView["state"] = "off";
  #startedMs: Millis | null = null;
  #doneMs: Millis | null = null;
  #lagging: FinalPollsView["lagging"] = [];

  get running(): boolean {
    return this.#state === "running";
  }

  start(now: Millis, states: Iterable<PartitionState>): void {
    this.#state = "running";
    this.#startedMs = now;
    this.#doneMs = null;
    for (const state of states) state.finalTarget = undefined;
  }

  /** A fetch answer for `state`: the first one sent after the start fixes the target. */
  observed(state: PartitionState, fetchSentMs: Millis): void {
    if (!this.running || this.#startedMs === null || fetchSentMs < this.#startedMs) return;
    if (state.finalTarget === undefined && state.highWatermark >= 0) {
      state.finalTarget = state.highWatermark;
    }
  }

  /** Whether the consumer should poll again; marks the end once every key is caught up. */
  wantsAnotherPoll(now: Millis, states: Iterable<PartitionState>, outbox: Outbox): boolean {
    if (!this.running) return false;
    const lagging: { key: number; position: Offset; target: Offset }[] = [];
    for (const s of states) {
      const target = s.finalTarget;
      const caughtUp =
        target !== undefined &&
        s.position !== undefined &&
        s.fetched.length === 0 &&
        s.position >= target;
      if (!caughtUp) lagging.push({ key: s.key, position: s.position ?? -1, target: target ?? -1 });
    }
    this.#lagging = lagging;
    if (lagging.length > 0) return true;
    assert(
      this.#startedMs !== null && now >= this.#startedMs,
      "final polls ended before they began",
    );
    this.#state = "done";
    this.#doneMs = now;
    outbox.mark("consumer-final-polls-done");
    return false;
  }

  view(): FinalPollsView {
    return {
      state: this.#state,
      startedMs: this.#startedMs,
      doneMs: this.#doneMs,
      lagging: this.#lagging,
    };
  }
}
