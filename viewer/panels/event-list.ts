// The event list: every event (or the filtered ones) as rows of seq, time, node, type and a summary,
// virtualized (only the visible rows exist in the DOM) so a million events scroll like ten. It is
// the text twin of the canvas for screen readers and search. Summaries come from the worker, cached.

import { formatTime } from "../format.ts";
import type { IndexData } from "../index-data.ts";
import { knownTypes } from "../known-types.ts";
import { firstAtOrAbove } from "../vec.ts";

const rowHeight = 20;
const cacheMax = 20_000;

export interface EventListHost {
  readonly data: IndexData | null;
  readonly cursor: number;
  readonly selectedEvent: number;
  summaries(indices: readonly number[]): Promise<readonly string[]>;
  clicked(idx: number): void;
}

export class EventList {
  readonly #scroller: HTMLElement;
  readonly #rows: HTMLElement;
  readonly #host: EventListHost;
  #source: Int32Array | null = null;
  readonly #summaries = new Map<number, string>();
  #pending = false;
  /** Event to scroll into view at the next render (reading layout per cursor move is too slow). */
  #revealIdx = -1;
  #viewHeight = 200;
  /** Kept from scroll events: reading scrollTop after DOM changes would force a layout. */
  #scrollTop = 0;
  #selfScroll = false;

  constructor(scroller: HTMLElement, rows: HTMLElement, host: EventListHost) {
    this.#scroller = scroller;
    this.#rows = rows;
    this.#host = host;
    scroller.addEventListener("scroll", () => {
      // Our own scrolls were rendered already; reading scrollTop now would force a layout.
      if (this.#selfScroll) {
        this.#selfScroll = false;
        return;
      }
      this.#scrollTop = scroller.scrollTop;
      this.render();
    });
    new ResizeObserver((entries) => {
      this.#viewHeight = entries[0]?.contentRect.height ?? this.#viewHeight;
      this.render();
    }).observe(scroller);
    rows.addEventListener("click", (e) => {
      const row = (e.target as HTMLElement).closest<HTMLElement>(".row");
      if (row?.dataset.idx !== undefined) host.clicked(Number(row.dataset.idx));
    });
  }

  /** null shows every event; otherwise only these event indices (sorted). */
  setSource(indices: Int32Array | null): void {
    this.#source = indices;
    this.render();
  }

  reset(): void {
    this.#summaries.clear();
    this.#source = null;
  }

  get length(): number {
    return this.#source?.length ?? this.#host.data?.count ?? 0;
  }

  #at(position: number): number {
    return this.#source === null ? position : this.#source[position]!;
  }

  /** At the next render, scrolls so event `idx` (or the nearest listed one before it) is visible. */
  reveal(idx: number): void {
    this.#revealIdx = idx;
  }

  #applyReveal(): void {
    const idx = this.#revealIdx;
    if (idx < 0) return;
    this.#revealIdx = -1;
    const position =
      this.#source === null ? idx : Math.max(0, firstAtOrAbove(this.#source, idx + 1) - 1);
    const top = position * rowHeight;
    const view = this.#viewHeight;
    const scrollTop = this.#scrollTop;
    if (top < scrollTop || top + rowHeight > scrollTop + view) {
      this.#scrollTop = Math.max(0, Math.min(top - view / 2, this.length * rowHeight - view));
      this.#scroller.scrollTop = this.#scrollTop;
      this.#selfScroll = true;
    }
  }

  render(): void {
    const data = this.#host.data;
    const n = this.length;
    this.#rows.style.height = `${n * rowHeight}px`;
    if (data === null) {
      this.#rows.replaceChildren();
      return;
    }
    this.#applyReveal();
    const first = Math.max(0, Math.floor(this.#scrollTop / rowHeight) - 5);
    const last = Math.min(n, first + Math.ceil(this.#viewHeight / rowHeight) + 10);
    const missing: number[] = [];
    const fragment = document.createDocumentFragment();
    for (let pos = first; pos < last; pos++) {
      const idx = this.#at(pos);
      const summary = this.#summaries.get(idx);
      if (summary === undefined) missing.push(idx);
      fragment.append(this.#row(data, idx, pos, summary ?? ""));
    }
    this.#rows.replaceChildren(fragment);
    if (missing.length > 0 && !this.#pending) this.#fetch(missing);
  }

  #row(data: IndexData, idx: number, pos: number, summary: string): HTMLElement {
    const row = document.createElement("div");
    const type = data.types[data.type[idx]!] ?? "?";
    const classes = ["row"];
    if (idx === this.#host.cursor) classes.push("cursor");
    if (idx === this.#host.selectedEvent) classes.push("selected");
    if (type === "failure") classes.push("failure");
    if (!knownTypes.has(type)) classes.push("unknown");
    row.className = classes.join(" ");
    row.style.top = `${pos * rowHeight}px`;
    row.dataset.idx = String(idx);
    row.setAttribute("role", "option");
    row.setAttribute("aria-selected", String(idx === this.#host.selectedEvent));
    const node = data.node[idx]!;
    for (const [cls, text] of [
      ["seq", String(data.seq[idx])],
      ["t", formatTime(data.t[idx]!)],
      ["node", node < 0 ? "world" : String(node)],
      ["type", type],
      ["summary", summary],
    ] as const) {
      const span = document.createElement("span");
      span.className = cls;
      span.textContent = text;
      row.append(span);
    }
    if (!knownTypes.has(type))
      row.title = "An event type this viewer does not know: listed here, not drawn in the panels.";
    return row;
  }

  #fetch(indices: number[]): void {
    this.#pending = true;
    void this.#host.summaries(indices).then((summaries) => {
      this.#pending = false;
      if (this.#summaries.size > cacheMax) this.#summaries.clear();
      indices.forEach((idx, i) => {
        this.#summaries.set(idx, summaries[i] ?? "");
      });
      this.render();
    });
  }
}
