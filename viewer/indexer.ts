// Builds the trace index line by line as the worker streams the file: event columns, messages,
// process spans, fault bands, series, notables, and a keyframe of the cluster state every
// `keyframeEvery` state-changing events. Invariant: stateAt(i) equals applying events 0..i to the
// empty state in order; a keyframe only lets it start part of the way.

import {
  applyRecord,
  type ClusterState,
  changesState,
  cloneState,
  emptyState,
  type NotableKind,
  notableKinds,
} from "./cluster-state.ts";
import type { ActiveFault } from "./fault-state.ts";
import { faultEffect } from "./fault-state.ts";
import type {
  FaultBand,
  FaultInstant,
  IndexData,
  ProcMark,
  ProcSpan,
  TraceInfo,
} from "./index-data.ts";
import { LineStore } from "./line-store.ts";
import { MessageIndex } from "./message-index.ts";
import { type AnyRecord, asFault, asPartitionState, partitionOf } from "./records.ts";
import { type Beat, BeatTracker } from "./scenarios/beat-tracker.ts";
import { SeriesIndex } from "./series-index.ts";
import { f64, i32, lastAtOrBelow } from "./vec.ts";

interface Keyframe {
  readonly idx: number;
  readonly state: ClusterState;
}

export class TraceIndexer {
  readonly info: TraceInfo;
  readonly lines = new LineStore();
  readonly #keyframeEvery: number;
  readonly #clients: ReadonlySet<number>;
  readonly #state: ClusterState;
  readonly #t = f64(1 << 16);
  readonly #seq = f64(1 << 16);
  readonly #node = i32(1 << 16);
  readonly #type = i32(1 << 16);
  readonly #part = i32(1 << 16);
  readonly #msg = i32(1 << 16);
  readonly #types: string[] = [];
  readonly #typeIds = new Map<string, number>();
  readonly #partitions: string[] = [];
  readonly #partitionIds = new Map<string, number>();
  readonly #messages = new MessageIndex();
  readonly #series = new SeriesIndex();
  readonly #relevant = i32(1 << 14);
  readonly #keyframes: Keyframe[] = [];
  readonly #keyframeIdx = i32();
  readonly #notableIdx = i32();
  readonly #notableBits = i32();
  readonly #spans: ProcSpan[] = [];
  readonly #openSpans = new Map<string, { t0: number; idx0: number }>();
  readonly #marks: ProcMark[] = [];
  readonly #bands: FaultBand[] = [];
  readonly #openBands = new Map<string, { fault: ActiveFault; idx0: number }>();
  readonly #instants: FaultInstant[] = [];
  readonly #failures: number[] = [];
  readonly #beats: BeatTracker;
  bytes = 0;

  constructor(info: TraceInfo, keyframeEvery = 256, beats: readonly Beat[] = []) {
    this.info = info;
    this.#keyframeEvery = keyframeEvery;
    this.#beats = new BeatTracker(beats);
    this.#clients = new Set(info.nodes.filter((n) => n.role === "client").map((n) => n.id));
    this.#state = emptyState(info.nodes);
  }

  get count(): number {
    return this.#t.length;
  }

  get types(): readonly string[] {
    return this.#types;
  }

  get partitions(): readonly string[] {
    return this.#partitions;
  }

  /** Time of event i. */
  timeOf(i: number): number {
    return this.#t.get(i);
  }

  typeOf(i: number): string {
    return this.#types[this.#type.get(i)]!;
  }

  nodeOf(i: number): number {
    return this.#node.get(i);
  }

  partOf(i: number): number {
    return this.#part.get(i);
  }

  /** The message row of a net-* event (-1 otherwise) and that message's send and end events. */
  messageOf(i: number): { sendIdx: number; endIdx: number; status: number } | undefined {
    const row = this.#msg.get(i);
    return row < 0 ? undefined : this.#messages.events(row);
  }

