// The cluster at the cursor, as a small SVG: brokers across the top (status by fill pattern, glyph
// and words: up, paused, down, fenced, halted; the controller starred), clients below, links between
// brokers cut by active network faults, and the list of faults in force.

import { type Selection, select } from "d3";
import type { ClusterState, NodeState } from "../cluster-state.ts";
import { formatTime } from "../format.ts";
import type { LaneInfo } from "../index-data.ts";
import { nodeColors } from "../palette.ts";
import { orderLanes } from "./timeline-layout.ts";

const svgNs = "http://www.w3.org/2000/svg";

interface Placed {
  readonly id: number;
  readonly role: string;
  readonly x: number;
  readonly y: number;
  readonly w: number;
  readonly h: number;
  readonly color: string;
}

export class ClusterDiagram {
  readonly #svg: SVGSVGElement;
  readonly #onSelect: (node: number) => void;
  #width = 0;
  #shown = "";

  constructor(svg: SVGSVGElement, onSelect: (node: number) => void) {
    this.#svg = svg;
    this.#onSelect = onSelect;
    const defs = document.createElementNS(svgNs, "defs");
    defs.innerHTML = `
      <pattern id="hatch-down" width="6" height="6" patternUnits="userSpaceOnUse" patternTransform="rotate(45)">
        <rect width="6" height="6" fill="#e4e4e2"/><line x1="0" y1="0" x2="0" y2="6" stroke="#9a9a9a" stroke-width="2"/></pattern>
      <pattern id="stripes-paused" width="8" height="8" patternUnits="userSpaceOnUse">
        <rect width="8" height="8" fill="#fbf6c8"/><rect width="8" height="3" fill="#efe27a"/></pattern>`;
    svg.appendChild(defs);
    new ResizeObserver((entries) => {
      this.#width = entries[0]?.contentRect.width ?? this.#width;
    }).observe(svg);
  }

