// The inspector: every field of the selected event (nested values as nested lists), and for a
// network event the whole message: what was sent, when, and how it ended. Buttons jump to the send
// and to the delivery or drop.

import { formatTime } from "../format.ts";
import type { EventDetail } from "../protocol.ts";

function value(v: unknown, depth: number): Node {
  if (typeof v !== "object" || v === null)
    return document.createTextNode(JSON.stringify(v) ?? "undefined");
  if (depth > 6) return document.createTextNode(JSON.stringify(v));
  const entries = Array.isArray(v) ? v.map((x, i) => [String(i), x] as const) : Object.entries(v);
  if (Array.isArray(v) && v.every((x) => typeof x !== "object" || x === null))
    return document.createTextNode(JSON.stringify(v));
  const dl = document.createElement("dl");
  for (const [k, x] of entries) {
    const dt = document.createElement("dt");
    dt.textContent = k;
    const dd = document.createElement("dd");
    dd.append(value(x, depth + 1));
    dl.append(dt, dd);
  }
  return dl;
}

export class Inspector {
  readonly #root: HTMLElement;
  readonly #title: HTMLElement;
  readonly #jump: (idx: number) => void;

  constructor(root: HTMLElement, title: HTMLElement, jump: (idx: number) => void) {
    this.#root = root;
    this.#title = title;
    this.#jump = jump;
  }

  clear(text = "Select an event, a message arrow or a partition."): void {
    const p = document.createElement("p");
    p.className = "muted";
    p.textContent = text;
    this.#root.replaceChildren(p);
    this.#title.textContent = "";
  }

  showText(title: string, lines: readonly string[]): void {
    this.#title.textContent = title;
    const pre = document.createElement("div");
    for (const line of lines) {
      const p = document.createElement("p");
      p.style.margin = "2px 0";
      p.textContent = line;
      pre.append(p);
    }
    this.#root.replaceChildren(pre);
  }

  show(detail: EventDetail, sendIdx: number, endIdx: number): void {
    const r = detail.record;
    this.#title.textContent = `${String(r.type)} · seq ${String(r.seq)} · ${formatTime(Number(r.t))}`;
    const parts: Node[] = [];
    if (detail.send !== null || detail.end !== null) {
      const actions = document.createElement("div");
      actions.className = "actions";
      const button = (text: string, idx: number) => {
        const b = document.createElement("button");
        b.type = "button";
        b.textContent = text;
        b.disabled = idx < 0;
        b.addEventListener("click", () => this.#jump(idx));
        actions.append(b);
      };
      button("Go to send", sendIdx);
      const endType =
        detail.end === null ? "in flight at the end of the trace" : String(detail.end.type);
      button(
        detail.end === null
          ? "No delivery"
          : `Go to ${endType === "net-drop" ? "drop" : "delivery"}`,
        endIdx,
      );
      const info = document.createElement("span");
      info.className = "muted";
      if (detail.send !== null && detail.end !== null) {
        info.textContent = `latency ${formatTime(Number(detail.end.t) - Number(detail.send.t))}${detail.end.type === "net-drop" ? `, dropped: ${String(detail.end.reason)}` : ""}`;
      } else if (detail.end === null) info.textContent = endType;
      actions.append(info);
      parts.push(actions);
    }
    parts.push(value(r, 0));
    if (detail.send !== null && detail.send.seq !== r.seq) {
      const h = document.createElement("p");
      h.className = "muted";
      h.textContent = "The message as sent:";
      parts.push(h, value(detail.send.body ?? detail.send, 0));
    }
    this.#root.replaceChildren(...parts);
  }
}