  /** Adds the next event; returns an error message when it cannot be placed in the trace. */
  add(r: AnyRecord): string | undefined {
    const idx = this.#t.length;
    const last = this.#t.last();
    if (last !== undefined && r.t < last) return `time goes back (${r.t} after ${last})`;
    this.#t.push(r.t);
    this.#seq.push(r.seq);
    this.#node.push(r.node ?? -1);
    this.#type.push(this.#intern(this.#types, this.#typeIds, r.type));
    const key = partitionOf(r);
    this.#part.push(
      key === undefined ? -1 : this.#intern(this.#partitions, this.#partitionIds, key),
    );
    this.#msg.push(this.#messages.add(r, idx));
    if (r.type === "failure") this.#failures.push(idx);
    if (r.node !== undefined) this.#process(r, r.node, idx);
    if (changesState(r.type)) this.#applyState(r, idx, key);
    this.#beats.check(r, this.#state, idx);
    return undefined;
  }

  #intern(list: string[], ids: Map<string, number>, value: string): number {
    let id = ids.get(value);
    if (id === undefined) {
      id = list.length;
      list.push(value);
      ids.set(value, id);
    }
    return id;
  }

  #applyState(r: AnyRecord, idx: number, key: string | undefined): void {
    const state = this.#state;
    const faultsBefore =
      r.type === "fault" || r.type === "fault-skipped" ? [...state.faults] : undefined;
    const notables = applyRecord(state, r, idx, this.#clients);
    if (notables.length > 0) this.#notable(idx, notables);
    if (faultsBefore !== undefined) this.#faultBands(r, idx, faultsBefore);
    if (r.type === "partition-state" && r.node !== undefined && key !== undefined) {
      const e = asPartitionState(r);
      if (e !== undefined) this.#series.replicaReport(r.node, key, e, r.t, idx);
      this.#series.partitionChanged(state, key, r.t);
      this.#series.hwChanged(state, key, r.t);
    }
    if (Object.keys(state.groups).length > 0) this.#series.lagChanged(state, r.t);
    this.#relevant.push(idx);
    if (this.#relevant.length % this.#keyframeEvery === 0) {
      this.#keyframes.push({ idx, state: cloneState(state) });
      this.#keyframeIdx.push(idx);
    }
  }

  #notable(idx: number, kinds: readonly NotableKind[]): void {
    let bits = 0;
    for (const k of kinds) bits |= 1 << notableKinds.indexOf(k);
    if (this.#notableIdx.last() === idx) {
      this.#notableBits.set(this.#notableBits.length - 1, this.#notableBits.last()! | bits);
    } else {
      this.#notableIdx.push(idx);
      this.#notableBits.push(bits);
    }
  }

  #faultBands(r: AnyRecord, idx: number, before: readonly ActiveFault[]): void {
    const after = this.#state.faults;
    for (const f of before) {
      if (after.includes(f)) continue;
      const open = this.#openBands.get(f.key);
      if (open === undefined) continue;
      this.#openBands.delete(f.key);
      const { key, category, label, nodes } = open.fault;
      this.#bands.push({
        key,
        category,
        label,
        nodes,
        t0: open.fault.since,
        t1: r.t,
        idx0: open.idx0,
      });
    }
    for (const f of after) {
      if (!before.includes(f)) this.#openBands.set(f.key, { fault: f, idx0: idx });
    }
    const fault = asFault(r);
    if (fault !== undefined && r.type === "fault") {
      const effect = faultEffect(fault, r.t);
      if (effect.kind === "instant") this.#instants.push({ ...effect.fault, t: r.t, idx });
    }
  }

  #process(r: AnyRecord, node: number, idx: number): void {
    const close = (kind: "down" | "paused") => {
      const key = `${kind}|${node}`;
      const open = this.#openSpans.get(key);
      if (open === undefined) return;
      this.#openSpans.delete(key);
      this.#spans.push({ node, kind, t0: open.t0, t1: r.t, idx0: open.idx0, idx1: idx });
    };
    const mark = (kind: ProcMark["kind"]) => this.#marks.push({ node, kind, t: r.t, idx });
    switch (r.type) {
      case "proc-crash":
        close("paused");
        this.#openSpans.set(`down|${node}`, { t0: r.t, idx0: idx });
        mark("crash");
        break;
      case "proc-start": {
        const wasDown = this.#openSpans.has(`down|${node}`);
        close("down");
        mark(wasDown ? "restart" : "start");
        break;
      }
      case "proc-pause":
        this.#openSpans.set(`paused|${node}`, { t0: r.t, idx0: idx });
        mark("pause");
        break;
      case "proc-resume":
        close("paused");
        mark("resume");
        break;
      case "proc-wipe":
        mark("wipe");
        break;
      case "broker-halted":
        mark("halt");
        break;
    }
  }

  /** The cluster state after event `idx` (-1: before any event). */
  stateAt(idx: number): ClusterState {
    const count = this.#t.length;
    const target = Math.min(idx, count - 1);
    const k = lastAtOrBelow(this.#keyframeIdx.view(), target);
    const state = k < 0 ? emptyState(this.info.nodes) : cloneState(this.#keyframes[k]!.state);
    const relevant = this.#relevant.view();
    let i = k < 0 ? 0 : lastAtOrBelow(relevant, this.#keyframes[k]!.idx) + 1;
    for (; i < relevant.length && relevant[i]! <= target; i++) {
      const e = relevant[i]!;
      applyRecord(state, JSON.parse(this.lines.line(e)) as AnyRecord, e, this.#clients);
    }
    state.idx = target;
    state.t = target < 0 ? (count > 0 ? this.#t.get(0) : 0) : this.#t.get(target);
    return state;
  }

  /** Everything the page needs to draw, as independent copies (safe to transfer). */
  snapshot(partial: boolean): IndexData {
    const count = this.#t.length;
    const tMin = count > 0 ? this.#t.get(0) : 0;
    const tMax = count > 0 ? this.#t.get(count - 1) : 0;
    const spans = [...this.#spans];
    for (const [key, open] of this.#openSpans) {
      const [kind, node] = key.split("|") as ["down" | "paused", string];
      spans.push({
        node: Number(node),
        kind,
        t0: open.t0,
        t1: Number.NaN,
        idx0: open.idx0,
        idx1: -1,
      });
    }
    const bands = [...this.#bands];
    for (const { fault, idx0 } of this.#openBands.values()) {
      const { key, category, label, nodes } = fault;
      bands.push({ key, category, label, nodes, t0: fault.since, t1: Number.NaN, idx0 });
    }
    return {
      partial,
      info: this.info,
      count,
      types: [...this.#types],
      type: this.#type.copy(),
      t: this.#t.copy(),
      seq: this.#seq.copy(),
      node: this.#node.copy(),
      part: this.#part.copy(),
      msg: this.#msg.copy(),
      partitions: [...this.#partitions],
      messages: this.#messages.columns(tMax),
      spans,
      marks: [...this.#marks],
      bands,
      instants: [...this.#instants],
      replicaSeries: this.#series.replicaSeries(),
      partitionSeries: this.#series.partitionSeries(),
      hwSeries: this.#series.hwSeries(),
      lagSeries: this.#series.lagSeries(),
      beats: this.#beats.resolved(),
      notableIdx: this.#notableIdx.copy(),
      notableBits: this.#notableBits.copy(),
      failures: [...this.#failures],
      tMin,
      tMax,
      bytes: this.bytes,
    };
  }
}
