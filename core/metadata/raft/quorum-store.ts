// Persists the election state (epoch, leader, vote) to the quorum-state file with an atomic
// write: temp, sync, rename, each step only after the previous completed. Callers wait for a
// generation to be durable before acting on it: a vote is sent only once it survives a crash.

import type { DiskResult } from "../../disk.ts";
import type { DiskIo } from "../../disk-io.ts";
import type { Crc32c } from "../../log/crc32c.ts";
import { QUORUM_STATE_FILE, QUORUM_STATE_TEMP } from "./files.ts";
import { type ElectionState, encodeElectionState } from "./quorum-state-codec.ts";

interface Waiter {
  readonly generation: number;
  readonly run: () => void;
}

const WAITERS_MAX = 1_000;

export class QuorumStore {
  readonly #diskIo: DiskIo;
  readonly #crc: Crc32c;
  readonly #onFailure: (reason: string) => void;
  #requested = 0;
  #durable = 0;
  #writing = false;
  #pending: { state: ElectionState; generation: number } | undefined;
  #last: ElectionState | undefined;
  #waiters: Waiter[] = [];

  constructor(diskIo: DiskIo, crc: Crc32c, onFailure: (reason: string) => void) {
    this.#diskIo = diskIo;
    this.#crc = crc;
    this.#onFailure = onFailure;
  }

  /** What recovery read: already durable. */
  loaded(state: ElectionState): void {
    this.#last = state;
  }

  get durableGeneration(): number {
    return this.#durable;
  }

  /** Asks for `state` to be made durable; returns its generation (unchanged state: no write). */
  persist(state: ElectionState): number {
    const last = this.#last;
    if (
      last !== undefined &&
      last.epoch === state.epoch &&
      last.leaderId === state.leaderId &&
      last.votedFor === state.votedFor
    ) {
      return this.#requested;
    }
    this.#last = state;
    this.#requested++;
    this.#pending = { state, generation: this.#requested };
    if (!this.#writing) this.#writeNext();
    return this.#requested;
  }

  /**
   * Runs `run` once `generation` (or a later one) is durable; now if it already is. Returns false
   * (and never runs it) when too many already wait: the caller's peer will retry.
   */
  afterDurable(generation: number, run: () => void): boolean {
    if (generation <= this.#durable) {
      run();
      return true;
    }
    if (this.#waiters.length >= WAITERS_MAX) return false;
    this.#waiters.push({ generation, run });
    return true;
  }

  #writeNext(): void {
    const next = this.#pending;
    if (next === undefined) return;
    this.#pending = undefined;
    this.#writing = true;
    const bytes = encodeElectionState(next.state, this.#crc);
    this.#diskIo.submit({ type: "write", path: QUORUM_STATE_TEMP, position: 0, bytes }, (r) => {
      if (!this.#ok(r)) return;
      this.#diskIo.submit({ type: "sync", path: QUORUM_STATE_TEMP }, (s) => {
        if (!this.#ok(s)) return;
        const rename = { type: "rename", from: QUORUM_STATE_TEMP, to: QUORUM_STATE_FILE } as const;
        this.#diskIo.submit(rename, (n) => {
          if (!this.#ok(n)) return;
          this.#writing = false;
          this.#durable = next.generation;
          this.#release();
          this.#writeNext();
        });
      });
    });
  }

  #release(): void {
    const ready = this.#waiters.filter((w) => w.generation <= this.#durable);
    this.#waiters = this.#waiters.filter((w) => w.generation > this.#durable);
    for (const w of ready) w.run();
  }

  #ok(result: DiskResult): boolean {
    if (result.ok) return true;
    this.#onFailure(`quorum-state write failed: ${result.code} ${result.message}`);
    return false;
  }
}
