// Watches a run's trace as it is written: the broker's partition states (checked on every change:
// log start <= HW <= LEO, durable offset <= LEO, HW and LEO never go back within one incarnation,
// HW <= durable offset under an fsync-before-ack setting), its acknowledgements (dense: no offset
// given twice in one incarnation, none past the LEO), its crashes (turned into loss regions), and
// the clients' history (kept with the seq of each event, acknowledged offsets recorded).

import { FsyncBeforeAck } from "../../core/broker/config.ts";
import type { PartitionStateEvent } from "../../core/broker/trace-events.ts";
import type { HistoryOp } from "../../core/client/history.ts";
import type { KeyMap } from "../../core/client/workload-keys.ts";
import type { NodeId } from "../../core/ids.ts";
import type { TraceEvent } from "../../core/trace.ts";
import type { SimTraceEvent } from "../trace-format.ts";
import type { TraceObserver } from "../trace-writer.ts";
import type { LossLedger, LossRegion } from "./loss-ledger.ts";
import type { Observations } from "./observations.ts";

export interface WatchOptions {
  readonly broker: NodeId;
  readonly keyMap: KeyMap;
  readonly fsync: FsyncBeforeAck;
  readonly ledger: LossLedger;
  readonly observations: Observations;
}

export class RunWatch {
  readonly #options: WatchOptions;
  /** Per key: the broker's last partition state in its current incarnation. */
  readonly #states = new Map<number, PartitionStateEvent>();
  /** Per key: offsets acknowledged in the broker's current incarnation, as disjoint ranges. */
  readonly #acked = new Map<number, OffsetRanges>();
  /** Acknowledgements of the current step, checked against the LEO once the step is done. */
  #pendingAcks: { key: number; topic: string; partition: number; end: number }[] = [];
  readonly history: HistoryOp[] = [];
  /** Trace seq of each history event (same index). */
  readonly historySeqs: number[] = [];
  #violation: string | undefined;
  /** Seq and time of the last broker crash (undefined before any). */
  brokerCrashes = 0;
  logsOffline = 0;
  halted = false;

  constructor(options: WatchOptions) {
    this.#options = options;
  }

  /** The first broken invariant, if any (a world check reports it after the step). */
  get violation(): string | undefined {
    this.#checkAcks();
    return this.#violation;
  }

  fail(message: string): void {
    this.#violation ??= message;
  }

