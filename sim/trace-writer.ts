// Writes a run's trace: numbers every event (seq 1, 2, ... after the header), feeds it to the
// running trace hash and, when there is a sink (a file, memory, a comparator), encodes its line.
// Hash-only mode (no sink) builds no line for the hottest events: the hash is fed their fields.

import { closeSync, openSync, writeSync } from "node:fs";
import type { NodeId } from "../core/ids.ts";
import type { TraceEvent } from "../core/trace.ts";
import {
  type EncodeOptions,
  encodeRecord,
  encodeValue,
  type SimTraceEvent,
  type TraceHeader,
} from "./trace-format.ts";
import { hashRecord, TraceHash } from "./trace-hash.ts";

export interface TraceSink {
  /** One line without its newline; line 0 is the header. */
  write(line: string): void;
  close(): void;
}

/** "standard": messages, connections, faults, processes, disk failures, node events. "full" adds
 * every timer firing and every disk operation. */
export type TraceLevel = "standard" | "full";

export interface TraceOptions {
  readonly level?: TraceLevel;
  /** Write message bodies in net-send events (default true). */
  readonly bodies?: boolean;
  /** Write whole byte arrays as base64 instead of length + head + fingerprint. */
  readonly fullBytes?: boolean;
  readonly sink?: TraceSink;
  /** Keep the running hash lane after every line (to locate a divergence). */
  readonly lanes?: boolean;
}

/** Sees every record as it is written (checkers collecting client histories, live viewers). */
export type TraceObserver = (
  seq: number,
  t: number,
  node: NodeId | undefined,
  event: SimTraceEvent | TraceEvent,
) => void;

export class TraceWriter {
  readonly full: boolean;
  readonly bodies: boolean;
  readonly #encode: EncodeOptions;
  readonly #sink: TraceSink | undefined;
  readonly #hash = new TraceHash();
  #lanes: Uint32Array | undefined;
  readonly #observers: TraceObserver[] = [];
  #lines = 0;
  #seq = 0;

  constructor(options: TraceOptions = {}) {
    this.full = options.level === "full";
    this.bodies = options.bodies ?? true;
    this.#encode = { fullBytes: options.fullBytes ?? false };
    this.#sink = options.sink;
    this.#lanes = options.lanes === true ? new Uint32Array(1024) : undefined;
  }

  /** Sequence number of the last event written (0 before any). */
  get seq(): number {
    return this.#seq;
  }

  /** Lines written so far, header included. */
  get lineCount(): number {
    return this.#lines;
  }

  get hash(): string {
    return this.#hash.hex();
  }

  /** The running hash lane after line i (only with `lanes`). */
  laneAt(line: number): number | undefined {
    if (this.#lanes === undefined || line >= this.#lines) return undefined;
    return this.#lanes[line];
  }

  observe(observer: TraceObserver): void {
    this.#observers.push(observer);
  }

  header(header: TraceHeader): void {
    const line = encodeValue(header, this.#encode);
    this.#hash.string(line);
    this.#hash.end();
    this.#line(line);
  }

  record(t: number, node: NodeId | undefined, event: SimTraceEvent | TraceEvent): number {
    const seq = ++this.#seq;
    hashRecord(this.#hash, seq, t, node, event);
    this.#line(
      this.#sink === undefined ? undefined : encodeRecord(seq, t, node, event, this.#encode),
    );
    for (const observer of this.#observers) observer(seq, t, node, event);
    return seq;
  }

  close(): void {
    this.#sink?.close();
  }

  #line(line: string | undefined): void {
    const lanes = this.#lanes;
    if (lanes !== undefined) {
      if (this.#lines >= lanes.length) {
        const grown = new Uint32Array(lanes.length * 2);
        grown.set(lanes);
        this.#lanes = grown;
      }
      this.#lanes![this.#lines] = this.#hash.lane;
    }
    this.#lines++;
    if (line !== undefined) this.#sink?.write(line);
  }
}

/** Keeps every line in memory (tests, small runs, determinism's first run). */
export class MemorySink implements TraceSink {
  readonly lines: string[] = [];
  #limit: number;

  constructor(limit = Number.POSITIVE_INFINITY) {
    this.#limit = limit;
  }

  write(line: string): void {
    if (this.lines.length < this.#limit) this.lines.push(line);
  }

  close(): void {}
}

/** Appends lines to a file, buffered in 256 KiB chunks. */
export class FileSink implements TraceSink {
  readonly #fd: number;
  #buffer: string[] = [];
  #buffered = 0;

  constructor(path: string) {
    this.#fd = openSync(path, "w");
  }

  write(line: string): void {
    this.#buffer.push(line);
    this.#buffered += line.length + 1;
    if (this.#buffered >= 262_144) this.#flush();
  }

  close(): void {
    this.#flush();
    closeSync(this.#fd);
  }

  #flush(): void {
    if (this.#buffer.length === 0) return;
    writeSync(this.#fd, `${this.#buffer.join("\n")}\n`);
    this.#buffer = [];
    this.#buffered = 0;
  }
}
