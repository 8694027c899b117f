// Exports a trace to Chrome's Trace Event JSON (opens in Perfetto and chrome://tracing): one process
// per node (pid = node id, pid 0 = the world), a message as a flow arrow from its send slice to its
// delivery slice, crashes and pauses as spans on a "process" track, everything else as instants.

import type { TraceHeader, TraceRecord } from "./trace-format.ts";

export interface ChromeTraceEvent {
  readonly name: string;
  readonly ph: "X" | "i" | "s" | "f" | "B" | "E" | "M";
  readonly pid: number;
  readonly tid: number;
  /** Microseconds of true simulated time. */
  readonly ts?: number;
  readonly dur?: number;
  readonly cat?: string;
  readonly id?: number;
  readonly s?: "t" | "p" | "g";
  readonly bp?: "e";
  readonly args?: Readonly<Record<string, unknown>>;
}

export interface ChromeTrace {
  readonly traceEvents: readonly ChromeTraceEvent[];
  readonly displayTimeUnit: "ms";
  readonly otherData: Readonly<Record<string, unknown>>;
}

const eventsTrack = 0;
const processTrack = 1;
const worldPid = 0;

/** `records` may be the parsed lines of a trace file or records kept in memory. */
export function toChromeTrace(header: TraceHeader, records: Iterable<TraceRecord>): ChromeTrace {
  const out: ChromeTraceEvent[] = [];
  const meta = (pid: number, name: string) => {
    out.push({ name: "process_name", ph: "M", pid, tid: 0, args: { name } });
    out.push({ name: "thread_name", ph: "M", pid, tid: eventsTrack, args: { name: "events" } });
    out.push({ name: "thread_name", ph: "M", pid, tid: processTrack, args: { name: "process" } });
  };
  meta(worldPid, "world");
  for (const node of header.nodes) meta(node.id, `node ${node.id} (${node.role})`);
  const open = new Map<number, string>();
  for (const record of records) {
    const pid = record.node ?? worldPid;
    const ts = Math.round(record.t * 1000);
    const { seq: _seq, t: _t, node: _node, ...args } = record;
    switch (record.type) {
      case "net-send":
      case "net-deliver": {
        const name = record.type === "net-send" ? `send #${record.msg}` : `deliver #${record.msg}`;
        out.push({ name, cat: "net", ph: "X", pid, tid: eventsTrack, ts, dur: 1, args });
        const flow =
          record.type === "net-send" ? ({ ph: "s" } as const) : ({ ph: "f", bp: "e" } as const);
        out.push({
          name: "message",
          cat: "net",
          ...flow,
          id: record.msg,
          pid,
          tid: eventsTrack,
          ts,
        });
        break;
      }
      case "proc-crash":
      case "proc-pause": {
        const span = record.type === "proc-crash" ? "down" : "paused";
        closeSpan(out, open, pid, ts);
        out.push({ name: span, cat: "process", ph: "B", pid, tid: processTrack, ts, args });
        open.set(pid, span);
        break;
      }
      case "proc-start":
      case "proc-resume":
        closeSpan(out, open, pid, ts);
        out.push({
          name: record.type,
          cat: "process",
          ph: "i",
          s: "t",
          pid,
          tid: processTrack,
          ts,
          args,
        });
        break;
      default:
        out.push({
          name: record.type,
          cat: "event",
          ph: "i",
          s: "t",
          pid,
          tid: eventsTrack,
          ts,
          args,
        });
    }
  }
  return {
    traceEvents: out,
    displayTimeUnit: "ms",
    otherData: { format: header.format, seed: header.seed, commit: header.commit },
  };
}

function closeSpan(out: ChromeTraceEvent[], open: Map<number, string>, pid: number, ts: number) {
  const span = open.get(pid);
  if (span === undefined) return;
  out.push({ name: span, cat: "process", ph: "E", pid, tid: processTrack, ts });
  open.delete(pid);
}
