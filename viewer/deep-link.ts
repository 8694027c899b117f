// The view in a URL fragment: `#t=…&sel=…` plus the visible window and the charted partition, so a
// link restores the same cursor, selection and zoom. Invariant: parse(format(v)) equals v for every
// view this module can format (a test round-trips them).

export type Selection =
  | { readonly kind: "event"; readonly seq: number }
  | { readonly kind: "message"; readonly id: number }
  | { readonly kind: "node"; readonly id: number }
  | { readonly kind: "partition"; readonly key: string };

export interface LinkView {
  /** Simulated time of the cursor. */
  readonly t: number;
  /** Sequence number of the cursor event when several share `t` and it is not the last. */
  readonly at: number | undefined;
  readonly sel: Selection | undefined;
  /** The visible window [t0, t1]. */
  readonly window: readonly [number, number] | undefined;
  /** The partition the charts show. */
  readonly partition: string | undefined;
}

function formatSelection(sel: Selection): string {
  switch (sel.kind) {
    case "event":
      return `e${sel.seq}`;
    case "message":
      return `m${sel.id}`;
    case "node":
      return `n${sel.id}`;
    case "partition":
      return `p${sel.key}`;
  }
}

export function parseSelection(text: string): Selection | undefined {
  const head = text[0];
  const rest = text.slice(1);
  if (head === "p" && rest.length > 0) return { kind: "partition", key: rest };
  const n = Number(rest);
  if (rest === "" || !Number.isFinite(n)) return undefined;
  if (head === "e") return { kind: "event", seq: n };
  if (head === "m") return { kind: "message", id: n };
  if (head === "n") return { kind: "node", id: n };
  return undefined;
}

/** Short decimal text: at most 3 decimals, no trailing zeros. */
function num(value: number): string {
  return String(Math.round(value * 1000) / 1000);
}

export function formatLink(view: LinkView): string {
  const parts = [`t=${num(view.t)}`];
  if (view.at !== undefined) parts.push(`at=${view.at}`);
  if (view.sel !== undefined) parts.push(`sel=${encodeURIComponent(formatSelection(view.sel))}`);
  if (view.window !== undefined) parts.push(`w=${num(view.window[0])}~${num(view.window[1])}`);
  if (view.partition !== undefined) parts.push(`p=${encodeURIComponent(view.partition)}`);
  return `#${parts.join("&")}`;
}

/** Reads a fragment (with or without `#`); fields that do not parse are left out. */
export function parseLink(hash: string): Partial<LinkView> {
  const params = new URLSearchParams(hash.startsWith("#") ? hash.slice(1) : hash);
  const out: { -readonly [K in keyof LinkView]?: LinkView[K] } = {};
  const t = Number(params.get("t"));
  if (params.has("t") && Number.isFinite(t)) out.t = t;
  const at = Number(params.get("at"));
  if (params.has("at") && Number.isInteger(at)) out.at = at;
  const sel = params.get("sel");
  if (sel !== null) {
    const parsed = parseSelection(sel);
    if (parsed !== undefined) out.sel = parsed;
  }
  const w = params.get("w")?.split("~").map(Number);
  if (w !== undefined && w.length === 2 && w.every(Number.isFinite) && w[0]! < w[1]!) {
    out.window = [w[0]!, w[1]!];
  }
  const p = params.get("p");
  if (p !== null && p !== "") out.partition = p;
  return out;
}
