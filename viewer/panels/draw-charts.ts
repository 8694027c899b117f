// Draws the over-time charts under the lanes: the charted partition's high watermark and each
// replica's log end offset, every partition's ISR size, and each consumer group's lag. Dense series
// are reduced to min/max per pixel column, so a chart costs the same at any zoom.

import { scaleLinear } from "d3";
import type { IndexData, LagSeries } from "../index-data.ts";
import { colors, markShape, seriesDashes } from "../palette.ts";
import { firstAtOrAbove, lastAtOrBelow } from "../vec.ts";
import type { Scene } from "./draw-lanes.ts";
import { type Row, rowOf } from "./timeline-layout.ts";

interface Line {
  readonly t: Float64Array;
  readonly v: ArrayLike<number>;
}

function range(line: Line, t0: number, t1: number): [number, number] {
  const a = Math.max(0, lastAtOrBelow(line.t, t0));
  const b = Math.min(line.t.length, firstAtOrAbove(line.t, t1) + 1);
  return [a, b];
}

function extent(lines: readonly Line[], t0: number, t1: number): [number, number] {
  let lo = Number.POSITIVE_INFINITY;
  let hi = Number.NEGATIVE_INFINITY;
  for (const line of lines) {
    const [a, b] = range(line, t0, t1);
    for (let i = a; i < b; i++) {
      const v = line.v[i]!;
      if (v < lo) lo = v;
      if (v > hi) hi = v;
    }
  }
  return Number.isFinite(lo) ? [lo, hi] : [0, 1];
}

/** A step line over the window; more points than pixels are reduced to min/max per column. */
function stepLine(s: Scene, line: Line, y: (v: number) => number): void {
  const { ctx, layout } = s;
  const [a, b] = range(line, s.t0, s.t1);
  if (b <= a) return;
  const xEnd = Math.min(layout.x1, s.x(s.data.tMax));
  const clampX = (x: number) => Math.max(layout.x0, Math.min(layout.x1, x));
  ctx.beginPath();
  if (b - a > 3 * (layout.x1 - layout.x0)) {
    let col = -1;
    let lo = 0;
    let hi = 0;
    let last = line.v[a]!;
    ctx.moveTo(clampX(s.x(line.t[a]!)), y(last));
    for (let i = a; i < b; i++) {
      const c = Math.floor(clampX(s.x(line.t[i]!)));
      const v = line.v[i]!;
      if (c !== col) {
        if (col >= 0) {
          ctx.lineTo(col, y(lo));
          ctx.lineTo(col, y(hi));
          ctx.lineTo(col, y(last));
        }
        col = c;
        lo = v;
        hi = v;
      }
      lo = Math.min(lo, v);
      hi = Math.max(hi, v);
      last = v;
    }
    ctx.lineTo(col, y(lo));
    ctx.lineTo(col, y(hi));
    ctx.lineTo(col, y(last));
    ctx.lineTo(xEnd, y(last));
  } else {
    let prev = line.v[a]!;
    ctx.moveTo(clampX(s.x(line.t[a]!)), y(prev));
    for (let i = a + 1; i < b; i++) {
      const x = clampX(s.x(line.t[i]!));
      ctx.lineTo(x, y(prev));
      prev = line.v[i]!;
      ctx.lineTo(x, y(prev));
    }
    ctx.lineTo(xEnd, y(prev));
  }
  ctx.stroke();
}

function frame(s: Scene, row: Row, title: string, domain: [number, number]): (v: number) => number {
  const { ctx, layout } = s;
  const top = row.y + 18;
  const bottom = row.y + row.h - 3;
  const scale = scaleLinear()
    .domain(domain[0] === domain[1] ? [domain[0] - 1, domain[1] + 1] : domain)
    .range([bottom, top])
    .nice(3);
  ctx.fillStyle = "rgba(255,255,255,0.6)";
  ctx.fillRect(layout.x0, row.y, layout.x1 - layout.x0, row.h);
  ctx.strokeStyle = colors.grid;
  ctx.strokeRect(layout.x0 + 0.5, row.y + 0.5, layout.x1 - layout.x0, row.h - 1);
  ctx.font = "10px system-ui, sans-serif";
  ctx.fillStyle = colors.muted;
  ctx.textAlign = "right";
  // Offsets, ISR sizes and lag are counts: only whole-number ticks.
  for (const tick of scale.ticks(row.h > 70 ? 4 : 2).filter(Number.isInteger)) {
    const y = scale(tick);
    if (y < top - 2) continue;
    ctx.fillText(String(tick), layout.x0 - 4, y + 3);
    ctx.strokeStyle = colors.grid;
    ctx.beginPath();
    ctx.moveTo(layout.x0, Math.round(y) + 0.5);
    ctx.lineTo(layout.x1, Math.round(y) + 0.5);
    ctx.stroke();
  }
  ctx.textAlign = "left";
  ctx.font = "600 11px system-ui, sans-serif";
  ctx.fillStyle = colors.ink;
  ctx.fillText(title, layout.x0 + 6, row.y + 12);
  titleWidth = ctx.measureText(title).width + 14;
  return (v: number) => scale(v);
}

