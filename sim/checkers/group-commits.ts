// What a group's OffsetCommits promise, checked in one pass over the history in trace order:
// committed offsets never move backwards (committed-offset-regression), nothing below a committed
// offset went unpolled by the group (group-poll-skip), and no fenced member's commit is acknowledged
// (zombie-commit). Definitions in sim/checkers/README.md.

import { assert } from "../../core/assert.ts";
import type { CommitOp, HistoryKey, HistoryOp, ProcessId } from "../../core/client/history.ts";
import type { Offset } from "../../core/ids.ts";
import type { GroupAnomalyLog } from "./group-history-types.ts";
import { memberOf } from "./group-ownership.ts";
import type { HistoryIndex, KeyOrder } from "./kafka-history-index.ts";
import type { OpRef } from "./kafka-history-types.ts";

const LISTED_VALUES_MAX = 32;

/** What the group had done, as far as the history shows, when a commit was invoked. */
interface PendingCommit {
  readonly invoke: OpRef;
  /** Per key: the highest offset acknowledged so far, and the polled frontier's index. */
  readonly floors: ReadonlyMap<HistoryKey, { readonly offset: Offset; readonly op: OpRef }>;
  readonly frontiers: ReadonlyMap<HistoryKey, number>;
  readonly superseded: { readonly generation: number; readonly op: OpRef } | undefined;
}

/** Which positions of one key some member of the group has polled, and the first one not yet. */
class Polled {
  readonly #seen: Uint8Array;
  frontier = 0;

  constructor(size: number) {
    this.#seen = new Uint8Array(size);
  }

  mark(index: number): void {
    this.#seen[index] = 1;
    while (this.frontier < this.#seen.length && this.#seen[this.frontier] === 1) this.frontier++;
  }

  has(index: number): boolean {
    return this.#seen[index] === 1;
  }
}

export interface CommitStats {
  readonly commits: { ok: number; info: number; fail: number };
  fencedCommits: number;
}

export function checkCommits(
  history: readonly HistoryOp[],
  index: HistoryIndex,
  log: GroupAnomalyLog,
): CommitStats {
  const state = new CommitState(index, log);
  history.forEach((event, at) => {
    state.step(event, at);
  });
  return state.stats;
}

class CommitState {
  readonly #index: HistoryIndex;
  readonly #log: GroupAnomalyLog;
  /** Each process's group, from its subscribe op. */
  readonly #groupOf = new Map<ProcessId, string>();
  readonly #polled = new Map<string, Polled>();
  readonly #acked = new Map<string, { offset: Offset; op: OpRef }>();
  /** Per group, the highest generation some member was assigned, with the first op showing it. */
  readonly #generation = new Map<string, { generation: number; op: OpRef }>();
  /** Per group and group.instance.id, the member id that last took it over (KIP-345 fencing). */
  readonly #instance = new Map<string, { memberId: string; generation: number; op: OpRef }>();
  readonly #pending = new Map<string, PendingCommit>();
  readonly stats: CommitStats = { commits: { ok: 0, info: 0, fail: 0 }, fencedCommits: 0 };

  constructor(index: HistoryIndex, log: GroupAnomalyLog) {
    this.#index = index;
    this.#log = log;
  }

