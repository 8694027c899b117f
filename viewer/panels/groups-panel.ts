// Consumer groups at the cursor: per group its coordinator, state, generation, protocol and leader,
// why its last rebalance began, members with their assigned partitions, and per partition the HW,
// committed offset and lag (HW − committed). A broker still holding a stale copy is listed, flagged.
// Invariant: every group box, member row and offset row carries its values as data-* attributes.

import { type ClusterState, currentGroups, type GroupState, groupLag } from "../cluster-state.ts";
import { formatTime } from "../format.ts";
import { memberName } from "../kafka-events.ts";

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

function leaderHw(state: ClusterState | null, key: string): number | undefined {
  const p = state?.partitions[key];
  return p === undefined ? undefined : p.replicas[p.leader]?.highWatermark;
}

const stateWords: Readonly<Record<string, string>> = {
  Empty: "Empty: no members",
  PreparingRebalance: "PreparingRebalance: waiting for members to (re)join",
  CompletingRebalance: "CompletingRebalance: waiting for the leader's assignment (SyncGroup)",
  Stable: "Stable: members consume their partitions",
  Dead: "Dead: being deleted",
};

export class GroupsPanel {
  readonly #root: HTMLElement;
  #shown = "";

  constructor(root: HTMLElement) {
    this.#root = root;
  }

  update(state: ClusterState | null): void {
    const groups = state === null ? [] : Object.values(state.groups);
    const hws = groups.map((g) => Object.keys(g.committed).map((k) => leaderHw(state, k)));
    const key = JSON.stringify([groups, hws]);
    if (key === this.#shown) return;
    this.#shown = key;
    const root = this.#root;
    root.replaceChildren();
    if (state === null || groups.length === 0) {
      root.append(el("p", "muted", "No consumer group events at this point of the trace."));
      return;
    }
    const current = new Set(currentGroups(state));
    const ordered = [...groups].sort(
      (a, b) =>
        a.group.localeCompare(b.group) ||
        Number(current.has(b)) - Number(current.has(a)) ||
        a.coordinator - b.coordinator,
    );
    for (const g of ordered) root.append(this.#group(state, g, current.has(g)));
  }

  #group(state: ClusterState, g: GroupState, current: boolean): HTMLElement {
    const box = el("div", current ? "cgroup" : "cgroup stale");
    const d = box.dataset;
    d.group = g.group;
    d.coordinator = String(g.coordinator);
    d.state = g.state;
    d.generation = String(g.generation);
    d.protocol = g.protocol ?? "";
    d.leader = g.leader ?? "";
    const head = el("div", "cgroup-head");
    const stable = g.state === "Stable";
    head.append(
      el("span", "name", g.group),
      el("span", stable ? "badge" : "badge warn", stable ? "Stable ✓" : `${g.state} ↻`),
      el("span", "badge", `generation ${g.generation}`),
    );
    if (g.protocol !== null) head.append(el("span", "badge", g.protocol));
    head.append(el("span", "muted", `coordinator ${g.coordinator}`));
    head.title = stateWords[g.state] ?? g.state;
    box.append(head);
    if (!current)
      box.append(
        el(
          "div",
          "why warn",
          `Stale copy: broker ${g.coordinator} no longer leads this group's offsets partition and has not unloaded it yet.`,
        ),
      );
    box.append(this.#why(g));
    box.append(this.#members(g));
    box.append(this.#offsets(state, g));
    return box;
  }

  #why(g: GroupState): HTMLElement {
    const line = el("div", "why");
    const last = g.rebalances[g.rebalances.length - 1];
    if (last === undefined) {
      line.textContent = g.lastChange === null ? "No rebalance yet." : g.lastChange.text;
      return line;
    }
    const to = g.state === "Stable" ? ` → ${g.generation}` : "";
    line.append(el("b", undefined, `Rebalance at ${formatTime(last.t)}`));
    line.append(` (generation ${last.fromGeneration}${to}): ${last.causes.join("; ")}`);
    return line;
  }

  #members(g: GroupState): HTMLElement {
    const table = el("table", "members");
    const header = table.insertRow();
    const stable = g.state === "Stable" || g.state === "Empty";
    const partitions = stable ? "assigned partitions" : "partitions (until reassigned)";
    for (const h of ["member", partitions]) header.append(el("th", undefined, h));
    if (g.members.length === 0) {
      const row = table.insertRow();
      const cell = row.insertCell();
      cell.colSpan = 2;
      cell.className = "muted";
      cell.textContent = "no members";
    }
    for (const m of g.members) {
      const row = table.insertRow();
      row.dataset.member = m.memberId;
      const assignment = [...m.assignment].sort();
      row.dataset.assignment = assignment.join(",");
      const name = row.insertCell();
      name.title = m.memberId;
      name.textContent = `${m.memberId === g.leader ? "★ " : ""}${memberName(m.memberId, m.clientId, m.groupInstanceId)}`;
      row.insertCell().textContent = assignment.length === 0 ? "none" : assignment.join(", ");
    }
    return table;
  }

  #offsets(state: ClusterState, g: GroupState): HTMLElement {
    const lag = groupLag(state, g);
    const entries = Object.entries(g.committed).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    const max = Math.max(1, ...Object.values(lag));
    const table = el("table", "offsets");
    const header = table.insertRow();
    for (const h of ["partition", "HW", "committed", "lag"]) header.append(el("th", undefined, h));
    if (entries.length === 0) {
      const row = table.insertRow();
      const cell = row.insertCell();
      cell.colSpan = 4;
      cell.className = "muted";
      cell.textContent = "no committed offsets yet";
    }
    for (const [key, committed] of entries) {
      const row = table.insertRow();
      const hw = leaderHw(state, key);
      row.dataset.offset = key;
      row.dataset.committed = String(committed);
      row.dataset.lag = String(lag[key] ?? "");
      row.insertCell().textContent = key;
      row.insertCell().textContent = hw === undefined ? "?" : String(hw);
      row.insertCell().textContent = String(committed);
      const cell = row.insertCell();
      cell.className = "lag";
      const value = lag[key];
      if (value === undefined) {
        cell.textContent = "?";
        continue;
      }
      const bar = el("span", "lag-bar");
      bar.style.width = `${Math.round((value / max) * 60)}px`;
      cell.append(bar, el("span", undefined, String(value)));
    }
    return table;
  }
}