  #state(message: string): void {
    this.fail(`partition state: ${message}`);
  }

  readonly observer: TraceObserver = (
    seq: number,
    _t: number,
    node: NodeId | undefined,
    event: SimTraceEvent | TraceEvent,
  ) => {
    switch (event.type) {
      case "history":
        this.#history(seq, event.op);
        return;
      case "partition-state":
        if (node === this.#options.broker) this.#partitionState(event);
        return;
      case "proc-crash":
        if (node === this.#options.broker) this.#crash(seq);
        return;
      case "produce-acknowledged":
        if (node === this.#options.broker) this.#acknowledged(event);
        return;
      case "proc-start":
        if (node === this.#options.broker) {
          this.#states.clear();
          this.#acked.clear();
          this.halted = false;
        }
        return;
      case "log-offline":
        if (node === this.#options.broker) this.logsOffline++;
        return;
      case "broker-halted":
        if (node === this.#options.broker) this.halted = true;
        return;
      default:
        return;
    }
  };

  #history(seq: number, op: HistoryOp): void {
    this.history.push(op);
    this.historySeqs.push(seq);
    if (op.type !== "send" || op.phase === "invoke") return;
    for (const s of op.sends) {
      if (s.offset !== null) this.#options.observations.ack(s.key, s.value, s.offset, seq);
    }
  }

  #partitionState(e: PartitionStateEvent): void {
    const key = this.#options.keyMap.keyOf(e.topic, e.partition);
    if (key === undefined) return;
    const before = this.#states.get(key);
    this.#states.set(key, e);
    // Every partition state is checked; the messages are built only for a breach.
    const ordered = e.logStartOffset <= e.highWatermark && e.highWatermark <= e.logEndOffset;
    const durableAhead = e.durableOffset > e.logEndOffset;
    const hwNotDurable =
      this.#options.fsync !== FsyncBeforeAck.none && e.highWatermark > e.durableOffset;
    const back =
      before !== undefined &&
      (e.highWatermark < before.highWatermark ||
        e.logEndOffset < before.logEndOffset ||
        e.durableOffset < before.durableOffset);
    if (ordered && !durableAhead && !hwNotDurable && !back) return;
    const name = `${e.topic}-${e.partition}`;
    if (!ordered) {
      this.#state(
        `${name}: log start ${e.logStartOffset} <= HW ${e.highWatermark} <= LEO ${e.logEndOffset} broken`,
      );
    }
    if (durableAhead) {
      this.#state(`${name}: durable offset ${e.durableOffset} > LEO ${e.logEndOffset}`);
    }
    if (hwNotDurable) {
      this.#state(
        `${name}: HW ${e.highWatermark} > durable offset ${e.durableOffset} with runnel.fsync.before.ack=${this.#options.fsync}`,
      );
    }
    if (before !== undefined) {
      if (e.highWatermark < before.highWatermark) {
        this.#state(`${name}: HW went back from ${before.highWatermark} to ${e.highWatermark}`);
      }
      if (e.logEndOffset < before.logEndOffset) {
        this.#state(`${name}: LEO went back from ${before.logEndOffset} to ${e.logEndOffset}`);
      }
      if (e.durableOffset < before.durableOffset) {
        this.#state(
          `${name}: durable offset went back from ${before.durableOffset} to ${e.durableOffset}`,
        );
      }
    }
  }

  #acknowledged(e: Extract<TraceEvent, { type: "produce-acknowledged" }>): void {
    const key = this.#options.keyMap.keyOf(e.topic, e.partition);
    if (key === undefined) return;
    const end = e.baseOffset + e.count;
    this.#pendingAcks.push({ key, topic: e.topic, partition: e.partition, end });
    let offsets = this.#acked.get(key);
    if (offsets === undefined) {
      offsets = new OffsetRanges();
      this.#acked.set(key, offsets);
    }
    const twice = offsets.add(e.baseOffset, end);
    if (twice !== undefined) {
      this.fail(
        `produce acknowledged: ${e.topic}-${e.partition} offset ${twice} acknowledged twice in one incarnation`,
      );
    }
  }

  /** The step is over: its acknowledgements must lie below the LEO its partition states report. */
  #checkAcks(): void {
    if (this.#pendingAcks.length === 0) return;
    for (const { key, topic, partition, end } of this.#pendingAcks) {
      const leo = this.#states.get(key)?.logEndOffset;
      if (leo !== undefined && end > leo) {
        this.fail(
          `produce acknowledged: ${topic}-${partition} up to offset ${end - 1}, past LEO ${leo}`,
        );
      }
    }
    this.#pendingAcks = [];
  }

  /** A crash may lose everything at or past each partition's durable offset. */
  #crash(seq: number): void {
    this.brokerCrashes++;
    const regions = new Map<number, LossRegion>();
    for (const [key, state] of this.#states) {
      if (state.durableOffset < state.logEndOffset) {
        regions.set(key, { from: state.durableOffset, to: state.logEndOffset });
      }
    }
    this.#options.ledger.add({ seq, kind: "crash", regions });
    this.#states.clear();
  }

  /** The broker's last known state of `key`'s partition in this incarnation. */
  stateOf(key: number): PartitionStateEvent | undefined {
    return this.#states.get(key);
  }
}

/**
 * Offsets as sorted disjoint [from, to) ranges, adjacent ones merged: acknowledgements mostly come
 * in offset order, so this is one range per partition, however long the run.
 */
export class OffsetRanges {
  readonly #from: number[] = [];
  readonly #to: number[] = [];

  /** Adds [from, to); the first offset already present (then nothing is added), if any. */
  add(from: number, to: number): number | undefined {
    if (from >= to) return undefined;
    const starts = this.#from;
    const ends = this.#to;
    // The first range that ends after `from` (ranges are disjoint: ends ascend too).
    let low = 0;
    let high = ends.length;
    while (low < high) {
      const mid = (low + high) >>> 1;
      if (ends[mid]! <= from) low = mid + 1;
      else high = mid;
    }
    if (low < starts.length && starts[low]! < to) return Math.max(from, starts[low]!);
    const joinsBefore = low > 0 && ends[low - 1] === from;
    const joinsAfter = low < starts.length && starts[low] === to;
    if (joinsBefore && joinsAfter) {
      ends[low - 1] = ends[low]!;
      starts.splice(low, 1);
      ends.splice(low, 1);
    } else if (joinsBefore) ends[low - 1] = to;
    else if (joinsAfter) starts[low] = from;
    else {
      starts.splice(low, 0, from);
      ends.splice(low, 0, to);
    }
    return undefined;
  }

  get ranges(): number {
    return this.#from.length;
  }
}
