// Exports a trace to ShiViz's log format: for every event of a node, a description line and a
// `host {vector clock}` line. Vector clocks follow messages: a delivery merges the clock the
// sender had when it sent. Paste `log` into ShiViz with `regex` as the parser expression.

import type { NodeId } from "../core/ids.ts";
import type { TraceRecord } from "./trace-format.ts";

/** ShiViz's parser expression for the log below (its default form: event line, then host line). */
export const shivizRegex = "(?<event>.*)\\n(?<host>\\S*) (?<clock>{.*})";

export interface ShiVizLog {
  readonly regex: string;
  readonly log: string;
}

type Clock = Map<string, number>;

function hostName(node: NodeId): string {
  return `n${node}`;
}

function describe(record: TraceRecord): string {
  switch (record.type) {
    case "net-send":
      return `send #${record.msg} ${record.kind} to ${hostName(record.to)} (t=${record.t})`;
    case "net-deliver":
      return `deliver #${record.msg} from ${hostName(record.from)} (t=${record.t})`;
    case "net-drop":
      return `drop #${record.msg} to ${hostName(record.to)}: ${record.reason} (t=${record.t})`;
    default: {
      const { seq: _seq, t, node: _node, type, ...rest } = record;
      const detail = Object.entries(rest).map(([key, value]) => `${key}=${flat(value)}`);
      return [type, ...detail, `(t=${t})`].join(" ");
    }
  }
}

function flat(value: unknown): string {
  return typeof value === "string" ? value : JSON.stringify(value);
}

/** One line, and no space before a brace: no event line can pass for a `host {clock}` line. */
function eventLine(record: TraceRecord): string {
  return describe(record).replaceAll(/\s+/g, " ").replaceAll(" {", " (");
}

export function toShiViz(records: Iterable<TraceRecord>): ShiVizLog {
  const clocks = new Map<NodeId, Clock>();
  const sentWith = new Map<number, Clock>();
  const lines: string[] = [];
  for (const record of records) {
    if (record.node === undefined) continue;
    const host = hostName(record.node);
    let clock = clocks.get(record.node);
    if (clock === undefined) {
      clock = new Map();
      clocks.set(record.node, clock);
    }
    if (record.type === "net-deliver") {
      const sent = sentWith.get(record.msg);
      sentWith.delete(record.msg);
      for (const [other, count] of sent ?? [])
        clock.set(other, Math.max(clock.get(other) ?? 0, count));
    }
    clock.set(host, (clock.get(host) ?? 0) + 1);
    if (record.type === "net-send") sentWith.set(record.msg, new Map(clock));
    // Sorted keys: the same clock always prints the same way.
    const entries = [...clock.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    lines.push(eventLine(record), `${host} ${JSON.stringify(Object.fromEntries(entries))}`);
  }
  return { regex: shivizRegex, log: `${lines.join("\n")}\n` };
}
