// Draws messages on the space-time diagram: an arrow from send (sender's lane) to delivery
// (receiver's lane), a ✕ where a message was dropped, an open dashed tail for one still in flight.
// Past `arrowLimit` visible messages it draws per-lane send density instead and says so: never a
// silent truncation, never a frozen tab.

import { messageStatus } from "../index-data.ts";
import { messageStyles } from "../palette.ts";
import { firstAtOrAbove } from "../vec.ts";
import type { Scene } from "./draw-lanes.ts";

export const arrowLimit = 6000;

export interface DrawnMessages {
  /** Rows of the messages drawn as arrows (empty in density mode). */
  readonly rows: Int32Array;
  readonly visible: number;
  readonly density: boolean;
}

/** Message rows overlapping [t0, t1]: short ones by binary search on send time, plus long ones. */
export function visibleMessages(s: Scene): number[] {
  const m = s.data.messages;
  const out: number[] = [];
  const lo = firstAtOrAbove(m.sendT, s.t0 - m.longMs);
  const hi = firstAtOrAbove(m.sendT, s.t1 + 1e-9);
  const longSet = new Set<number>();
  for (const row of m.long) {
    longSet.add(row);
    const endT = Number.isNaN(m.endT[row]!) ? Number.POSITIVE_INFINITY : m.endT[row]!;
    if (m.sendT[row]! <= s.t1 && endT >= s.t0) out.push(row);
  }
  for (let row = lo; row < hi; row++) {
    if (longSet.has(row)) continue;
    const endT = Number.isNaN(m.endT[row]!) ? Number.POSITIVE_INFINITY : m.endT[row]!;
    if (endT >= s.t0) out.push(row);
  }
  return out;
}

export function drawMessages(s: Scene, highlight: number): DrawnMessages {
  const rows = visibleMessages(s);
  if (rows.length > arrowLimit) {
    drawDensity(s, rows);
    return { rows: new Int32Array(0), visible: rows.length, density: true };
  }
  const { ctx, layout } = s;
  const m = s.data.messages;
  ctx.save();
  ctx.beginPath();
  ctx.rect(
    layout.x0,
    layout.lanesTop,
    layout.x1 - layout.x0 + 10,
    layout.lanesBottom - layout.lanesTop,
  );
  ctx.clip();
  const alpha = rows.length > 1500 ? 0.35 : rows.length > 400 ? 0.6 : 0.9;
  ctx.lineWidth = 1;
  for (const kind of [0, 1, 2]) {
    const style = messageStyles[kind]!;
    ctx.strokeStyle = style.color;
    ctx.fillStyle = style.color;
    ctx.globalAlpha = alpha;
    ctx.setLineDash(style.dash);
    for (const row of rows) if (m.kind[row] === kind) drawArrow(s, row, false);
  }
  ctx.globalAlpha = 1;
  ctx.setLineDash([]);
  if (highlight >= 0) {
    ctx.lineWidth = 3;
    ctx.strokeStyle = "#1d1d1f";
    ctx.fillStyle = "#1d1d1f";
    drawArrow(s, highlight, true);
    ctx.lineWidth = 1;
  }
  ctx.restore();
  return { rows: Int32Array.from(rows), visible: rows.length, density: false };
}

/** Start and end points of a message row (end at the right edge while in flight). */
export function arrowGeometry(
  s: Scene,
  row: number,
): { x1: number; y1: number; x2: number; y2: number } | undefined {
  const m = s.data.messages;
  const y1 = s.layout.laneY.get(m.from[row]!);
  const y2 = s.layout.laneY.get(m.to[row]!) ?? y1;
  if (y1 === undefined || y2 === undefined) return undefined;
  const endT = m.endT[row]!;
  const x1 = s.x(m.sendT[row]!);
  const x2 = Number.isNaN(endT) ? s.x(s.data.tMax) + 40 : s.x(endT);
  const status = m.status[row]!;
  const dropped = status === messageStatus.dropped || status === messageStatus.dropOnly;
  // A drop ends on the sender's way to the receiver: partway, at the drop time.
  const yEnd = dropped ? y1 + (y2 - y1) * 0.6 : y2;
  return { x1, y1, x2, y2: yEnd };
}

function drawArrow(s: Scene, row: number, bold: boolean): void {
  const g = arrowGeometry(s, row);
  if (g === undefined) return;
  const { ctx } = s;
  const status = s.data.messages.status[row]!;
  ctx.beginPath();
  ctx.moveTo(g.x1, g.y1);
  ctx.lineTo(g.x2, g.y2);
  ctx.stroke();
  if (status === messageStatus.delivered) {
    const a = Math.atan2(g.y2 - g.y1, g.x2 - g.x1);
    const size = bold ? 8 : 5;
    ctx.beginPath();
    ctx.moveTo(g.x2, g.y2);
    ctx.lineTo(g.x2 - size * Math.cos(a - 0.4), g.y2 - size * Math.sin(a - 0.4));
    ctx.lineTo(g.x2 - size * Math.cos(a + 0.4), g.y2 - size * Math.sin(a + 0.4));
    ctx.closePath();
    ctx.fill();
  } else if (status === messageStatus.dropped || status === messageStatus.dropOnly) {
    const saved = ctx.strokeStyle;
    ctx.strokeStyle = "#d55e00";
    ctx.setLineDash([]);
    ctx.lineWidth = bold ? 3 : 1.6;
    ctx.beginPath();
    ctx.moveTo(g.x2 - 4, g.y2 - 4);
    ctx.lineTo(g.x2 + 4, g.y2 + 4);
    ctx.moveTo(g.x2 + 4, g.y2 - 4);
    ctx.lineTo(g.x2 - 4, g.y2 + 4);
    ctx.stroke();
    ctx.lineWidth = bold ? 3 : 1;
    ctx.strokeStyle = saved;
  }
}

/** Sends per pixel column on each sender's lane, as bars scaled by log count. */
function drawDensity(s: Scene, rows: readonly number[]): void {
  const { ctx, layout } = s;
  const m = s.data.messages;
  const width = Math.max(1, Math.ceil(layout.x1 - layout.x0));
  const buckets = new Map<number, Uint32Array>();
  for (const row of rows) {
    const from = m.from[row]!;
    let b = buckets.get(from);
    if (b === undefined) {
      b = new Uint32Array(width);
      buckets.set(from, b);
    }
    const col = Math.floor(s.x(m.sendT[row]!) - layout.x0);
    if (col >= 0 && col < width) b[col]!++;
  }
  ctx.fillStyle = "rgba(0,114,178,0.55)";
  for (const [node, b] of buckets) {
    const y = layout.laneY.get(node);
    if (y === undefined) continue;
    let max = 1;
    for (const v of b) max = Math.max(max, v);
    const scale = 11 / Math.log1p(max);
    for (let c = 0; c < width; c++) {
      const v = b[c]!;
      if (v === 0) continue;
      const h = Math.max(1, Math.log1p(v) * scale);
      ctx.fillRect(layout.x0 + c, y - h, 1, 2 * h);
    }
  }
}
