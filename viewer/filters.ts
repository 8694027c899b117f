// The event list's filters: text search, node, type, partition and "notable only". Searching runs in
// the worker over the trace text; the page intersects with the notable index. The matches also drive
// N / Shift+N (next and previous match from the cursor).

import type { App } from "./app.ts";
import { notableSets, notablesOf } from "./navigation.ts";
import { firstAtOrAbove } from "./vec.ts";

const $ = <T extends HTMLElement>(id: string) => document.getElementById(id) as T;

export class Filters {
  readonly #app: App;
  #timer = 0;
  #generation = 0;
  matches: Int32Array | null = null;

  constructor(app: App) {
    this.#app = app;
    $("search").addEventListener("input", () => this.#later());
    $("search").addEventListener("keydown", (e) => {
      if (e.key === "Enter") {
        e.preventDefault();
        clearTimeout(this.#timer);
        this.#run().then(() => this.next(1));
      }
    });
    for (const id of ["filter-node", "filter-type", "filter-partition", "filter-notable"]) {
      $(id).addEventListener("change", () => void this.#run());
    }
    const kinds = $<HTMLSelectElement>("notable-kinds");
    kinds.append(...notableSets.map((set) => new Option(set.label, set.id)));
    kinds.addEventListener("change", () => {
      app.notableMask = notableSets.find((set) => set.id === kinds.value)?.mask ?? app.notableMask;
      void this.#run();
    });
  }

  /** Fills the node, type and partition choices from the index. */
  populate(): void {
    const data = this.#app.data;
    if (data === null) return;
    const fill = (id: string, label: string, values: readonly [string, string][]) => {
      const select = $<HTMLSelectElement>(id);
      const current = select.value;
      select.replaceChildren(
        new Option(label, ""),
        ...values.map(([v, text]) => new Option(text, v)),
      );
      select.value = values.some(([v]) => v === current) ? current : "";
    };
    fill("filter-node", "all nodes", [
      ["-1", "world"],
      ...data.info.nodes.map((n) => [String(n.id), `${n.role} ${n.id}`] as [string, string]),
    ]);
    fill(
      "filter-type",
      "all types",
      [...data.types].sort().map((t) => [t, t] as [string, string]),
    );
    fill(
      "filter-partition",
      "all partitions",
      [...data.partitions].sort().map((p) => [p, p] as [string, string]),
    );
  }

  #later(): void {
    clearTimeout(this.#timer);
    this.#timer = window.setTimeout(() => void this.#run(), 220);
  }

  async #run(): Promise<void> {
    const app = this.#app;
    const data = app.data;
    if (data === null) return;
    const text = $<HTMLInputElement>("search").value;
    const node = $<HTMLSelectElement>("filter-node").value;
    const type = $<HTMLSelectElement>("filter-type").value;
    const partition = $<HTMLSelectElement>("filter-partition").value;
    const notable = $<HTMLInputElement>("filter-notable").checked;
    const mine = ++this.#generation;
    if (text.trim() === "" && node === "" && type === "" && partition === "" && !notable) {
      this.matches = null;
      app.list.setSource(null);
      $("match-count").textContent = "";
      return;
    }
    let matches: Int32Array;
    if (text.trim() === "" && node === "" && type === "" && partition === "")
      matches = notablesOf(data, app.notableMask);
    else {
      matches = await app.client.search({
        text,
        nodes: node === "" ? [] : [Number(node)],
        types: type === "" ? [] : [type],
        partitions: partition === "" ? [] : [partition],
      });
      if (notable) {
        const set = new Set(notablesOf(data, app.notableMask));
        matches = matches.filter((i) => set.has(i));
      }
    }
    if (mine !== this.#generation) return;
    this.matches = matches;
    app.list.reveal(app.cursor);
    app.list.setSource(matches);
    $("match-count").textContent =
      `${matches.length.toLocaleString("en-US")} match${matches.length === 1 ? "" : "es"}`;
  }

  /** Moves the cursor to the next (or previous) match from the cursor. */
  next(dir: 1 | -1): void {
    const matches = this.matches;
    const app = this.#app;
    if (matches === null || matches.length === 0) return;
    const i = firstAtOrAbove(matches, app.cursor + (dir > 0 ? 1 : 0));
    const target = dir > 0 ? matches[i] : matches[i - 1];
    if (target !== undefined) {
      app.playback.pause();
      app.setCursor(target, { reveal: true });
      app.select({ kind: "event", seq: app.data!.seq[target]! });
    }
  }
}
