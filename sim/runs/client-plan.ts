// Turns planned client ops into what each client slot does: one segment per planned process (a
// start, its commands, maybe a crash), plus the final reader. Invariant: any subset of ops gives a
// valid plan — a start of a running client, a command or crash of a stopped one, is dropped.

import { assertNever } from "../../core/assert.ts";
import type { ConsumerCommand } from "../../core/client/consumer.ts";
import type { ProducerCommand } from "../../core/client/producer.ts";
import type { PlannedOp } from "../scenario-ops.ts";

export type SegmentCommand =
  | { readonly atMs: number; readonly type: "producer"; readonly command: ProducerCommand }
  | { readonly atMs: number; readonly type: "consumer"; readonly command: ConsumerCommand }
  | { readonly atMs: number; readonly type: "crash" };

/** One planned process of a client slot: when it starts, what it is told, when the next starts. */
export interface ClientSegment {
  readonly startAtMs: number;
  readonly commands: readonly SegmentCommand[];
  /** When the next process of this slot starts (after this one's crash), if any. */
  readonly restartAtMs: number | undefined;
}

export interface ClientPlan {
  /** slot -> its planned processes in order. */
  readonly segments: ReadonlyMap<number, readonly ClientSegment[]>;
  readonly finalSlot: number;
  readonly finalStartMs: number;
}

interface Building {
  startAtMs: number;
  commands: SegmentCommand[];
  restartAtMs: number | undefined;
}

/**
 * Segments for `slots` client slots (0..slots-1, producers first) from `ops`, then the final reader
 * in slot `slots`: a fresh consumer that reads every key from the beginning at `finalStartMs`.
 * Every workload process still running then is torn down just before (Jepsen closes its clients
 * before the final reads): its open sends end as unknown, so no acknowledgement can arrive after
 * the final reader fixed its targets — not even from a client whose clock stood still.
 */
export function buildClientPlan(
  ops: readonly PlannedOp[],
  producers: number,
  slots: number,
  keys: readonly number[],
  finalStartMs: number,
): ClientPlan {
  const sorted = ops
    .map((op, i) => ({ op, i }))
    .sort((a, b) => a.op.atMs - b.op.atMs || a.i - b.i)
    .map(({ op }) => op);
  const segments = new Map<number, Building[]>();
  const open = new Map<number, Building>();
  for (const op of sorted) {
    if (op.slot < 0 || op.slot >= slots) continue;
    const current = open.get(op.slot);
    const isProducer = op.slot < producers;
    if (op.type === "start") {
      if (current !== undefined) continue;
      const list = segments.get(op.slot) ?? [];
      const previous = list[list.length - 1];
      if (previous !== undefined) previous.restartAtMs = op.atMs;
      const segment: Building = { startAtMs: op.atMs, commands: [], restartAtMs: undefined };
      list.push(segment);
      segments.set(op.slot, list);
      open.set(op.slot, segment);
      continue;
    }
    if (current === undefined) continue;
    const command = commandOf(op, isProducer);
    if (command === undefined) continue;
    current.commands.push(command);
    if (op.type === "crash") open.delete(op.slot);
  }
  for (const segment of open.values()) {
    const last = segment.commands[segment.commands.length - 1];
    const at = Math.max(finalStartMs - 1, last?.atMs ?? 0, segment.startAtMs);
    segment.commands.push({ atMs: at, type: "crash" });
  }
  const finalSegment: ClientSegment = {
    startAtMs: finalStartMs,
    commands: [
      {
        atMs: finalStartMs,
        type: "consumer",
        command: { type: "assign", keys, seekToBeginning: true },
      },
      { atMs: finalStartMs, type: "consumer", command: { type: "final-polls" } },
    ],
    restartAtMs: undefined,
  };
  const all = new Map<number, readonly ClientSegment[]>(segments);
  all.set(slots, [finalSegment]);
  return { segments: all, finalSlot: slots, finalStartMs };
}

function commandOf(op: PlannedOp, isProducer: boolean): SegmentCommand | undefined {
  switch (op.type) {
    case "crash":
      return { atMs: op.atMs, type: "crash" };
    case "send":
      if (!isProducer || op.records.length === 0) return undefined;
      return { atMs: op.atMs, type: "producer", command: { type: "send", records: op.records } };
    case "poll":
      return isProducer
        ? undefined
        : { atMs: op.atMs, type: "consumer", command: { type: "poll" } };
    case "assign":
      if (isProducer) return undefined;
      return {
        atMs: op.atMs,
        type: "consumer",
        command: { type: "assign", keys: op.keys, seekToBeginning: op.seekToBeginning },
      };
    case "subscribe":
      if (isProducer) return undefined;
      return {
        atMs: op.atMs,
        type: "consumer",
        command: { type: "subscribe", topics: op.topics },
      };
    case "commit":
    case "close":
      return isProducer
        ? undefined
        : { atMs: op.atMs, type: "consumer", command: { type: op.type } };
    case "pause":
      if (isProducer) return undefined;
      return {
        atMs: op.atMs,
        type: "consumer",
        command: { type: "pause", durationMs: op.durationMs },
      };
    case "start":
      return undefined;
    default:
      return assertNever(op, "planned op");
  }
}

/**
 * Where a slot is in its plan, shared by its successive processes: a planned crash moves to the
 * next segment; a crash the world injects leaves the rest of the segment to the next process.
 */
export class SlotCursor {
  readonly segments: readonly ClientSegment[];
  segment = 0;
  command = 0;
  /** Whether a process of the current segment already ran (a restart then resumes it). */
  resumed = false;
  /** The current segment's last assignment, which a resumed consumer applies again. */
  lastAssign: SegmentCommand | undefined;

  constructor(segments: readonly ClientSegment[]) {
    this.segments = segments;
  }

  get current(): ClientSegment | undefined {
    return this.segments[this.segment];
  }

  /** The next command of the current segment, if any. */
  get next(): SegmentCommand | undefined {
    return this.current?.commands[this.command];
  }

  /** The current process recorded its planned crash: the next process runs the next segment. */
  endSegment(): void {
    this.segment++;
    this.command = 0;
    this.resumed = false;
    this.lastAssign = undefined;
  }
}
