// A failing run as data a shrinker can cut: its explicit fault schedule, its client operations and
// the static fault kinds switched off. The fast-check arbitrary over cases generates random ones
// (for properties) and shrinks any case by removing chunks — halves first, then quarters, down to
// single entries (delta debugging) — and by switching static kinds off. Invariant: every candidate
// is a valid run (any subset of a schedule or of client ops is, by construction).

import fc from "fast-check";
import { nodeId } from "../core/ids.ts";
import type { FaultKind, ScheduledFault } from "./faults.ts";
import type { PlannedOp } from "./scenario-ops.ts";
import { staticKinds } from "./swarm.ts";

export interface ShrinkCase {
  readonly schedule: readonly ScheduledFault[];
  readonly ops: readonly PlannedOp[];
  readonly weatherOff: readonly FaultKind[];
}

export function caseSize(c: ShrinkCase): string {
  return `${c.schedule.length} faults, ${c.ops.length} client ops, ${c.weatherOff.length} static kinds off`;
}

/** Every way to drop one chunk of `items` (never the entries `keep` protects), biggest first. */
function* withoutChunks<T>(items: readonly T[], keep: (item: T) => boolean): Generator<T[]> {
  const removable = items.filter((i) => !keep(i)).length;
  for (
    let size = Math.ceil(removable / 2);
    size >= 1;
    size = size === 1 ? 0 : Math.ceil(size / 2)
  ) {
    for (let start = 0; start < items.length; start += size) {
      const out: T[] = [];
      let dropped = 0;
      items.forEach((item, i) => {
        if (i >= start && i < start + size && !keep(item)) dropped++;
        else out.push(item);
      });
      if (dropped > 0) yield out;
    }
  }
}

/**
 * Smaller cases, most promising first: static kinds switched off (those `weatherOn` says the
 * seed's weather has), then chunks of faults, then chunks of client operations.
 */
export function* shrinkCandidates(
  c: ShrinkCase,
  weatherOn: readonly FaultKind[] = [...staticKinds],
): Generator<ShrinkCase> {
  for (const kind of weatherOn) {
    if (staticKinds.has(kind) && !c.weatherOff.includes(kind)) {
      yield { ...c, weatherOff: [...c.weatherOff, kind] };
    }
  }
  for (const schedule of withoutChunks(c.schedule, (f) => f.fault.type === "stabilize")) {
    yield { ...c, schedule };
  }
  // Whole kinds of operations and whole clients go first: polls rarely matter to a failure.
  for (const type of ["poll", "assign", "crash"] as const) {
    if (c.ops.some((o) => o.type === type))
      yield { ...c, ops: c.ops.filter((o) => o.type !== type) };
  }
  const slots = [...new Set(c.ops.map((o) => o.slot))].sort((a, b) => a - b);
  if (slots.length > 1) {
    for (const slot of slots) yield { ...c, ops: c.ops.filter((o) => o.slot !== slot) };
  }
  for (const ops of withoutChunks(c.ops, () => false)) yield { ...c, ops };
}

function isCase(value: unknown): value is ShrinkCase {
  const v = value as ShrinkCase | null;
  return (
    typeof v === "object" &&
    v !== null &&
    Array.isArray(v.schedule) &&
    Array.isArray(v.ops) &&
    Array.isArray(v.weatherOff)
  );
}

/** Draws a random case: what a fast-check property over explicit schedules explores. */
export type CaseGenerator = (random: fc.Random) => ShrinkCase;

export class ShrinkCaseArbitrary extends fc.Arbitrary<ShrinkCase> {
  readonly #generate: CaseGenerator;
  readonly #weatherOn: readonly FaultKind[] | undefined;

  /** `weatherOn`: the static kinds the weather has (the shrinker tries switching each off). */
  constructor(generate: CaseGenerator, weatherOn?: readonly FaultKind[]) {
    super();
    this.#generate = generate;
    this.#weatherOn = weatherOn;
  }

  generate(random: fc.Random): fc.Value<ShrinkCase> {
    return new fc.Value(this.#generate(random), undefined);
  }

  canShrinkWithoutContext(value: unknown): value is ShrinkCase {
    return isCase(value);
  }

  shrink(value: ShrinkCase): fc.Stream<fc.Value<ShrinkCase>> {
    return fc
      .stream(shrinkCandidates(value, this.#weatherOn))
      .map((c) => new fc.Value(c, undefined));
  }
}

/**
 * Random explicit schedules and client operations for one broker (node 1) and `slots` clients
 * (producers first): crashes with restarts, pauses, clogs, connection breaks, clock jumps, disk
 * stalls and error episodes; client starts, sends of fresh values, polls, reassignments, crashes.
 */
export function randomCase(
  durationMs: number,
  producers: number,
  slots: number,
  keys: number,
  opsRange: readonly [number, number] = [10, 120],
): CaseGenerator {
  return (random) => {
    const int = (min: number, max: number) => random.nextInt(min, max);
    const at = () => int(0, Math.floor(durationMs * 0.6) - 1);
    const broker = nodeId(1);
    const schedule: ScheduledFault[] = [];
    for (let i = int(0, 6); i > 0; i--) {
      const t = at();
      const end = t + int(1, 5_000);
      switch (int(0, 5)) {
        case 0:
          schedule.push({ atMs: t, fault: { type: "crash", node: broker } });
          schedule.push({ atMs: end, fault: { type: "restart", node: broker } });
          break;
        case 1:
          schedule.push({ atMs: t, fault: { type: "pause", node: broker } });
          schedule.push({ atMs: end, fault: { type: "resume", node: broker } });
          break;
        case 2: {
          const client = nodeId(1001 + int(0, slots - 1));
          schedule.push({ atMs: t, fault: { type: "clog", from: broker, to: client } });
          schedule.push({ atMs: end, fault: { type: "unclog", from: broker, to: client } });
          break;
        }
        case 3:
          schedule.push({ atMs: t, fault: { type: "break", a: broker, b: null } });
          break;
        case 4:
          schedule.push({
            atMs: t,
            fault: { type: "clock-jump", node: broker, deltaMs: int(-5_000, 5_000) },
          });
          break;
        default:
          schedule.push({
            atMs: t,
            fault: { type: "disk-errors", node: broker, mode: int(0, 1) === 0 ? "eio" : "enospc" },
          });
          schedule.push({ atMs: end, fault: { type: "disk-errors", node: broker, mode: "none" } });
      }
    }
    const ops: PlannedOp[] = [];
    for (let slot = 0; slot < slots; slot++) {
      ops.push({ atMs: 0, slot, type: "start" });
      if (slot >= producers) {
        ops.push({
          atMs: 0,
          slot,
          type: "assign",
          keys: [...Array(keys).keys()],
          seekToBeginning: false,
        });
      }
    }
    let value = 0;
    for (let i = int(opsRange[0], opsRange[1]); i > 0; i--) {
      const t = int(0, durationMs - 1);
      const slot = int(0, slots - 1);
      if (slot < producers) {
        const records = Array.from({ length: int(1, 2) }, () => ({
          key: int(0, keys - 1),
          value: value++,
        }));
        ops.push({ atMs: t, slot, type: "send", records });
      } else {
        ops.push({ atMs: t, slot, type: "poll" });
      }
    }
    ops.sort((a, b) => a.atMs - b.atMs);
    schedule.sort((a, b) => a.atMs - b.atMs);
    return { schedule, ops, weatherOff: [] };
  };
}
