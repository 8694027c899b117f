// Raft's safety properties checked after every step of a run, over all time: election safety (one
// leader per epoch), one granted vote per voter and epoch, log matching, leader completeness,
// state machine safety (same record at the same offset everywhere, snapshots included) and a high
// watermark that never goes back within a process life.

import type { RaftView } from "../../../../core/metadata/raft/raft-core.ts";
import type { ModelEntry } from "./log-model.ts";
import type { ApplyObserver } from "./test-state-machine.ts";

export class SafetyChecker implements ApplyObserver {
  readonly violations: string[] = [];
  /** Epoch → the node that led it, over the whole run. */
  readonly leaders = new Map<number, number>();
  readonly #votes = new Map<string, number>();
  /** (offset:epoch) → record key and the epoch of the entry before it (when known). */
  readonly #entries = new Map<string, { key: string; prev: number | undefined }>();
  readonly committed = new Map<number, { epoch: number; key: string }>();
  readonly #applied = new Map<number, string>();
  readonly #hashAt = new Map<number, number>();
  readonly #lastHighWatermark = new Map<number, number>();
  readonly #lastLeaderEpoch = new Map<number, number>();

  #fail(message: string): void {
    if (this.violations.length < 20 && !this.violations.includes(message)) {
      this.violations.push(message);
    }
  }

  /** A violation found outside this checker (the harness's own checks). */
  report(message: string): void {
    this.#fail(message);
  }

  /** Entries a node's log gained; `prevEpochOf` reads that node's log model. */
  onEntries(
    node: number,
    added: readonly ModelEntry[],
    prevEpochOf: (o: number) => number | undefined,
  ): void {
    for (const e of added) {
      const id = `${e.offset}:${e.epoch}`;
      const prev = prevEpochOf(e.offset - 1);
      const known = this.#entries.get(id);
      if (known === undefined) {
        this.#entries.set(id, { key: e.key, prev });
        continue;
      }
      if (known.key !== e.key) {
        this.#fail(`log matching: node ${node} has ${id} = ${e.key}, elsewhere ${known.key}`);
      }
      if (known.prev !== undefined && prev !== undefined && known.prev !== prev) {
        this.#fail(
          `log matching: node ${node} entry ${id} follows epoch ${prev}, elsewhere ${known.prev}`,
        );
      }
      if (known.prev === undefined && prev !== undefined) known.prev = prev;
    }
  }

  onVoteGranted(voter: number, epoch: number, candidate: number): void {
    const key = `${voter}:${epoch}`;
    const earlier = this.#votes.get(key);
    if (earlier !== undefined && earlier !== candidate) {
      this.#fail(
        `two votes: node ${voter} voted for ${earlier} and ${candidate} in epoch ${epoch}`,
      );
    }
    this.#votes.set(key, candidate);
  }

  /** After each step of `node`, with its view and its log model's entries. */
  afterStep(
    view: RaftView,
    log: ReadonlyMap<number, ModelEntry>,
    minOffset: number | undefined,
  ): void {
    const node = view.nodeId;
    if (view.role === "leader") {
      const other = this.leaders.get(view.epoch);
      if (other !== undefined && other !== node) {
        this.#fail(`election safety: nodes ${other} and ${node} both led epoch ${view.epoch}`);
      }
      this.leaders.set(view.epoch, node);
      if ((this.#lastLeaderEpoch.get(node) ?? -1) < view.epoch) {
        this.#lastLeaderEpoch.set(node, view.epoch);
        this.#checkLeaderCompleteness(node, log, minOffset);
      }
    }
    const before = this.#lastHighWatermark.get(node) ?? view.logStartOffset;
    if (view.highWatermark < before) {
      this.#fail(`node ${node} high watermark went back from ${before} to ${view.highWatermark}`);
    }
    for (let o = Math.max(before, view.logStartOffset); o < view.highWatermark; o++) {
      const e = log.get(o);
      if (e === undefined) continue;
      const c = this.committed.get(o);
      if (c === undefined) this.committed.set(o, { epoch: e.epoch, key: e.key });
      else if (c.epoch !== e.epoch || c.key !== e.key) {
        this.#fail(
          `committed entry ${o} differs: ${c.epoch}/${c.key} vs node ${node} ${e.epoch}/${e.key}`,
        );
      }
    }
    this.#lastHighWatermark.set(node, Math.max(before, view.highWatermark));
    if (view.highWatermark > view.logEndOffset) this.#fail(`node ${node}: HW above LEO`);
  }

  #checkLeaderCompleteness(
    node: number,
    log: ReadonlyMap<number, ModelEntry>,
    min: number | undefined,
  ): void {
    for (const [offset, c] of this.committed) {
      if (min === undefined || offset < min) continue;
      const e = log.get(offset);
      if (e === undefined || e.epoch !== c.epoch || e.key !== c.key) {
        this.#fail(`leader completeness: leader ${node} lacks committed entry ${offset}`);
        return;
      }
    }
  }

  /** A process restart: its high watermark may start lower again. */
  onRestart(node: number): void {
    this.#lastHighWatermark.delete(node);
  }

  applied(node: number, offset: number, epoch: number, key: string, hashAfter: number): void {
    const earlier = this.#applied.get(offset);
    if (earlier !== undefined && earlier !== key) {
      this.#fail(
        `state machine safety: node ${node} applied ${key} at ${offset}, others ${earlier}`,
      );
    }
    this.#applied.set(offset, key);
    const hash = this.#hashAt.get(offset + 1);
    if (hash !== undefined && hash !== hashAfter) {
      this.#fail(
        `state machine safety: node ${node} state after ${offset} differs (epoch ${epoch})`,
      );
    }
    this.#hashAt.set(offset + 1, hashAfter);
  }

  restored(node: number, next: number, hash: number): void {
    const expected = this.#hashAt.get(next);
    if (expected !== undefined && expected !== hash) {
      this.#fail(`snapshot at ${next} restored on node ${node} differs from applied state`);
    }
  }

  get appliedCount(): number {
    return this.#applied.size;
  }
}
