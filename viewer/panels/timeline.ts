// The timeline panel: a base canvas (bands, axis, lanes, messages, charts; redrawn when the window
// or the data changes) and an overlay canvas (cursor, hover; redrawn on every scrub frame), plus the
// pointer: wheel zooms, drag pans, a drag on the axis or the cursor scrubs, a click selects.

import { scaleLinear } from "d3";
import { formatTime } from "../format.ts";
import type { IndexData } from "../index-data.ts";
import { nodeColors, nodeShapes, type Shape } from "../palette.ts";
import type { TimeWindow } from "../time-window.ts";
import { chartValuesAt, drawIsr, drawLag, drawOffsets } from "./draw-charts.ts";
import {
  drawAxis,
  drawBands,
  drawFailures,
  drawLanes,
  type Hit,
  type Scene,
} from "./draw-lanes.ts";
import { arrowGeometry, type DrawnMessages, drawMessages } from "./draw-messages.ts";
import { type Layout, layoutTimeline, orderLanes, rowAt } from "./timeline-layout.ts";

export interface TimelineHost {
  readonly data: IndexData | null;
  readonly window: TimeWindow;
  readonly cursorTime: number;
  readonly chartPartition: string | undefined;
  /** Message row to highlight, -1 for none. */
  readonly selectedMessage: number;
  setWindow(w: TimeWindow): void;
  scrubTo(t: number): void;
  /** A click: move the cursor to t and select what was under the pointer. */
  clicked(t: number, target: { readonly idx?: number; readonly messageRow?: number }): void;
}

export class Timeline {
  readonly #canvas: HTMLCanvasElement;
  /** Takes the pointer; holds the cursor and hover lines. */
  readonly #overlay: HTMLElement;
  readonly #cursorLine: HTMLElement;
  readonly #hoverLine: HTMLElement;
  readonly #tooltip: HTMLElement;
  readonly #host: TimelineHost;
  #layout: Layout | undefined;
  #hits: Hit[] = [];
  #messages: DrawnMessages = { rows: new Int32Array(0), visible: 0, density: false };
  #hoverX = -1;
  #drag: { mode: "pan" | "scrub"; x: number; window: TimeWindow; moved: boolean } | undefined;
  #nodeIndex = new Map<number, number>();
  /** CSS size of the canvases, from a ResizeObserver (reading it per frame forces layout). */
  #width = 0;
  #height = 0;
  /** Milliseconds the last base draw took (the bench and the test hook read it). */
  lastDrawMs = 0;

