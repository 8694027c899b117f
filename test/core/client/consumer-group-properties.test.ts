// Property: whatever befalls a group's members (joins, crashes, clean closes, pauses past the
// session timeout, static restarts, coordinator failover) while records arrive, the members'
// history passes the group checker (one owner per key and generation, commits never back, nothing
// committed unpolled, no zombie commit acknowledged) and, once calm, every key has one owner.

import { fc, test } from "@fast-check/vitest";
import { expect } from "vitest";
import { nodeId } from "../../../core/ids.ts";
import { checkGroupHistory } from "../../../sim/checkers/group-history.ts";
import { GroupWorld } from "./support/group-setup.ts";

type Action =
  | { readonly type: "start"; readonly slot: number }
  | { readonly type: "crash"; readonly slot: number }
  | { readonly type: "close"; readonly slot: number }
  | { readonly type: "pause"; readonly slot: number; readonly ms: number }
  | { readonly type: "poll-commit"; readonly slot: number }
  | { readonly type: "append"; readonly key: number }
  | { readonly type: "move-coordinator"; readonly to: number }
  | { readonly type: "wait"; readonly ms: number };

const slot = fc.integer({ min: 0, max: 3 });
const action: fc.Arbitrary<Action> = fc.oneof(
  { weight: 3, arbitrary: slot.map((s) => ({ type: "start", slot: s }) as const) },
  { weight: 1, arbitrary: slot.map((s) => ({ type: "crash", slot: s }) as const) },
  { weight: 1, arbitrary: slot.map((s) => ({ type: "close", slot: s }) as const) },
  {
    weight: 1,
    arbitrary: fc
      .record({ slot, ms: fc.constantFrom(300, 2_500) })
      .map((r) => ({ type: "pause", ...r }) as const),
  },
  { weight: 5, arbitrary: slot.map((s) => ({ type: "poll-commit", slot: s }) as const) },
  {
    weight: 3,
    arbitrary: fc.integer({ min: 0, max: 5 }).map((k) => ({ type: "append", key: k }) as const),
  },
  {
    weight: 1,
    arbitrary: fc.constantFrom(1, 2, 3).map((to) => ({ type: "move-coordinator", to }) as const),
  },
  {
    weight: 4,
    arbitrary: fc.integer({ min: 10, max: 1_500 }).map((ms) => ({ type: "wait", ms }) as const),
  },
);

/** Slot s runs at node 201 + s; its static members keep their instance id across restarts. */
function play(actions: readonly Action[], cooperative: boolean): GroupWorld {
  const w = new GroupWorld();
  const running = new Set<number>();
  let value = 0;
  let incarnation = 0;
  const nodeOf = new Map<number, number>();
  const config = (s: number) => ({
    partitionAssignmentStrategy: [cooperative ? "cooperative-sticky" : "range"],
    groupInstanceId: s === 3 ? "static-3" : null,
  });
  for (const a of actions) {
    const node = a.type === "start" || !("slot" in a) ? undefined : nodeOf.get(a.slot);
    switch (a.type) {
      case "start":
        if (running.has(a.slot)) break;
        incarnation++;
        nodeOf.set(a.slot, 200 + incarnation);
        running.add(a.slot);
        w.start(200 + incarnation, config(a.slot));
        break;
      case "crash":
        if (node === undefined || !running.has(a.slot)) break;
        w.crash(node);
        running.delete(a.slot);
        break;
      case "close":
        if (node === undefined || !running.has(a.slot)) break;
        w.command(node, { type: "close" });
        w.h.runFor(20);
        w.crash(node);
        running.delete(a.slot);
        break;
      case "pause":
        // One pause at a time: a pause called during a pause would start when the first ends.
        if (
          node !== undefined &&
          running.has(a.slot) &&
          !w.consumers.get(node)!.view().group?.paused
        )
          w.command(node, { type: "pause", durationMs: a.ms });
        break;
      case "poll-commit":
        if (node === undefined || !running.has(a.slot)) break;
        w.command(node, { type: "poll" });
        w.h.runFor(120);
        w.command(node, { type: "commit" });
        break;
      case "append":
        w.append(a.key, [value++]);
        break;
      case "move-coordinator":
        w.h.deliverGroupAnswers(w.groups.move(w.h.now, nodeId(a.to)));
        break;
      case "wait":
        w.h.runFor(a.ms);
        break;
    }
  }
  return w;
}

test.prop([fc.array(action, { minLength: 5, maxLength: 40 }), fc.boolean()], {
  numRuns: 60,
})("group members keep the group's promises under any schedule", (actions, cooperative) => {
  const w = play([{ type: "start", slot: 0 }, ...actions], cooperative);
  w.h.runFor(4_000);
  const result = checkGroupHistory(w.history());
  expect(result.failing, JSON.stringify(result.anomalies).slice(0, 2_000)).toEqual([]);
  const live = [...w.consumers.values()].filter((c) => c.view().group?.state === "stable");
  if (live.length === w.consumers.size && live.length > 0) {
    const owned = [...w.owned().values()].flat().sort((a, b) => a - b);
    expect(owned).toEqual([0, 1, 2, 3, 4, 5]);
  }
});
