// Colours, shapes and dash patterns: Okabe-Ito colours (safe under protan, deutan and tritan
// vision), and for every colour a second carrier (marker shape, dash, hatching, text label), so no
// meaning is carried by colour alone.

export const colors = {
  ink: "#1d1d1f",
  muted: "#5f6368",
  grid: "#e6e6e3",
  lane: "#f4f4f2",
  blue: "#0072b2",
  orange: "#e69f00",
  green: "#009e73",
  vermillion: "#d55e00",
  purple: "#cc79a7",
  sky: "#56b4e9",
  yellow: "#f0e442",
  hw: "#1d1d1f",
} as const;

/** Per node (by lane order): a colour and a marker shape. */
export const nodeColors = [
  colors.blue,
  colors.orange,
  colors.green,
  colors.purple,
  colors.vermillion,
  colors.sky,
  "#8c6d1f",
  "#555",
];
export const nodeShapes = [
  "circle",
  "square",
  "triangle",
  "diamond",
  "cross",
  "star",
  "circle",
  "square",
] as const;
export type Shape = (typeof nodeShapes)[number];

/** Message kinds: colour plus dash (peer solid, request long dash, response short dash). */
export const messageStyles = [
  { kind: "peer", color: colors.blue, dash: [] as number[] },
  { kind: "request", color: colors.orange, dash: [6, 3] },
  { kind: "response", color: colors.green, dash: [2, 2] },
] as const;

/** Dash per series index (replica lines, ISR lines), so lines differ without colour. */
export const seriesDashes: readonly (readonly number[])[] = [
  [],
  [6, 3],
  [2, 2],
  [8, 3, 2, 3],
  [1, 3],
  [10, 4],
];

export function drawShape(
  ctx: CanvasRenderingContext2D,
  shape: Shape,
  x: number,
  y: number,
  r: number,
): void {
  ctx.beginPath();
  switch (shape) {
    case "circle":
      ctx.arc(x, y, r, 0, Math.PI * 2);
      break;
    case "square":
      ctx.rect(x - r, y - r, 2 * r, 2 * r);
      break;
    case "triangle":
      ctx.moveTo(x, y - r * 1.15);
      ctx.lineTo(x + r * 1.1, y + r * 0.85);
      ctx.lineTo(x - r * 1.1, y + r * 0.85);
      ctx.closePath();
      break;
    case "diamond":
      ctx.moveTo(x, y - r * 1.3);
      ctx.lineTo(x + r * 1.1, y);
      ctx.lineTo(x, y + r * 1.3);
      ctx.lineTo(x - r * 1.1, y);
      ctx.closePath();
      break;
    case "cross":
      ctx.moveTo(x - r, y - r);
      ctx.lineTo(x + r, y + r);
      ctx.moveTo(x + r, y - r);
      ctx.lineTo(x - r, y + r);
      break;
    case "star":
      for (let i = 0; i < 10; i++) {
        const a = (Math.PI / 5) * i - Math.PI / 2;
        const rr = i % 2 === 0 ? r * 1.3 : r * 0.55;
        if (i === 0) ctx.moveTo(x + rr * Math.cos(a), y + rr * Math.sin(a));
        else ctx.lineTo(x + rr * Math.cos(a), y + rr * Math.sin(a));
      }
      ctx.closePath();
      break;
  }
}

const patterns = new WeakMap<CanvasRenderingContext2D, Map<string, CanvasPattern | string>>();

/** A filled marker (the cross is stroked, having no area). */
export function markShape(
  ctx: CanvasRenderingContext2D,
  shape: Shape,
  x: number,
  y: number,
  r: number,
  color: string,
): void {
  drawShape(ctx, shape, x, y, r);
  if (shape === "cross") {
    ctx.strokeStyle = color;
    ctx.lineWidth = 2;
    ctx.stroke();
    ctx.lineWidth = 1;
  } else {
    ctx.fillStyle = color;
    ctx.fill();
  }
}

/** Hatch patterns per fault category: network diagonal, disk cross-hatch, clock dots (cached). */
export function faultPattern(
  ctx: CanvasRenderingContext2D,
  category: string,
): CanvasPattern | string {
  let cache = patterns.get(ctx);
  if (cache === undefined) {
    cache = new Map();
    patterns.set(ctx, cache);
  }
  let pattern = cache.get(category);
  if (pattern === undefined) {
    pattern = makePattern(ctx, category);
    cache.set(category, pattern);
  }
  return pattern;
}

function makePattern(ctx: CanvasRenderingContext2D, category: string): CanvasPattern | string {
  const size = 8;
  const tile = document.createElement("canvas");
  tile.width = size;
  tile.height = size;
  const g = tile.getContext("2d");
  if (g === null) return "rgba(213,94,0,0.08)";
  const color =
    category === "disk"
      ? "rgba(204,121,167,0.45)"
      : category === "clock"
        ? "rgba(86,180,233,0.6)"
        : "rgba(213,94,0,0.32)";
  g.strokeStyle = color;
  g.fillStyle = color;
  g.lineWidth = 1;
  if (category === "clock") {
    g.beginPath();
    g.arc(4, 4, 1.1, 0, Math.PI * 2);
    g.fill();
  } else {
    g.beginPath();
    g.moveTo(0, size);
    g.lineTo(size, 0);
    if (category === "disk") {
      g.moveTo(0, 0);
      g.lineTo(size, size);
    }
    g.stroke();
  }
  return ctx.createPattern(tile, "repeat") ?? color;
}
