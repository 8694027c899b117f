// Draws the background layers of the timeline: fault bands across every row, the time axis, node
// lanes with their down and paused spans, process marks (crash, restart, pause) and notable events,
// and failure lines. Every mark has a shape and a label, not just a colour.

import { type NotableKind, notableKinds } from "../cluster-state.ts";
import { formatTime } from "../format.ts";
import type { IndexData } from "../index-data.ts";
import { colors, faultPattern, markShape, type Shape } from "../palette.ts";
import { firstAtOrAbove } from "../vec.ts";
import type { Layout } from "./timeline-layout.ts";

export interface Scene {
  readonly ctx: CanvasRenderingContext2D;
  readonly layout: Layout;
  readonly data: IndexData;
  readonly t0: number;
  readonly t1: number;
  readonly x: (t: number) => number;
  readonly nodeColor: (node: number) => string;
  readonly nodeShape: (node: number) => Shape;
}

/** A drawn mark the pointer can hit (for tooltips and selection). */
export interface Hit {
  readonly x: number;
  readonly y: number;
  readonly idx: number;
  /** Built on hover only: thousands of marks may be drawn per frame. */
  readonly label: () => string;
}

const end = (data: IndexData, t: number) => (Number.isNaN(t) ? data.tMax : t);

export function drawBands(s: Scene): void {
  const { ctx, layout } = s;
  const top = layout.lanesTop;
  const bottom = layout.height;
  // Three label rows; a label that fits in none is left out (the hover tooltip names every band).
  const rowsEnd = [Number.NEGATIVE_INFINITY, Number.NEGATIVE_INFINITY, Number.NEGATIVE_INFINITY];
  ctx.font = "10.5px system-ui, sans-serif";
  for (const band of s.data.bands) {
    const a = s.x(band.t0);
    const b = s.x(end(s.data, band.t1));
    if (b < layout.x0 || a > layout.x1) continue;
    const xa = Math.max(layout.x0, a);
    const xb = Math.min(layout.x1, Math.max(b, a + 2));
    ctx.fillStyle = faultPattern(ctx, band.category);
    ctx.fillRect(xa, top, xb - xa, bottom - top);
    ctx.strokeStyle =
      band.category === "network"
        ? colors.vermillion
        : band.category === "disk"
          ? colors.purple
          : colors.sky;
    ctx.setLineDash([3, 3]);
    ctx.beginPath();
    ctx.moveTo(a + 0.5, top);
    ctx.lineTo(a + 0.5, bottom);
    ctx.stroke();
    ctx.setLineDash([]);
    const width = ctx.measureText(band.label).width + 10;
    const row = rowsEnd.findIndex((end) => end < xa);
    if (row >= 0) {
      rowsEnd[row] = xa + width;
      label(ctx, band.label, xa + 3, top + 11 + row * 13, ctx.strokeStyle as string);
    }
  }
  for (const inst of s.data.instants) {
    const x = s.x(inst.t);
    if (x < layout.x0 || x > layout.x1) continue;
    ctx.strokeStyle = colors.sky;
    ctx.setLineDash([1, 2]);
    ctx.beginPath();
    ctx.moveTo(x + 0.5, top);
    ctx.lineTo(x + 0.5, bottom);
    ctx.stroke();
    ctx.setLineDash([]);
    label(ctx, `⚡ ${inst.label}`, x + 3, layout.lanesBottom - 4, colors.ink);
  }
}

function label(
  ctx: CanvasRenderingContext2D,
  text: string,
  x: number,
  y: number,
  color: string,
): void {
  ctx.font = "10.5px system-ui, sans-serif";
  const w = ctx.measureText(text).width;
  ctx.fillStyle = "rgba(255,255,255,0.85)";
  ctx.fillRect(x - 2, y - 9, w + 4, 12);
  ctx.fillStyle = color;
  ctx.fillText(text, x, y);
}

export function drawAxis(s: Scene, ticks: readonly number[]): void {
  const { ctx, layout } = s;
  ctx.font = "10.5px system-ui, sans-serif";
  ctx.textAlign = "center";
  for (const t of ticks) {
    const x = Math.round(s.x(t)) + 0.5;
    ctx.strokeStyle = colors.grid;
    ctx.beginPath();
    ctx.moveTo(x, 18);
    ctx.lineTo(x, layout.height);
    ctx.stroke();
    ctx.fillStyle = colors.muted;
    ctx.fillText(formatTime(t), x, 13);
  }
  ctx.textAlign = "left";
}

export function drawLanes(s: Scene, hits: Hit[]): void {
  const { ctx, layout } = s;
  for (const row of layout.rows) {
    if (row.kind !== "lane" || row.node === undefined) continue;
    if (row.laneIndex! % 2 === 0) {
      ctx.fillStyle = "rgba(0,0,0,0.025)";
      ctx.fillRect(layout.x0, row.y, layout.x1 - layout.x0, row.h);
    }
    ctx.strokeStyle = "#ccc";
    ctx.beginPath();
    ctx.moveTo(layout.x0, row.y + row.h / 2 + 0.5);
    ctx.lineTo(layout.x1, row.y + row.h / 2 + 0.5);
    ctx.stroke();
    markShape(ctx, s.nodeShape(row.node), 10, row.y + row.h / 2, 4.5, s.nodeColor(row.node));
    ctx.fillStyle = colors.ink;
    ctx.font = "600 12px system-ui, sans-serif";
    ctx.fillText(row.label, 20, row.y + row.h / 2 + 4);
  }
  drawSpans(s);
  drawMarks(s, hits);
  drawNotables(s, hits);
}

