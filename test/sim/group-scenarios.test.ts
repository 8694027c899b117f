// Consumer groups on one simulated broker, on hand-written client operations, each run checked end
// to end (the history and group checkers, liveness): a rebalance when a member joins and when one
// leaves, a crashed member expired after its session, a paused member fenced as a zombie, and a
// static member restarting under its group.instance.id without a rebalance.

import { describe, expect, it } from "vitest";
import type { HistoryOp, RebalanceOp } from "../../core/client/history.ts";
import { ErrorCode } from "../../core/error-codes.ts";
import type { TraceEvent } from "../../core/trace.ts";
import { buildRun } from "../../sim/runs/build.ts";
import { runParts } from "../../sim/runs/run.ts";
import { scenario } from "../../sim/scenario.ts";
import type { PlannedOp } from "../../sim/scenario-ops.ts";
import type { SimTraceEvent } from "../../sim/trace-format.ts";

// The groups workload's slots: producers 0-1; group 0 (eager range, a commit after each poll) is
// slots 2, 4 and 6 (static, group.instance.id "static-6").
const TOPIC = "jepsen-0";
const PRODUCER = 0;

interface Member {
  readonly slot: number;
  /** When it starts and subscribes. */
  readonly fromMs: number;
  /** When it stops polling (its end is one of the ops passed separately). */
  readonly untilMs: number;
}

/** A producer sending one value every 100 ms, and members polling and committing every 250 ms. */
function plan(
  members: readonly Member[],
  extra: readonly PlannedOp[],
  untilMs = 24_000,
): PlannedOp[] {
  const ops: PlannedOp[] = [{ atMs: 0, slot: PRODUCER, type: "start" }];
  let value = 0;
  for (let at = 500; at < untilMs; at += 100) {
    ops.push({ atMs: at, slot: PRODUCER, type: "send", records: [{ key: value % 6, value }] });
    value++;
  }
  for (const m of members) {
    ops.push({ atMs: m.fromMs, slot: m.slot, type: "start" });
    ops.push({ atMs: m.fromMs + 1, slot: m.slot, type: "subscribe", topics: [TOPIC] });
    for (let at = m.fromMs + 250; at < m.untilMs; at += 250) {
      ops.push({ atMs: at, slot: m.slot, type: "poll" });
      ops.push({ atMs: at + 1, slot: m.slot, type: "commit" });
    }
  }
  return [...ops, ...extra].sort((a, b) => a.atMs - b.atMs || a.slot - b.slot);
}

interface Observed {
  readonly ok: string;
  readonly history: readonly HistoryOp[];
  /** Trace events with their simulated time. */
  readonly events: readonly { readonly t: number; readonly event: TraceEvent | SimTraceEvent }[];
  readonly generations: number;
}

function run(ops: readonly PlannedOp[]): Observed {
  const events: { t: number; event: TraceEvent | SimTraceEvent }[] = [];
  const parts = buildRun(
    scenario(0x6e0f5n, { workload: "groups", durationMs: 30_000, faults: { mode: "none" }, ops }),
    { observers: [(_seq, t, _node, event) => events.push({ t, event })] },
  );
  const outcome = runParts(parts);
  const failure = outcome.failure;
  return {
    ok: failure === undefined ? "ok" : `${failure.kind}: ${failure.message}\n${outcome.replay}`,
    history: parts.watch.history,
    events,
    generations: parts.verdict()?.groups.stats.generations ?? 0,
  };
}

/** The rebalance callbacks one process ran. */
function rebalances(o: Observed, processId: number): RebalanceOp[] {
  return o.history.filter(
    (op): op is RebalanceOp =>
      op.type === "rebalance" && op.processId === processId && op.phase === "ok",
  );
}

/** The process ids the run gave a slot's processes, in order (from their subscribe ops). */
function processesOf(o: Observed, instance: string | null, count: number): number[] {
  const ids: number[] = [];
  for (const op of o.history) {
    if (op.type !== "subscribe" || op.phase !== "ok" || op.group === undefined) continue;
    if (op.group.groupId !== "jepsen-group-0") continue;
    if (instance !== null && op.group.groupInstanceId !== instance) continue;
    if (!ids.includes(op.processId)) ids.push(op.processId);
  }
  expect(ids.length).toBeGreaterThanOrEqual(count);
  return ids;
}

const assignedOf = (ops: RebalanceOp[]) =>
  ops.filter((r) => r.callback === "assigned").map((r) => [r.group.generation, r.owned.length]);