  constructor(
    canvas: HTMLCanvasElement,
    overlay: HTMLElement,
    tooltip: HTMLElement,
    host: TimelineHost,
  ) {
    this.#canvas = canvas;
    this.#overlay = overlay;
    this.#cursorLine = overlay.querySelector<HTMLElement>("#cursor-line")!;
    this.#hoverLine = overlay.querySelector<HTMLElement>("#hover-line")!;
    this.#tooltip = tooltip;
    this.#host = host;
    new ResizeObserver((entries) => {
      const box = entries[0]?.contentRect;
      if (box === undefined) return;
      this.#width = box.width;
      this.#height = box.height;
    }).observe(overlay);
    overlay.addEventListener("wheel", (e) => this.#wheel(e), { passive: false });
    overlay.addEventListener("pointerdown", (e) => this.#down(e));
    overlay.addEventListener("pointermove", (e) => this.#move(e));
    overlay.addEventListener("pointerup", (e) => this.#up(e));
    overlay.addEventListener("pointerleave", () => {
      this.#hoverX = -1;
      this.#tooltip.hidden = true;
      this.drawOverlay();
    });
  }

  get messages(): DrawnMessages {
    return this.#messages;
  }

  #x(): (t: number) => number {
    const layout = this.#layout!;
    const w = this.#host.window;
    const scale = (layout.x1 - layout.x0) / (w.t1 - w.t0);
    return (t: number) => layout.x0 + (t - w.t0) * scale;
  }

  #time(px: number): number {
    const layout = this.#layout!;
    const w = this.#host.window;
    return w.t0 + ((px - layout.x0) / (layout.x1 - layout.x0)) * (w.t1 - w.t0);
  }

  #fit(canvas: HTMLCanvasElement): CanvasRenderingContext2D | null {
    const dpr = window.devicePixelRatio || 1;
    if (this.#width === 0) {
      this.#width = canvas.clientWidth;
      this.#height = canvas.clientHeight;
    }
    const w = this.#width;
    const h = this.#height;
    if (canvas.width !== Math.round(w * dpr) || canvas.height !== Math.round(h * dpr)) {
      canvas.width = Math.round(w * dpr);
      canvas.height = Math.round(h * dpr);
    }
    const ctx = canvas.getContext("2d");
    ctx?.setTransform(dpr, 0, 0, dpr, 0, 0);
    return ctx;
  }

  #scene(ctx: CanvasRenderingContext2D, data: IndexData): Scene {
    const w = this.#host.window;
    return {
      ctx,
      layout: this.#layout!,
      data,
      t0: w.t0,
      t1: w.t1,
      x: this.#x(),
      nodeColor: (n) => nodeColors[(this.#nodeIndex.get(n) ?? 0) % nodeColors.length]!,
      nodeShape: (n): Shape => nodeShapes[(this.#nodeIndex.get(n) ?? 0) % nodeShapes.length]!,
    };
  }

  drawBase(): void {
    const started = performance.now();
    const ctx = this.#fit(this.#canvas);
    const data = this.#host.data;
    if (ctx === null) return;
    ctx.clearRect(0, 0, this.#canvas.width, this.#canvas.height);
    if (data === null) return;
    const lanes = orderLanes(data.info.nodes);
    this.#nodeIndex = new Map(lanes.map((l, i) => [l.id, i]));
    this.#layout = layoutTimeline(this.#width, this.#height, lanes, data.lagSeries.length > 0);
    const scene = this.#scene(ctx, data);
    const hits: Hit[] = [];
    const ticks = scaleLinear()
      .domain([scene.t0, scene.t1])
      .ticks(Math.max(2, Math.floor((this.#layout.x1 - this.#layout.x0) / 110)));
    drawAxis(scene, ticks);
    drawBands(scene);
    drawLanes(scene, hits);
    this.#messages = drawMessages(scene, this.#host.selectedMessage);
    drawOffsets(scene, this.#host.chartPartition);
    drawIsr(scene);
    drawLag(scene);
    drawFailures(scene, hits);
    ctx.clearRect(0, 0, this.#layout.x0 - 1, 20);
    this.#hits = hits;
    this.lastDrawMs = performance.now() - started;
    this.drawOverlay();
  }

  /** Moves the cursor and hover lines (elements over the canvas: no pixels redrawn). */
  drawOverlay(): void {
    const layout = this.#layout;
    if (layout === undefined) return;
    const cx = this.#x()(this.#host.cursorTime);
    const visible = cx >= layout.x0 - 1 && cx <= layout.x1 + 1;
    this.#cursorLine.style.display = visible ? "" : "none";
    if (visible) this.#cursorLine.style.transform = `translateX(${cx}px)`;
    const hover = this.#hoverX >= layout.x0 && this.#hoverX <= layout.x1;
    this.#hoverLine.hidden = !hover;
    if (hover) this.#hoverLine.style.transform = `translateX(${this.#hoverX}px)`;
  }

  #wheel(e: WheelEvent): void {
    e.preventDefault();
    const w = this.#host.window;
    if (e.shiftKey || Math.abs(e.deltaX) > Math.abs(e.deltaY)) {
      const d = (e.shiftKey ? e.deltaY : e.deltaX) / 800;
      this.#host.setWindow({ t0: w.t0 + d * (w.t1 - w.t0), t1: w.t1 + d * (w.t1 - w.t0) });
      return;
    }
    const factor = 1.2 ** (e.deltaY / 100);
    const around = this.#time(e.offsetX);
    const span = (w.t1 - w.t0) * factor;
    const f = (around - w.t0) / (w.t1 - w.t0);
    this.#host.setWindow({ t0: around - f * span, t1: around - f * span + span });
  }

  #down(e: PointerEvent): void {
    if (this.#layout === undefined) return;
    this.#overlay.setPointerCapture(e.pointerId);
    const cx = this.#x()(this.#host.cursorTime);
    const scrub = e.offsetY < 20 || Math.abs(e.offsetX - cx) < 5;
    this.#drag = {
      mode: scrub ? "scrub" : "pan",
      x: e.offsetX,
      window: this.#host.window,
      moved: false,
    };
    if (scrub) this.#host.scrubTo(this.#time(e.offsetX));
  }

  #move(e: PointerEvent): void {
    if (this.#layout === undefined) return;
    const drag = this.#drag;
    if (drag !== undefined) {
      if (Math.abs(e.offsetX - drag.x) > 3) drag.moved = true;
      if (drag.mode === "scrub") this.#host.scrubTo(this.#time(e.offsetX));
      else if (drag.moved) {
        const layout = this.#layout;
        const dt =
          ((e.offsetX - drag.x) / (layout.x1 - layout.x0)) * (drag.window.t1 - drag.window.t0);
        this.#host.setWindow({ t0: drag.window.t0 - dt, t1: drag.window.t1 - dt });
      }
      return;
    }
    this.#hoverX = e.offsetX;
    this.#showTooltip(e.offsetX, e.offsetY);
    this.drawOverlay();
  }

  #up(e: PointerEvent): void {
    const drag = this.#drag;
    this.#drag = undefined;
    if (drag === undefined || drag.moved || drag.mode === "scrub" || this.#layout === undefined)
      return;
    const hit = this.#hitAt(e.offsetX, e.offsetY);
    this.#host.clicked(this.#time(e.offsetX), hit);
  }

  #hitAt(px: number, py: number): { idx?: number; messageRow?: number } {
    for (const h of this.#hits)
      if (Math.abs(h.x - px) < 7 && Math.abs(h.y - py) < 9) return { idx: h.idx };
    const data = this.#host.data;
    const ctx = this.#canvas.getContext("2d");
    if (data === null || ctx === null) return {};
    const scene = this.#scene(ctx, data);
    let best = -1;
    let bestD = 5;
    for (const row of this.#messages.rows) {
      const g = arrowGeometry(scene, row);
      if (g === undefined) continue;
      const d = distanceToSegment(px, py, g.x1, g.y1, g.x2, g.y2);
      if (d < bestD) {
        bestD = d;
        best = row;
      }
    }
    return best < 0 ? {} : { messageRow: best };
  }

  #showTooltip(px: number, py: number): void {
    const data = this.#host.data;
    const layout = this.#layout;
    if (data === null || layout === undefined) return;
    const hit = this.#hitAt(px, py);
    let text: string | undefined;
    if (hit.idx !== undefined) text = this.#hits.find((h) => h.idx === hit.idx)?.label();
    else if (hit.messageRow !== undefined) {
      const m = data.messages;
      const r = hit.messageRow;
      const end = Number.isNaN(m.endT[r]!)
        ? "in flight at the end"
        : `${["", "delivered", "dropped", "dropped"][m.status[r]!]} at ${formatTime(m.endT[r]!)}`;
      text = `#${m.id[r]} ${m.labels[m.label[r]!]}\n${m.from[r]} → ${m.to[r]}, sent at ${formatTime(m.sendT[r]!)}, ${end}`;
    } else {
      const row = rowAt(layout, py);
      const t = this.#time(px);
      if (row !== undefined && row.kind !== "lane" && row.kind !== "axis" && px >= layout.x0) {
        const values = chartValuesAt(data, this.#host.chartPartition, t);
        text = [`t = ${formatTime(t)}`, ...values].join("\n");
      } else if (row?.kind === "lane" && px >= layout.x0) {
        const bands = data.bands.filter((b) => b.t0 <= t && (Number.isNaN(b.t1) || b.t1 >= t));
        if (bands.length > 0) {
          text = [`faults in force at ${formatTime(t)}:`, ...bands.map((b) => `  ${b.label}`)].join(
            "\n",
          );
        }
      }
    }
    if (text === undefined) {
      this.#tooltip.hidden = true;
      return;
    }
    this.#tooltip.textContent = text;
    this.#tooltip.hidden = false;
    const left = Math.min(px + 14, layout.width - 300);
    this.#tooltip.style.left = `${Math.max(0, left)}px`;
    this.#tooltip.style.top = `${Math.min(py + 14, layout.height - 60)}px`;
  }
}

function distanceToSegment(
  px: number,
  py: number,
  x1: number,
  y1: number,
  x2: number,
  y2: number,
): number {
  const dx = x2 - x1;
  const dy = y2 - y1;
  const len = dx * dx + dy * dy;
  const t = len === 0 ? 0 : Math.max(0, Math.min(1, ((px - x1) * dx + (py - y1) * dy) / len));
  return Math.hypot(px - (x1 + t * dx), py - (y1 + t * dy));
}