function drawSpans(s: Scene): void {
  const { ctx, layout } = s;
  for (const span of s.data.spans) {
    const y = layout.laneY.get(span.node);
    if (y === undefined) continue;
    const a = Math.max(layout.x0, s.x(span.t0));
    const b = Math.min(layout.x1, s.x(end(s.data, span.t1)));
    if (b < layout.x0 || a > layout.x1) continue;
    const h = 12;
    ctx.fillStyle = span.kind === "down" ? "rgba(95,99,104,0.35)" : "rgba(240,228,66,0.55)";
    ctx.fillRect(a, y - h / 2, Math.max(2, b - a), h);
    ctx.strokeStyle = span.kind === "down" ? colors.muted : "#8c7b00";
    ctx.setLineDash(span.kind === "down" ? [] : [4, 2]);
    ctx.strokeRect(a + 0.5, y - h / 2 + 0.5, Math.max(2, b - a), h);
    ctx.setLineDash([]);
    if (b - a > 40) {
      ctx.fillStyle = colors.ink;
      ctx.font = "10px system-ui, sans-serif";
      ctx.fillText(span.kind === "down" ? "down" : "paused", a + 4, y + 3.5);
    }
  }
}

const markGlyph: Record<string, string> = {
  crash: "✕",
  restart: "▶",
  start: "▶",
  pause: "❚❚",
  resume: "▷",
  wipe: "⌫",
  halt: "⊘",
};

function drawMarks(s: Scene, hits: Hit[]): void {
  const { ctx, layout } = s;
  ctx.font = "bold 13px system-ui, sans-serif";
  ctx.textAlign = "center";
  for (const m of s.data.marks) {
    const y = layout.laneY.get(m.node);
    const x = s.x(m.t);
    if (y === undefined || x < layout.x0 - 6 || x > layout.x1 + 6) continue;
    ctx.fillStyle =
      m.kind === "crash" || m.kind === "halt"
        ? colors.vermillion
        : m.kind === "pause"
          ? "#8c7b00"
          : colors.green;
    ctx.fillText(markGlyph[m.kind] ?? "•", x, y - 8);
    hits.push({
      x,
      y: y - 12,
      idx: m.idx,
      label: () => `${m.kind} of node ${m.node} at ${formatTime(m.t)}`,
    });
  }
  ctx.textAlign = "left";
}

/** Glyphs of notable kinds drawn on the lane of the node that emitted them. */
const notableGlyph: Partial<Record<NotableKind, string>> = {
  election: "★",
  leader: "◆",
  epoch: "◇",
  isr: "I",
  rebalance: "↻",
  truncation: "✂",
  anomaly: "⚠",
  fence: "⊘",
};

const hwBit = 1 << notableKinds.indexOf("hw");
const glyphs = new Map<number, string | undefined>();

function kindsOf(bits: number): NotableKind[] {
  return notableKinds.filter((_, k) => (bits & (1 << k)) !== 0);
}

/** The glyph for a set of kinds (the first kind that has one), cached: drawn per frame. */
function glyphOf(bits: number): string | undefined {
  if (glyphs.has(bits)) return glyphs.get(bits);
  const glyph = kindsOf(bits)
    .map((k) => notableGlyph[k])
    .find((g) => g !== undefined);
  glyphs.set(bits, glyph);
  return glyph;
}

function drawNotables(s: Scene, hits: Hit[]): void {
  const { ctx, layout, data } = s;
  const first = firstAtOrAbove(data.t, s.t0);
  const lo = firstAtOrAbove(data.notableIdx, first);
  let drawn = 0;
  ctx.font = "11px system-ui, sans-serif";
  ctx.textAlign = "center";
  for (let i = lo; i < data.notableIdx.length && drawn < 3000; i++) {
    const idx = data.notableIdx[i]!;
    const t = data.t[idx]!;
    if (t > s.t1) break;
    const node = data.node[idx]!;
    const y = layout.laneY.get(node);
    if (y === undefined) continue;
    const bits = data.notableBits[i]!;
    const glyph = glyphOf(bits);
    const x = s.x(t);
    if (glyph === undefined) {
      if ((bits & hwBit) !== 0) {
        ctx.fillStyle = colors.muted;
        ctx.fillRect(x, y + 5, 1, 4);
      }
      continue;
    }
    ctx.fillStyle = glyph === "⚠" ? colors.vermillion : colors.ink;
    ctx.fillText(glyph, x, y + 14);
    hits.push({
      x,
      y: y + 10,
      idx,
      label: () => `${kindsOf(bits).join(", ")} at ${formatTime(t)}`,
    });
    drawn++;
  }
  ctx.textAlign = "left";
}

export function drawFailures(s: Scene, hits: Hit[]): void {
  const { ctx, layout } = s;
  for (const idx of s.data.failures) {
    const x = s.x(s.data.t[idx]!);
    if (x < layout.x0 || x > layout.x1) continue;
    ctx.strokeStyle = colors.vermillion;
    ctx.lineWidth = 2;
    ctx.beginPath();
    ctx.moveTo(x, layout.lanesTop);
    ctx.lineTo(x, layout.height);
    ctx.stroke();
    ctx.lineWidth = 1;
    const left = x > layout.x1 - 70;
    label(ctx, "⚠ failure", left ? x - 62 : x + 4, layout.lanesTop + 24, colors.vermillion);
    hits.push({
      x,
      y: layout.lanesTop + 20,
      idx,
      label: () => "first failure (invariant violation or checker anomaly)",
    });
  }
}
