// Consumer groups at the cursor: state, generation, protocol and leader, members with their
// assignment, and per partition the committed offset and lag (the leader's HW minus it).

import { type ClusterState, groupLag } from "../cluster-state.ts";

export class GroupsPanel {
  readonly #root: HTMLElement;
  #shown = "";

  constructor(root: HTMLElement) {
    this.#root = root;
  }

  update(state: ClusterState | null): void {
    const groups = state === null ? [] : Object.values(state.groups);
    const lags = state === null ? [] : groups.map((g) => groupLag(state, g));
    const key = JSON.stringify([groups, lags]);
    if (key === this.#shown) return;
    this.#shown = key;
    const root = this.#root;
    root.replaceChildren();
    if (state === null || groups.length === 0) {
      const p = document.createElement("p");
      p.className = "muted";
      p.textContent = "No consumer group events at this point of the trace.";
      root.append(p);
      return;
    }
    for (const g of groups) {
      const box = document.createElement("div");
      box.className = "cgroup";
      box.dataset.group = g.group;
      const head = document.createElement("div");
      const title = document.createElement("b");
      title.textContent = g.group;
      head.append(
        title,
        ` · ${g.state} · generation ${g.generation}${g.protocol === null ? "" : ` · ${g.protocol}`}${g.leader === null ? "" : ` · leader ${g.leader}`}`,
      );
      box.append(head);
      const lag = groupLag(state, g);
      const table = document.createElement("table");
      const header = table.insertRow();
      for (const h of ["member", "assignment"]) {
        const th = document.createElement("th");
        th.textContent = h;
        header.append(th);
      }
      for (const m of g.members) {
        const row = table.insertRow();
        row.insertCell().textContent = m.memberId;
        row.insertCell().textContent = m.assignment.length === 0 ? "—" : m.assignment.join(", ");
      }
      const offsets = document.createElement("table");
      const oh = offsets.insertRow();
      for (const h of ["partition", "committed", "lag"]) {
        const th = document.createElement("th");
        th.textContent = h;
        oh.append(th);
      }
      for (const [key, committed] of Object.entries(g.committed).sort()) {
        const row = offsets.insertRow();
        row.dataset.lag = String(lag[key] ?? "");
        row.insertCell().textContent = key;
        row.insertCell().textContent = String(committed);
        row.insertCell().textContent = lag[key] === undefined ? "?" : String(lag[key]);
      }
      box.append(table, offsets);
      root.append(box);
    }
  }
}