  step(event: HistoryOp, at: number): void {
    const ref: OpRef = {
      index: at,
      processId: event.processId,
      opId: event.opId,
      time: event.time,
    };
    switch (event.type) {
      case "subscribe":
        if (event.group !== undefined) this.#groupOf.set(event.processId, event.group.groupId);
        return;
      case "rebalance":
        if (event.phase === "ok" && event.callback === "assigned") {
          const seen = this.#generation.get(event.group.groupId);
          if (seen === undefined || event.group.generation > seen.generation)
            this.#generation.set(event.group.groupId, {
              generation: event.group.generation,
              op: ref,
            });
          const instance = event.group.groupInstanceId;
          if (instance !== null) {
            this.#instance.set(`${event.group.groupId}\u0000${instance}`, {
              memberId: event.group.memberId,
              generation: event.group.generation,
              op: ref,
            });
          }
        }
        return;
      case "poll":
        if (event.phase === "ok")
          this.#poll(event.group?.groupId ?? this.#groupOf.get(event.processId), event.reads);
        return;
      case "commit":
        if (event.phase === "invoke") this.#invoke(event, ref);
        else this.#complete(event, ref);
        return;
      default:
        return;
    }
  }

  #poll(
    groupId: string | undefined,
    reads: readonly { key: HistoryKey; records: readonly (readonly [Offset, number])[] }[],
  ): void {
    if (groupId === undefined) return;
    for (const read of reads) {
      const order = this.#index.keys.get(read.key);
      if (order === undefined || read.records.length === 0) continue;
      const polled = this.#polledOf(groupId, read.key, order);
      for (const [offset] of read.records) {
        const position = order.indexOf(offset);
        assert(
          position !== undefined,
          `polled offset ${offset} of key ${read.key} not in the version order`,
        );
        polled.mark(position);
      }
    }
  }

  #polledOf(groupId: string, key: HistoryKey, order: KeyOrder): Polled {
    const slot = `${groupId}\u0000${key}`;
    let polled = this.#polled.get(slot);
    if (polled === undefined) {
      polled = new Polled(order.size);
      this.#polled.set(slot, polled);
    }
    return polled;
  }

  #invoke(commit: CommitOp, ref: OpRef): void {
    const groupId = commit.group?.groupId ?? this.#groupOf.get(commit.processId);
    if (groupId === undefined) return;
    const floors = new Map<HistoryKey, { offset: Offset; op: OpRef }>();
    const frontiers = new Map<HistoryKey, number>();
    for (const { key } of commit.offsets) {
      const floor = this.#acked.get(`${groupId}\u0000${key}`);
      if (floor !== undefined) floors.set(key, floor);
      frontiers.set(key, this.#polled.get(`${groupId}\u0000${key}`)?.frontier ?? 0);
    }
    const top = this.#generation.get(groupId);
    const stamp = commit.group;
    const fenceable = stamp !== undefined && stamp.generation >= 0 && stamp.memberId !== "";
    let superseded =
      fenceable && top !== undefined && top.generation > stamp.generation ? top : undefined;
    if (fenceable && superseded === undefined && stamp.groupInstanceId !== null) {
      const taken = this.#instance.get(`${groupId}\u0000${stamp.groupInstanceId}`);
      if (taken !== undefined && taken.memberId !== stamp.memberId) superseded = taken;
    }
    this.#pending.set(`${commit.processId}/${commit.opId}`, {
      invoke: ref,
      floors,
      frontiers,
      superseded,
    });
  }

  #complete(commit: CommitOp, ref: OpRef): void {
    this.stats.commits[commit.phase === "invoke" ? "info" : commit.phase]++;
    if (commit.phase === "fail" && commit.errorCode !== undefined) this.stats.fencedCommits++;
    const slot = `${commit.processId}/${commit.opId}`;
    const pending = this.#pending.get(slot);
    this.#pending.delete(slot);
    const groupId = commit.group?.groupId ?? this.#groupOf.get(commit.processId);
    if (pending === undefined || groupId === undefined || commit.phase !== "ok") return;
    if (pending.superseded !== undefined && commit.group !== undefined) {
      const superseded = pending.superseded;
      const stamp = commit.group;
      this.#log.add("zombie-commit", () => ({
        type: "zombie-commit",
        groupId,
        commit: { generation: stamp.generation, member: memberOf(stamp), op: ref },
        superseded,
        keys: commit.offsets.map((o) => o.key),
      }));
    }
    for (const { key, offset } of commit.offsets) {
      const floor = pending.floors.get(key);
      if (floor !== undefined && offset < floor.offset) {
        this.#log.add("committed-offset-regression", () => ({
          type: "committed-offset-regression",
          groupId,
          key,
          previous: floor,
          next: { offset, op: ref },
        }));
      }
      this.#checkSkip(groupId, key, offset, pending.frontiers.get(key) ?? 0, ref);
      const slotKey = `${groupId}\u0000${key}`;
      const acked = this.#acked.get(slotKey);
      if (acked === undefined || offset > acked.offset)
        this.#acked.set(slotKey, { offset, op: ref });
    }
  }

  /** Every known record below the committed offset must have been polled before the commit. */
  #checkSkip(groupId: string, key: HistoryKey, offset: Offset, frontier: number, ref: OpRef): void {
    const order = this.#index.keys.get(key);
    if (order === undefined || frontier >= order.size) return;
    const firstUnpolled = order.offsetAt(frontier);
    if (firstUnpolled >= offset) return;
    const bound = countBelow(order, offset);
    const polled = this.#polled.get(`${groupId}\u0000${key}`);
    const skipped: (readonly [Offset, number])[] = [];
    for (let i = frontier; i < bound && skipped.length < LISTED_VALUES_MAX; i++) {
      if (polled?.has(i) === true && i !== frontier) continue;
      const at = order.offsetAt(i);
      skipped.push([at, order.valuesAtOffset(at)[0]!]);
    }
    this.#log.add("group-poll-skip", () => ({
      type: "group-poll-skip",
      groupId,
      key,
      commit: { offset, op: ref },
      firstUnpolled,
      count: bound - frontier,
      skipped,
    }));
  }
}

/** How many positions of the version order have an offset below `offset` (binary search). */
function countBelow(order: KeyOrder, offset: Offset): number {
  let low = 0;
  let high = order.size;
  while (low < high) {
    const mid = (low + high) >>> 1;
    if (order.offsetAt(mid) < offset) low = mid + 1;
    else high = mid;
  }
  return low;
}