  update(state: ClusterState | null, lanes: readonly LaneInfo[]): void {
    // Redrawn only when something it shows changed (scrubbing delivers a state every frame).
    const key =
      state === null
        ? ""
        : JSON.stringify([
            this.#width,
            lanes,
            state.nodes,
            state.controller,
            state.controllerEpoch,
            state.faults.map((f) => f.label),
            Object.values(state.partitions).map((p) => [p.key, p.leader]),
          ]);
    if (key === this.#shown) return;
    this.#shown = key;
    const svg = select(this.#svg);
    svg.selectAll("g.layer").remove();
    if (state === null) return;
    const ordered = orderLanes(lanes);
    const servers = ordered.filter((l) => l.role === "server");
    const placed = placeNodes(ordered, this.#width || 460);
    const layer = svg.append("g").attr("class", "layer");
    this.#links(layer, state, servers, placed);
    for (const p of placed.values()) this.#node(layer, p, state.nodes[p.id], state);
    const faults = state.faults.map((f) => f.label);
    const text = faults.length === 0 ? "no faults in force" : `in force: ${faults.join(" · ")}`;
    layer
      .append("text")
      .attr("class", "sub")
      .attr("x", 8)
      .attr("y", 183)
      .text(text.length > 80 ? `${text.slice(0, 79)}…` : text)
      .append("title")
      .text(text);
  }

  #links(
    layer: Selection<SVGGElement, unknown, null, undefined>,
    state: ClusterState,
    servers: readonly LaneInfo[],
    placed: Map<number, Placed>,
  ): void {
    for (let i = 0; i < servers.length; i++) {
      for (let j = i + 1; j < servers.length; j++) {
        const a = placed.get(servers[i]!.id)!;
        const b = placed.get(servers[j]!.id)!;
        const cut = state.faults.find(
          (f) =>
            f.category === "network" &&
            f.key.startsWith("partition") &&
            f.nodes.includes(a.id) &&
            f.nodes.includes(b.id),
        );
        const x1 = a.x + a.w / 2;
        const y1 = a.y + a.h / 2;
        const x2 = b.x + b.w / 2;
        const y2 = b.y + b.h / 2;
        const line = layer
          .append("line")
          .attr("x1", x1)
          .attr("y1", y1)
          .attr("x2", x2)
          .attr("y2", y2)
          .attr("stroke", cut === undefined ? "#c4c4c0" : "#d55e00")
          .attr("stroke-width", cut === undefined ? 1.2 : 2.2);
        if (cut !== undefined) {
          line.attr("stroke-dasharray", "5 4");
          const mx = (x1 + x2) / 2;
          const my = (y1 + y2) / 2;
          layer
            .append("rect")
            .attr("x", mx - 18)
            .attr("y", my - 8)
            .attr("width", 36)
            .attr("height", 14)
            .attr("rx", 3)
            .attr("fill", "#fff")
            .attr("stroke", "#d55e00");
          layer
            .append("text")
            .attr("x", mx)
            .attr("y", my + 3)
            .attr("text-anchor", "middle")
            .attr("fill", "#a33f00")
            .style("font-weight", "700")
            .text("✕ cut");
        }
      }
    }
  }

  #node(
    layer: Selection<SVGGElement, unknown, null, undefined>,
    p: Placed,
    node: NodeState | undefined,
    state: ClusterState,
  ): void {
    const g = layer
      .append("g")
      .attr("transform", `translate(${p.x},${p.y})`)
      .attr("data-node", p.id)
      .attr("data-status", node?.status ?? "unknown")
      .style("cursor", "pointer");
    g.on("click", () => this.#onSelect(p.id));
    const status = node?.status ?? "not-started";
    const fill =
      status === "down"
        ? "url(#hatch-down)"
        : status === "paused"
          ? "url(#stripes-paused)"
          : "#fff";
    const controller = state.controller === p.id;
    g.append("rect")
      .attr("width", p.w)
      .attr("height", p.h)
      .attr("rx", 6)
      .attr("fill", fill)
      .attr("stroke", p.color)
      .attr("stroke-width", controller ? 3 : 1.6)
      .attr("stroke-dasharray", status === "down" ? "5 3" : null);
    const name = p.role === "server" ? `broker ${p.id}` : `client ${p.id}`;
    const glyph = status === "down" ? "✕ " : status === "paused" ? "❚❚ " : "";
    const status1 = p.h <= 40 ? ` ${statusGlyph(status)}` : "";
    g.append("text")
      .attr("class", "node-label")
      .attr("x", 7)
      .attr("y", p.h <= 40 ? p.h / 2 + 4 : 15)
      .text(`${glyph}${name}${controller ? " ★" : ""}${status1}`);
    const lines: string[] = [];
    if (status === "down") lines.push(`down since ${formatTime(node!.since)}`);
    else if (status === "paused") lines.push(`paused since ${formatTime(node!.since)}`);
    else if (status === "not-started") lines.push("not started");
    else lines.push(node?.ready === false && p.role === "server" ? "up · recovering" : "up");
    if (p.role === "server" && node !== undefined) {
      if (controller) lines.push(`controller, epoch ${state.controllerEpoch}`);
      else if (node.raftRole !== null) lines.push(`quorum ${node.raftRole}`);
      if (node.fenced === true) lines.push("⊘ fenced: session expired");
      if (node.halted !== null) lines.push(`⊘ halted: ${node.halted}`);
      const leads = Object.values(state.partitions)
        .filter((x) => x.leader === p.id)
        .map((x) => x.key);
      if (leads.length > 0) lines.push(`leads ${leads.join(", ")}`);
    }
    const max = Math.floor(p.w / 6.2);
    lines.slice(0, p.h > 40 ? 3 : 0).forEach((text, i) => {
      const shown = text.length > max ? `${text.slice(0, max - 1)}…` : text;
      g.append("text")
        .attr("class", "sub")
        .attr("x", 7)
        .attr("y", 28 + i * 12)
        .text(shown)
        .append("title")
        .text(text);
    });
    if (p.h <= 40) g.append("title").text(lines.join("; "));
  }
}

/** A compact status for small boxes (the full words are in the box's tooltip). */
function statusGlyph(status: string): string {
  return status === "up" ? "✓ up" : status === "down" ? "" : status === "paused" ? "" : "·";
}

/** Brokers on an ellipse (a link between any two stays visible), clients in a column on the right. */
function placeNodes(ordered: readonly LaneInfo[], width: number): Map<number, Placed> {
  const servers = ordered.filter((l) => l.role === "server");
  const clients = ordered.filter((l) => l.role !== "server");
  const placed = new Map<number, Placed>();
  const colorOf = (lane: LaneInfo) => nodeColors[ordered.indexOf(lane) % nodeColors.length]!;
  const clientsW = clients.length === 0 ? 0 : 118;
  const area = width - clientsW - 16;
  const bw = Math.min(132, Math.max(84, area / Math.max(2, Math.ceil(servers.length / 1.6))));
  const bh = 58;
  const cx = 8 + area / 2;
  const cy = 84;
  const rx = Math.max(0, area / 2 - bw / 2 - 4);
  const ry = servers.length <= 1 ? 0 : 52;
  servers.forEach((lane, i) => {
    const a = -Math.PI / 2 + (2 * Math.PI * i) / Math.max(1, servers.length);
    const x = servers.length === 1 ? cx : cx + rx * Math.cos(a);
    const y = servers.length === 1 ? cy : cy + ry * Math.sin(a);
    placed.set(lane.id, {
      id: lane.id,
      role: lane.role,
      x: x - bw / 2,
      y: y - bh / 2,
      w: bw,
      h: bh,
      color: colorOf(lane),
    });
  });
  const ch = Math.min(30, (170 - 4 * clients.length) / Math.max(1, clients.length));
  clients.forEach((lane, i) => {
    placed.set(lane.id, {
      id: lane.id,
      role: lane.role,
      x: width - clientsW - 4,
      y: 6 + i * (ch + 4),
      w: clientsW,
      h: ch,
      color: colorOf(lane),
    });
  });
  return placed;
}