/** Width of the last chart title, so the legend starts after it. */
let titleWidth = 0;

export function drawOffsets(s: Scene, key: string | undefined): void {
  const row = rowOf(s.layout, "offsets");
  if (row === undefined) return;
  const data = s.data;
  const replicas = data.replicaSeries.filter((r) => r.key === key);
  const hw = data.hwSeries.find((h) => h.key === key);
  const lines: Line[] = replicas.map((r) => ({ t: r.t, v: r.logEndOffset }));
  if (hw !== undefined) lines.push({ t: hw.t, v: hw.hw });
  const y = frame(
    s,
    row,
    key === undefined ? "offsets" : `offsets · ${key}`,
    extent(lines, s.t0, s.t1),
  );
  if (key === undefined) {
    note(s, row, "No partition-state events in this trace.");
    return;
  }
  const { ctx, layout } = s;
  if (hw !== undefined) {
    ctx.strokeStyle = colors.hw;
    ctx.lineWidth = 3;
    ctx.globalAlpha = 0.35;
    stepLine(s, { t: hw.t, v: hw.hw }, y);
    ctx.globalAlpha = 1;
    ctx.lineWidth = 1;
  }
  replicas.forEach((r, i) => {
    ctx.strokeStyle = s.nodeColor(r.node);
    ctx.lineWidth = 1.6;
    ctx.setLineDash([...(seriesDashes[i % seriesDashes.length] ?? [])]);
    stepLine(s, { t: r.t, v: r.logEndOffset }, y);
    ctx.setLineDash([]);
    ctx.lineWidth = 1;
  });
  legend(s, row, [
    ...replicas.map((r, i) => ({
      text: `LEO ${r.node}`,
      color: s.nodeColor(r.node),
      dash: seriesDashes[i % seriesDashes.length] ?? [],
      node: r.node,
    })),
    { text: "HW (leader)", color: "rgba(29,29,31,0.45)", dash: [], width: 3 },
  ]);
  void layout;
}

export function drawIsr(s: Scene): void {
  const row = rowOf(s.layout, "isr");
  if (row === undefined) return;
  const series = s.data.partitionSeries;
  const max = Math.max(1, ...series.map((p) => Math.max(0, ...p.replicas)));
  const y = frame(s, row, "ISR size", [0, max]);
  if (series.length === 0) {
    note(s, row, "No partitions yet.");
    return;
  }
  const { ctx } = s;
  series.forEach((p, i) => {
    ctx.strokeStyle = [colors.blue, colors.orange, colors.green, colors.purple, colors.vermillion][
      i % 5
    ]!;
    ctx.lineWidth = 1.6;
    ctx.setLineDash([...(seriesDashes[i % seriesDashes.length] ?? [])]);
    stepLine(s, { t: p.t, v: p.isrSize }, (v) => y(v) + (i % 3) - 1);
    ctx.setLineDash([]);
  });
  ctx.lineWidth = 1;
  legend(
    s,
    row,
    series.slice(0, 6).map((p, i) => ({
      text: p.key,
      color: [colors.blue, colors.orange, colors.green, colors.purple, colors.vermillion][i % 5]!,
      dash: seriesDashes[i % seriesDashes.length] ?? [],
    })),
  );
}

const lagColors = [colors.vermillion, colors.blue, colors.green] as const;

export function drawLag(s: Scene): void {
  const row = rowOf(s.layout, "lag");
  if (row === undefined) return;
  const series = s.data.lagSeries;
  if (series.length === 0) {
    s.ctx.font = "600 11px system-ui, sans-serif";
    s.ctx.fillStyle = colors.ink;
    s.ctx.fillText("consumer lag", s.layout.x0 + 6, row.y + 14);
    note(s, row, "  no consumer groups in this trace");
    return;
  }
  const lines = series.map((g) => ({ t: g.t, v: g.lag }));
  const y = frame(s, row, "consumer lag", [0, extent(lines, s.t0, s.t1)[1]]);
  const { ctx } = s;
  series.forEach((g, i) => {
    rebalanceBands(s, row, g, i, series.length);
  });
  series.forEach((_g, i) => {
    ctx.strokeStyle = lagColors[i % lagColors.length]!;
    ctx.lineWidth = 1.6;
    ctx.setLineDash([...(seriesDashes[i % seriesDashes.length] ?? [])]);
    stepLine(s, lines[i]!, y);
    ctx.setLineDash([]);
  });
  ctx.lineWidth = 1;
  legend(s, row, [
    ...series.map((g, i) => ({
      text: `group ${g.group}`,
      color: lagColors[i % lagColors.length]!,
      dash: seriesDashes[i % seriesDashes.length] ?? [],
    })),
    ...(series.some((g) => g.rebalancing.includes(1))
      ? [{ text: "hatched band: rebalancing", color: colors.muted, dash: [2, 3] }]
      : []),
  ]);
}

