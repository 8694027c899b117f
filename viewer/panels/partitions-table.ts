// Every partition at the cursor: leader (starred), leader epoch, ISR x/y, HW, and per replica its
// log end offset and high watermark side by side (a bar for LEO, a tick for HW, the numbers), ISR
// membership as a filled or hollow dot with words, and why the ISR last changed.
// Invariant: each replica row carries its own reported values as data-* attributes (tests read them).

import type { ClusterState } from "../cluster-state.ts";
import { formatTime } from "../format.ts";
import type { PartitionState, ReplicaState } from "../partition-state.ts";

function el<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  className?: string,
  text?: string,
): HTMLElementTagNameMap[K] {
  const e = document.createElement(tag);
  if (className !== undefined) e.className = className;
  if (text !== undefined) e.textContent = text;
  return e;
}

export class PartitionsTable {
  readonly #root: HTMLElement;
  readonly #onSelect: (key: string) => void;
  /** What is on screen, so an unchanged state costs no DOM work. */
  #shown = "";

  constructor(root: HTMLElement, onSelect: (key: string) => void) {
    this.#root = root;
    this.#onSelect = onSelect;
  }

  update(state: ClusterState | null, selected: string | undefined): void {
    const key = JSON.stringify([selected, state?.partitions ?? null, state?.nodes ?? null]);
    if (key === this.#shown) return;
    this.#shown = key;
    const root = this.#root;
    root.replaceChildren();
    if (state === null) return;
    // Internal topics (__consumer_offsets) after the workload's own.
    const internal = (topic: string) => (topic.startsWith("__") ? 1 : 0);
    const partitions = Object.values(state.partitions).sort(
      (a, b) =>
        internal(a.topic) - internal(b.topic) ||
        a.topic.localeCompare(b.topic) ||
        a.partition - b.partition,
    );
    if (partitions.length === 0) {
      root.append(el("p", "muted", "No partitions at this point of the trace."));
      return;
    }
    for (const p of partitions) root.append(this.#partition(state, p, p.key === selected));
  }

  #partition(state: ClusterState, p: PartitionState, selected: boolean): HTMLElement {
    const box = el("div", selected ? "partition selected" : "partition");
    box.dataset.partition = p.key;
    const head = el("div", "partition-head");
    head.title = "Chart this partition";
    head.addEventListener("click", () => this.#onSelect(p.key));
    const replicas = Object.values(p.replicas).sort((a, b) => a.node - b.node);
    const leaderReplica = p.replicas[p.leader];
    head.append(
      el("span", "name", p.key),
      el("span", "badge", p.leader < 0 ? "no leader" : `leader ${p.leader} ★`),
      el("span", "badge", `epoch ${p.leaderEpoch}`),
      el(
        "span",
        p.isr.length < replicas.length ? "badge warn" : "badge",
        `ISR ${p.isr.length}/${replicas.length}${p.isr.length < replicas.length ? " under-replicated" : ""}`,
      ),
      el("span", "badge", `HW ${leaderReplica?.highWatermark ?? "?"}`),
    );
    if (p.assignment.length > 0)
      head.append(el("span", "muted", `replicas [${p.assignment.join(",")}]`));
    box.append(head);
    const values = replicas.flatMap((r) => [r.logEndOffset, r.highWatermark]);
    const hi = Math.max(1, ...values);
    const lo = Math.min(...values);
    const base = Math.max(0, lo - Math.max(5, (hi - lo) * 0.5));
    for (const r of replicas) box.append(this.#replica(state, p, r, base, hi));
    const election = p.lastElection;
    if (election !== null) {
      const line = el("div", election.unclean ? "why warn" : "why");
      const who =
        election.leader < 0
          ? "no leader left"
          : `leader ${election.previousLeader < 0 ? "" : `${election.previousLeader} → `}${election.leader}`;
      line.append(
        `Election at ${formatTime(election.t)}: ${who}, epoch ${election.leaderEpoch} (${election.reason})`,
      );
      if (election.unclean)
        line.append(el("b", undefined, " UNCLEAN: acknowledged records may be lost"));
      box.append(line);
    }
    const change = p.isrChanges[p.isrChanges.length - 1];
    if (change !== undefined) {
      const why = el("div", "why");
      why.append(
        `ISR at ${formatTime(change.t)}: [${change.before.join(",")}] → [${change.after.join(",")}]: `,
      );
      why.append(el("b", undefined, change.reason));
      if (change.inferred) why.append(" (inferred)");
      box.append(why);
    }
    const cut = p.truncations[p.truncations.length - 1];
    if (cut !== undefined) {
      box.append(
        el(
          "div",
          "why",
          `✂ replica ${cut.node} truncated to offset ${cut.logEndOffset} at ${formatTime(cut.t)}: ${cut.reason}`,
        ),
      );
    }
    return box;
  }

  #replica(
    state: ClusterState,
    p: PartitionState,
    r: ReplicaState,
    base: number,
    hi: number,
  ): HTMLElement {
    const inIsr = p.isr.includes(r.node);
    const offline = r.offline || state.nodes[r.node]?.status === "down";
    const row = el("div", offline ? "replica offline" : "replica");
    Object.assign(row.dataset, {
      replica: "",
      node: String(r.node),
      partition: p.key,
      leader: String(r.leader),
      epoch: String(r.leaderEpoch),
      isr: r.isr.join(","),
      leo: String(r.logEndOffset),
      hw: String(r.highWatermark),
      offline: String(offline),
    });
    const leader = p.leader === r.node;
    row.append(el("span", "who", `${leader ? "★" : " "} broker ${r.node}`));
    row.append(el("span", "isr", inIsr ? "● ISR" : "○ out"));
    const bar = el("div", "bar");
    const scale = (v: number) => `${(Math.max(0, v - base) / Math.max(1, hi - base)) * 100}%`;
    const leo = el("div", "leo");
    leo.style.width = scale(r.logEndOffset);
    const hw = el("div", "hw");
    hw.style.left = scale(r.highWatermark);
    bar.append(leo, hw);
    bar.title = `log end offset ${r.logEndOffset}, high watermark ${r.highWatermark}, durable ${r.durableOffset}, log start ${r.logStartOffset}`;
    row.append(bar);
    const nums = el("span", "nums", `LEO ${r.logEndOffset} · HW ${r.highWatermark}`);
    nums.title = offline
      ? "last values reported before its broker went down"
      : `durable offset ${r.durableOffset}`;
    row.append(nums);
    return row;
  }
}
