// Chrome Trace Event JSON (opens in Perfetto and chrome://tracing), written in pieces into a Blob so a
// million-event trace never becomes one giant array or string. The mapping is sim/export-chrome.ts's
// (pid = node, pid 0 = the world; messages as flows; crashes and pauses as spans on a "process"
// track); a test proves both give the same JSON. The viewer may not import sim/ at runtime.

import type { TraceInfo } from "./index-data.ts";
import type { AnyRecord } from "./records.ts";

const eventsTrack = 0;
const processTrack = 1;
const worldPid = 0;

export class ChromeWriter {
  readonly #parts: string[] = [];
  #batch: string[] = [];
  readonly #open = new Map<number, string>();
  #first = true;

  constructor(info: TraceInfo) {
    this.#parts.push('{"traceEvents":[');
    const meta = (pid: number, name: string) => {
      this.#push({ name: "process_name", ph: "M", pid, tid: 0, args: { name } });
      this.#push({ name: "thread_name", ph: "M", pid, tid: eventsTrack, args: { name: "events" } });
      this.#push({
        name: "thread_name",
        ph: "M",
        pid,
        tid: processTrack,
        args: { name: "process" },
      });
    };
    meta(worldPid, "world");
    for (const node of info.nodes) meta(node.id, `node ${node.id} (${node.role})`);
    this.info = info;
  }

  readonly info: TraceInfo;

  #push(event: Record<string, unknown>): void {
    this.#batch.push(this.#first ? JSON.stringify(event) : `,${JSON.stringify(event)}`);
    this.#first = false;
    if (this.#batch.length >= 4096) this.#flush();
  }

  add(record: AnyRecord): void {
    const pid = record.node ?? worldPid;
    const ts = Math.round(record.t * 1000);
    const { seq: _seq, t: _t, node: _node, ...args } = record;
    switch (record.type) {
      case "net-send":
      case "net-deliver": {
        const send = record.type === "net-send";
        const name = `${send ? "send" : "deliver"} #${String(record.msg)}`;
        this.#push({ name, cat: "net", ph: "X", pid, tid: eventsTrack, ts, dur: 1, args });
        const flow = send ? { ph: "s" } : { ph: "f", bp: "e" };
        this.#push({
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
        this.#close(pid, ts);
        this.#push({ name: span, cat: "process", ph: "B", pid, tid: processTrack, ts, args });
        this.#open.set(pid, span);
        break;
      }
      case "proc-start":
      case "proc-resume":
        this.#close(pid, ts);
        this.#push({
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
        this.#push({
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

  #close(pid: number, ts: number): void {
    const span = this.#open.get(pid);
    if (span === undefined) return;
    this.#push({ name: span, cat: "process", ph: "E", pid, tid: processTrack, ts });
    this.#open.delete(pid);
  }

  #flush(): void {
    this.#parts.push(this.#batch.join(""));
    this.#batch = [];
  }

  finish(): Blob {
    this.#flush();
    const other = { format: "runnel-trace", seed: this.info.seed, commit: this.info.commit };
    this.#parts.push(`],"displayTimeUnit":"ms","otherData":${JSON.stringify(other)}}`);
    return new Blob(this.#parts, { type: "application/json" });
  }
}
