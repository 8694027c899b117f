// Moving the cursor by meaning: the next or previous notable event (optionally of some kinds only),
// the event at or before a time, the next event of a node. Pure functions over the index columns.

import { type NotableKind, notableKinds } from "./cluster-state.ts";
import type { IndexData } from "./index-data.ts";
import { firstAtOrAbove, lastAtOrBelow } from "./vec.ts";

export function kindMask(kinds: readonly NotableKind[]): number {
  return kinds.reduce((m, k) => m | (1 << notableKinds.indexOf(k)), 0);
}

export const allNotables = kindMask([...notableKinds]);

/** The notable-event choices of the toolbar: which kinds Shift+arrows and "notable only" use. */
export const notableSets: readonly {
  readonly id: string;
  readonly label: string;
  readonly mask: number;
}[] = [
  { id: "all", label: "all notable events", mask: allNotables },
  { id: "no-hw", label: "all but HW moves", mask: allNotables & ~kindMask(["hw"]) },
  {
    id: "leadership",
    label: "elections, leaders, epochs",
    mask: kindMask(["election", "leader", "epoch"]),
  },
  { id: "isr", label: "ISR changes, truncations", mask: kindMask(["isr", "truncation"]) },
  {
    id: "processes",
    label: "crashes, restarts, pauses, fencing",
    mask: kindMask(["crash", "restart", "pause", "fence"]),
  },
  { id: "faults", label: "faults and failures", mask: kindMask(["fault", "anomaly"]) },
  { id: "groups", label: "rebalances", mask: kindMask(["rebalance"]) },
];

/** Indices of the notable events whose kinds intersect `mask`. */
export function notablesOf(data: IndexData, mask: number): Int32Array {
  if (mask === allNotables) return data.notableIdx;
  const out: number[] = [];
  for (let i = 0; i < data.notableIdx.length; i++)
    if ((data.notableBits[i]! & mask) !== 0) out.push(data.notableIdx[i]!);
  return Int32Array.from(out);
}

/** The next (dir 1) or previous (dir -1) notable event strictly after/before `from`, or -1. */
export function stepNotable(
  data: IndexData,
  from: number,
  dir: 1 | -1,
  mask = allNotables,
): number {
  const idx = data.notableIdx;
  if (dir > 0) {
    for (let i = firstAtOrAbove(idx, from + 1); i < idx.length; i++)
      if ((data.notableBits[i]! & mask) !== 0) return idx[i]!;
  } else {
    for (let i = firstAtOrAbove(idx, from) - 1; i >= 0; i--)
      if ((data.notableBits[i]! & mask) !== 0) return idx[i]!;
  }
  return -1;
}

/** The last event at or before time t (0 when t precedes everything). */
export function eventAtTime(data: IndexData, t: number): number {
  return Math.max(0, lastAtOrBelow(data.t, t, data.count));
}

/** The event with sequence number `seq`, or -1 (sequence numbers increase along the trace). */
export function eventOfSeq(data: IndexData, seq: number): number {
  const i = lastAtOrBelow(data.seq, seq, data.count);
  return i >= 0 && data.seq[i] === seq ? i : -1;
}

/** The next/previous event of `node` from `from`, or -1. */
export function stepNode(data: IndexData, from: number, node: number, dir: 1 | -1): number {
  for (let i = from + dir; i >= 0 && i < data.count; i += dir) if (data.node[i] === node) return i;
  return -1;
}

/** The message row with id `id`, or -1. */
export function messageOfId(data: IndexData, id: number): number {
  const m = data.messages;
  for (let r = 0; r < m.count; r++) if (m.id[r] === id) return r;
  return -1;
}
