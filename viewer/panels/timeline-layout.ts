// Where everything sits on the timeline canvas: a time axis, one lane per node, then the charts
// (offsets of the charted partition, ISR size, consumer lag). Invariant: rows never overlap and all
// share one x scale, so a vertical line at time t crosses every row at the same moment.

import type { LaneInfo } from "../index-data.ts";

export type RowKind = "axis" | "lane" | "offsets" | "isr" | "lag";

export interface Row {
  readonly kind: RowKind;
  readonly y: number;
  readonly h: number;
  readonly label: string;
  /** Lanes only. */
  readonly node?: number;
  readonly laneIndex?: number;
}

export interface Layout {
  readonly width: number;
  readonly height: number;
  /** Left edge of the plot (labels sit in the gutter before it). */
  readonly x0: number;
  readonly x1: number;
  readonly rows: readonly Row[];
  readonly laneY: ReadonlyMap<number, number>;
  readonly lanesTop: number;
  readonly lanesBottom: number;
}

export const gutter = 112;
const axisHeight = 22;

export function laneLabel(lane: LaneInfo): string {
  return lane.role === "server"
    ? `broker ${lane.id}`
    : lane.role === "client"
      ? `client ${lane.id}`
      : `node ${lane.id}`;
}

/** Servers first, then clients, then anything else, each in header order. */
export function orderLanes(lanes: readonly LaneInfo[]): LaneInfo[] {
  const rank = (role: string) => (role === "server" ? 0 : role === "client" ? 1 : 2);
  return [...lanes].sort((a, b) => rank(a.role) - rank(b.role));
}

export function layoutTimeline(
  width: number,
  height: number,
  lanes: readonly LaneInfo[],
  hasGroups: boolean,
): Layout {
  const rows: Row[] = [{ kind: "axis", y: 0, h: axisHeight, label: "time" }];
  const gap = 6;
  const available = Math.max(120, height - axisHeight - 3 * gap);
  const laneH = Math.max(
    16,
    Math.min(34, Math.floor((available * 0.48) / Math.max(1, lanes.length))),
  );
  let y = axisHeight;
  const laneY = new Map<number, number>();
  lanes.forEach((lane, laneIndex) => {
    rows.push({ kind: "lane", y, h: laneH, label: laneLabel(lane), node: lane.id, laneIndex });
    laneY.set(lane.id, y + laneH / 2);
    y += laneH;
  });
  const lanesBottom = y;
  y += gap;
  const rest = Math.max(90, height - y - 2 * gap);
  const lagH = hasGroups ? Math.round(rest * 0.36) : 22;
  const isrH = Math.round((rest - lagH) * 0.3);
  const offsetsH = rest - lagH - isrH;
  rows.push({ kind: "offsets", y, h: offsetsH, label: "offsets" });
  y += offsetsH + gap;
  rows.push({ kind: "isr", y, h: isrH, label: "ISR size" });
  y += isrH + gap;
  rows.push({ kind: "lag", y, h: lagH, label: "consumer lag" });
  return {
    width,
    height,
    x0: gutter,
    x1: width - 10,
    rows,
    laneY,
    lanesTop: axisHeight,
    lanesBottom,
  };
}

export function rowOf(layout: Layout, kind: RowKind): Row | undefined {
  return layout.rows.find((r) => r.kind === kind);
}

export function rowAt(layout: Layout, y: number): Row | undefined {
  return layout.rows.find((r) => y >= r.y && y < r.y + r.h);
}
