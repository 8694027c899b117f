// Validates a trace's first line and turns it into TraceInfo, with a message a person can act on
// when the file is not a Runnel trace, is another version, or is damaged. Invariant: every failure is
// a value with a message; nothing here throws.

import type { LaneInfo, TraceInfo } from "./index-data.ts";
import { expectedFormat, expectedVersion } from "./records.ts";

export type HeaderCheck =
  | { readonly ok: true; readonly info: TraceInfo }
  | { readonly ok: false; readonly message: string };

function preview(line: string): string {
  const flat = line.replace(/\s+/g, " ");
  return flat.length > 80 ? `${flat.slice(0, 80)}…` : flat;
}

export function checkHeader(line: string | undefined): HeaderCheck {
  if (line === undefined || line.trim() === "") {
    return { ok: false, message: "The file is empty: a Runnel trace starts with a header line." };
  }
  let value: unknown;
  try {
    value = JSON.parse(line);
  } catch (error) {
    const why = error instanceof Error ? error.message : String(error);
    return {
      ok: false,
      message: `Line 1 is not JSON (${why}), so this is not a Runnel trace (NDJSON: a header line, then one event per line). It starts: ${preview(line)}`,
    };
  }
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    return {
      ok: false,
      message: `Line 1 is not a JSON object, so it is not a Runnel trace header: ${preview(line)}`,
    };
  }
  const h = value as Record<string, unknown>;
  if (h.format !== expectedFormat) {
    return {
      ok: false,
      message: `Line 1 has format ${JSON.stringify(h.format ?? null)}, expected "${expectedFormat}": this is not a Runnel trace.`,
    };
  }
  if (h.version !== expectedVersion) {
    return {
      ok: false,
      message: `This trace is format version ${JSON.stringify(h.version ?? null)}; this viewer reads version ${expectedVersion}. Open it with the viewer of the commit that wrote it (${String(h.commit ?? "unknown")}).`,
    };
  }
  const nodes = lanes(h.nodes);
  if (nodes === undefined) {
    return { ok: false, message: "The header has no valid `nodes` list ([{id, role}, ...])." };
  }
  const config = h.config as Record<string, unknown> | null | undefined;
  const replay = typeof config?.replay === "string" ? config.replay : undefined;
  return {
    ok: true,
    info: {
      seed: String(h.seed ?? "?"),
      commit: String(h.commit ?? "unknown"),
      version: expectedVersion,
      nodes,
      config: h.config ?? null,
      faults: h.faults ?? null,
      replay,
    },
  };
}

function lanes(value: unknown): LaneInfo[] | undefined {
  if (!Array.isArray(value)) return undefined;
  const out: LaneInfo[] = [];
  for (const item of value) {
    if (typeof item !== "object" || item === null) return undefined;
    const n = item as Record<string, unknown>;
    if (typeof n.id !== "number") return undefined;
    out.push({ id: n.id, role: typeof n.role === "string" ? n.role : "unknown" });
  }
  return out;
}

/** Why a record line failed, naming its line number (1-based, header is line 1). */
export function badLine(lineNumber: number, line: string, why: string): string {
  return `Line ${lineNumber} is malformed (${why}): ${preview(line)}`;
}