/**
 * While a group rebalances nobody consumes its partitions: a hatched band in the group's colour
 * (its own strip of the row when several groups share it), so lag climbing inside it reads as such.
 */
function rebalanceBands(s: Scene, row: Row, g: LagSeries, i: number, groups: number): void {
  const { ctx, layout } = s;
  const color = lagColors[i % lagColors.length]!;
  const h = Math.max(4, Math.floor((row.h - 18) / groups));
  const top = row.y + 16 + i * h;
  const end = s.data.tMax;
  ctx.save();
  ctx.beginPath();
  ctx.rect(layout.x0, row.y, layout.x1 - layout.x0, row.h);
  ctx.clip();
  for (let k = 0; k < g.t.length; k++) {
    if (g.rebalancing[k] !== 1) continue;
    const from = g.t[k]!;
    const to = g.t[k + 1] ?? end;
    if (to < s.t0 || from > s.t1) continue;
    const x0 = Math.max(layout.x0, s.x(from));
    const x1 = Math.max(x0 + 2, Math.min(layout.x1, s.x(to)));
    ctx.save();
    ctx.beginPath();
    ctx.rect(x0, top, x1 - x0, h);
    ctx.clip();
    ctx.globalAlpha = 0.13;
    ctx.fillStyle = color;
    ctx.fillRect(x0, top, x1 - x0, h);
    ctx.globalAlpha = 0.55;
    ctx.strokeStyle = color;
    ctx.beginPath();
    for (let x = x0 - h; x < x1; x += 6) {
      ctx.moveTo(x, top + h);
      ctx.lineTo(x + h, top);
    }
    ctx.stroke();
    ctx.restore();
  }
  ctx.restore();
}

function note(s: Scene, row: Row, text: string): void {
  s.ctx.font = "11px system-ui, sans-serif";
  s.ctx.fillStyle = colors.muted;
  s.ctx.fillText(text, s.layout.x0 + 100, row.y + Math.min(row.h - 6, 14));
}

interface LegendItem {
  readonly text: string;
  readonly color: string;
  readonly dash: readonly number[];
  readonly width?: number;
  readonly node?: number;
}

function legend(s: Scene, row: Row, items: readonly LegendItem[]): void {
  const { ctx, layout } = s;
  ctx.font = "10.5px system-ui, sans-serif";
  let x = layout.x0 + 6 + titleWidth;
  const y = row.y + 8;
  for (const item of items) {
    const w = ctx.measureText(item.text).width;
    ctx.fillStyle = "rgba(255,255,255,0.85)";
    ctx.fillRect(x - 2, y - 8, w + 34, 13);
    ctx.strokeStyle = item.color;
    ctx.lineWidth = item.width ?? 1.6;
    ctx.setLineDash([...item.dash]);
    ctx.beginPath();
    ctx.moveTo(x, y);
    ctx.lineTo(x + 20, y);
    ctx.stroke();
    ctx.setLineDash([]);
    ctx.lineWidth = 1;
    if (item.node !== undefined) markShape(ctx, s.nodeShape(item.node), x + 10, y, 3, item.color);
    ctx.fillStyle = colors.ink;
    ctx.fillText(item.text, x + 24, y + 4);
    x += w + 38;
  }
}

/** Values of the charts at time t, for the tooltip. */
export function chartValuesAt(data: IndexData, key: string | undefined, t: number): string[] {
  const out: string[] = [];
  const at = (ts: Float64Array, vs: ArrayLike<number>) => {
    const i = lastAtOrBelow(ts, t);
    return i < 0 ? undefined : vs[i];
  };
  for (const r of data.replicaSeries) {
    if (r.key !== key) continue;
    const leo = at(r.t, r.logEndOffset);
    const hw = at(r.t, r.highWatermark);
    if (leo !== undefined) out.push(`replica ${r.node}: LEO ${leo}  HW ${hw}`);
  }
  for (const p of data.partitionSeries) {
    const isr = at(p.t, p.isrSize);
    if (isr !== undefined)
      out.push(
        `${p.key}: ISR ${isr}/${at(p.t, p.replicas)}  leader ${at(p.t, p.leader)}  epoch ${at(p.t, p.leaderEpoch)}`,
      );
  }
  for (const g of data.lagSeries) {
    const lag = at(g.t, g.lag);
    const rebalancing = at(g.t, g.rebalancing) === 1 ? " (rebalancing)" : "";
    if (lag !== undefined) out.push(`group ${g.group}: lag ${lag}${rebalancing}`);
  }
  return out;
}
