// The deadline set against a naive model (a map scanned in full): same next wakeup, same due keys in
// the same order, whatever sequence of set / clear / takeDue.

import { fc, test } from "@fast-check/vitest";
import { expect } from "vitest";
import { Deadlines } from "../../../core/broker/deadlines.ts";

type Op =
  | { type: "set"; key: string; at: number }
  | { type: "clear"; key: string }
  | { type: "take"; now: number };

const key = fc.constantFrom("a", "b", "c", "d", "e");
const op: fc.Arbitrary<Op> = fc.oneof(
  fc.record({ type: fc.constant("set" as const), key, at: fc.integer({ min: 0, max: 50 }) }),
  fc.record({ type: fc.constant("clear" as const), key }),
  fc.record({ type: fc.constant("take" as const), now: fc.integer({ min: 0, max: 50 }) }),
);

test.prop([fc.array(op, { maxLength: 200 })])("behaves like a scanned map", (ops) => {
  const deadlines = new Deadlines(100);
  const model = new Map<string, { at: number; seq: number }>();
  let seq = 0;
  for (const o of ops) {
    if (o.type === "set") {
      deadlines.set(o.key, o.at);
      model.delete(o.key);
      model.set(o.key, { at: o.at, seq: seq++ });
    } else if (o.type === "clear") {
      deadlines.clear(o.key);
      model.delete(o.key);
    } else {
      const due = [...model.entries()]
        .filter(([, v]) => v.at <= o.now)
        .sort(([, x], [, y]) => x.at - y.at || x.seq - y.seq)
        .map(([k]) => k);
      for (const k of due) model.delete(k);
      expect(deadlines.takeDue(o.now)).toEqual(due);
    }
    const next = [...model.values()].reduce((m, v) => Math.min(m, v.at), Infinity);
    expect(deadlines.next()).toBe(next === Infinity ? undefined : next);
    expect(deadlines.size).toBe(model.size);
  }
});
