// The whole trace in one strip: event density per pixel column, fault bands, failures, the visible
// window and the cursor. Clicking or dragging moves the cursor there (scrubbing across any size of
// trace costs one binary search per frame).

import type { IndexData } from "../index-data.ts";
import { colors } from "../palette.ts";
import type { TimeWindow } from "../time-window.ts";

export interface OverviewHost {
  readonly data: IndexData | null;
  readonly window: TimeWindow;
  readonly cursorTime: number;
  scrubTo(t: number): void;
}

export class Overview {
  readonly #canvas: HTMLCanvasElement;
  readonly #host: OverviewHost;
  #density: { data: IndexData; width: number; counts: Uint32Array } | undefined;
  #dragging = false;
  #width = 0;
  #height = 0;
  #drawnData: IndexData | null = null;
  #drawnSize = "";
  readonly #windowMark: HTMLElement;
  readonly #cursorMark: HTMLElement;

  constructor(canvas: HTMLCanvasElement, host: OverviewHost) {
    this.#canvas = canvas;
    this.#host = host;
    this.#windowMark = document.getElementById("overview-window")!;
    this.#cursorMark = document.getElementById("overview-cursor")!;
    new ResizeObserver((entries) => {
      const box = entries[0]?.contentRect;
      if (box === undefined) return;
      this.#width = box.width;
      this.#height = box.height;
    }).observe(canvas);
    canvas.addEventListener("pointerdown", (e) => {
      canvas.setPointerCapture(e.pointerId);
      this.#dragging = true;
      this.#scrub(e.offsetX);
    });
    canvas.addEventListener("pointermove", (e) => {
      if (this.#dragging) this.#scrub(e.offsetX);
    });
    canvas.addEventListener("pointerup", () => {
      this.#dragging = false;
    });
  }

  #range(data: IndexData): [number, number] {
    return [data.tMin, data.tMax === data.tMin ? data.tMin + 1 : data.tMax];
  }

  #scrub(px: number): void {
    const data = this.#host.data;
    if (data === null) return;
    const [a, b] = this.#range(data);
    const w = this.#width || this.#canvas.clientWidth;
    this.#host.scrubTo(a + (Math.max(0, Math.min(w, px)) / w) * (b - a));
  }

  /** Draws the strip when the data or size changed, then places the window and cursor marks. */
  draw(): void {
    const data = this.#host.data;
    if (this.#width === 0) {
      this.#width = this.#canvas.clientWidth;
      this.#height = this.#canvas.clientHeight;
    }
    const key = `${this.#width}x${this.#height}`;
    if (data !== this.#drawnData || key !== this.#drawnSize) {
      this.#drawnData = data;
      this.#drawnSize = key;
      this.#drawStrip(data);
    }
    if (data === null) return;
    const [a, b] = this.#range(data);
    const x = (t: number) => ((t - a) / (b - a)) * this.#width;
    const w = this.#host.window;
    const wx0 = Math.max(0, x(w.t0));
    const wx1 = Math.min(this.#width, x(w.t1));
    this.#windowMark.style.transform = `translateX(${wx0}px)`;
    this.#windowMark.style.width = `${Math.max(2, wx1 - wx0)}px`;
    this.#cursorMark.style.transform = `translateX(${x(this.#host.cursorTime)}px)`;
  }

  #drawStrip(data: IndexData | null): void {
    const canvas = this.#canvas;
    const dpr = window.devicePixelRatio || 1;
    const width = this.#width;
    const height = this.#height;
    if (canvas.width !== Math.round(width * dpr)) canvas.width = Math.round(width * dpr);
    if (canvas.height !== Math.round(height * dpr)) canvas.height = Math.round(height * dpr);
    const ctx = canvas.getContext("2d");
    if (ctx === null) return;
    ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
    ctx.clearRect(0, 0, width, height);
    if (data === null || width === 0) return;
    const [a, b] = this.#range(data);
    const x = (t: number) => ((t - a) / (b - a)) * width;
    const counts = this.#counts(data, width, x);
    let max = 1;
    for (const c of counts) max = Math.max(max, c);
    ctx.fillStyle = "#b9cfe0";
    for (let c = 0; c < width; c++) {
      const v = counts[c]!;
      if (v === 0) continue;
      const h = (Math.log1p(v) / Math.log1p(max)) * (height - 8);
      ctx.fillRect(c, height - 4 - h, 1, h);
    }
    for (const band of data.bands) {
      const x0 = x(band.t0);
      const x1 = x(Number.isNaN(band.t1) ? data.tMax : band.t1);
      ctx.fillStyle =
        band.category === "network"
          ? colors.vermillion
          : band.category === "disk"
            ? colors.purple
            : colors.sky;
      ctx.fillRect(x0, height - 4, Math.max(1, x1 - x0), 4);
    }
    ctx.fillStyle = colors.vermillion;
    for (const idx of data.failures) ctx.fillRect(x(data.t[idx]!) - 1, 0, 2, height);
  }

  #counts(data: IndexData, width: number, x: (t: number) => number): Uint32Array {
    const cached = this.#density;
    if (cached !== undefined && cached.data === data && cached.width === width)
      return cached.counts;
    const counts = new Uint32Array(width);
    for (let i = 0; i < data.count; i++) {
      const c = Math.min(width - 1, Math.max(0, Math.floor(x(data.t[i]!))));
      counts[c]!++;
    }
    this.#density = { data, width, counts };
    return counts;
  }
}