describe("consumer groups on one broker", () => {
  it("a member joins (the partitions are split) and leaves (they come back)", () => {
    const o = run(
      plan(
        [
          { slot: 2, fromMs: 200, untilMs: 24_000 },
          { slot: 4, fromMs: 6_000, untilMs: 14_000 },
        ],
        [{ atMs: 14_000, slot: 4, type: "close" }],
      ),
    );
    expect(o.ok).toBe("ok");
    const [first, second] = processesOf(o, null, 2);
    // The first member owns all six, half of them while the second is in, all six again after.
    const firstAssigned = assignedOf(rebalances(o, first!));
    expect(firstAssigned.map(([, owned]) => owned)).toEqual([6, 3, 6]);
    const generations = firstAssigned.map(([generation]) => generation!);
    expect(generations).toEqual([...generations].sort((a, b) => a - b));
    expect(assignedOf(rebalances(o, second!))).toEqual([[generations[1], 3]]);
    const left = o.events.map((e) => e.event).filter((e) => e.type === "group-member-left");
    expect(left).toEqual([
      expect.objectContaining({ group: "jepsen-group-0", reason: "leave-group" }),
    ]);
  });

  it("a crashed member is expired after its session and its partitions move", () => {
    const o = run(
      plan(
        [
          { slot: 2, fromMs: 200, untilMs: 24_000 },
          { slot: 4, fromMs: 200, untilMs: 8_000 },
        ],
        [{ atMs: 8_000, slot: 4, type: "crash" }],
      ),
    );
    expect(o.ok).toBe("ok");
    const [survivor, crashed] = processesOf(o, null, 2);
    const memberId = rebalances(o, crashed!)[0]!.group.memberId;
    const expired = o.events.filter(
      ({ event }) => event.type === "group-member-expired" && event.memberId === memberId,
    );
    expect(expired).toHaveLength(1);
    // Expired a session after the crash (workload time 8 s plus the run's setup), not at the end.
    expect(expired[0]!.t).toBeLessThan(20_000);
    const owned = assignedOf(rebalances(o, survivor!)).map(([, n]) => n);
    expect(owned.at(-1)).toBe(6);
  });

  it("a member paused past its session is fenced: its commit is refused and it rejoins", () => {
    const o = run(
      plan(
        [
          { slot: 2, fromMs: 200, untilMs: 24_000 },
          { slot: 4, fromMs: 200, untilMs: 24_000 },
        ],
        [{ atMs: 8_000, slot: 4, type: "pause", durationMs: 9_000 }],
      ),
    );
    expect(o.ok).toBe("ok");
    const [, zombie] = processesOf(o, null, 2);
    const fenced = o.history.filter(
      (op) => op.type === "commit" && op.processId === zombie && op.phase === "fail",
    );
    expect(fenced.length).toBeGreaterThan(0);
    const fencing: number[] = [ErrorCode.ILLEGAL_GENERATION, ErrorCode.UNKNOWN_MEMBER_ID];
    const codes = fenced.map((op) => (op.type === "commit" ? op.errorCode : undefined));
    expect(codes.some((c) => c !== undefined && fencing.includes(c))).toBe(true);
    expect(rebalances(o, zombie!).map((r) => r.callback)).toContain("lost");
  });

  it("a static member restarts within its session: same generation, same partitions, no rebalance", () => {
    const o = run(
      plan(
        [
          { slot: 2, fromMs: 200, untilMs: 24_000 },
          { slot: 6, fromMs: 200, untilMs: 10_000 },
          { slot: 6, fromMs: 11_000, untilMs: 24_000 },
        ],
        [{ atMs: 10_000, slot: 6, type: "crash" }],
      ),
    );
    expect(o.ok).toBe("ok");
    const [before, after] = processesOf(o, "static-6", 2);
    const last = assignedOf(rebalances(o, before!)).at(-1)!;
    expect(assignedOf(rebalances(o, after!))).toEqual([last]);
    // The coordinator handed the new process the instance's place (and fenced the old member id).
    const firstMemberOfAfter = rebalances(o, after!)[0]!.group.memberId;
    const replaced = o.events.filter(
      ({ event }) =>
        event.type === "group-member-joined" &&
        event.reason === "static-replaced" &&
        event.memberId === firstMemberOfAfter,
    );
    expect(replaced).toHaveLength(1);
    // The dynamic member saw no rebalance after the static one's restart.
    const [dynamic] = processesOf(o, null, 3).filter((p) => p !== before && p !== after);
    const lastGeneration = Math.max(...rebalances(o, dynamic!).map((r) => r.group.generation));
    expect(lastGeneration).toBe(last[0]);
  });
});
