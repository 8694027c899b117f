// The event queue pops in (time, sequence) order: checked against a naive sorted-array model.

import { fc, test } from "@fast-check/vitest";
import { describe, expect, it } from "vitest";
import { EventQueue } from "../../sim/event-queue.ts";

type Op = { readonly push: number } | { readonly pop: true };

const ops = fc.array(
  fc.oneof(
    { weight: 3, arbitrary: fc.record({ push: fc.integer({ min: 0, max: 20 }) }) },
    { weight: 1, arbitrary: fc.record({ push: fc.double({ min: 0, max: 20, noNaN: true }) }) },
    { weight: 2, arbitrary: fc.constant({ pop: true as const }) },
  ),
  { maxLength: 300 },
);

describe("EventQueue", () => {
  test.prop([ops])("pops exactly what a sorted array model pops", (program: Op[]) => {
    const queue = new EventQueue<{ id: number }>();
    const model: { time: number; id: number }[] = [];
    let id = 0;
    for (const op of program) {
      if ("push" in op) {
        queue.push(op.push, { id });
        model.push({ time: op.push, id });
        id++;
        continue;
      }
      // The model: earliest time first, ties in insertion order (a stable sort).
      model.sort((a, b) => a.time - b.time || a.id - b.id);
      const expected = model.shift();
      const got = queue.pop();
      expect(got?.id).toBe(expected?.id);
      if (expected !== undefined) expect(queue.lastTime).toBe(expected.time);
      expect(queue.size).toBe(model.length);
    }
  });

  it("orders equal times by push order, and reports the popped sequence number", () => {
    const queue = new EventQueue<string>();
    queue.push(5, "a");
    queue.push(1, "b");
    queue.push(5, "c");
    queue.push(1, "d");
    const popped: string[] = [];
    const seqs: number[] = [];
    for (let item = queue.pop(); item !== undefined; item = queue.pop()) {
      popped.push(item);
      seqs.push(queue.lastSeq);
    }
    expect(popped).toEqual(["b", "d", "a", "c"]);
    expect(seqs).toEqual([1, 3, 0, 2]);
    expect(queue.peekTime()).toBeUndefined();
  });

  it.each([[-1], [Number.NaN], [Number.POSITIVE_INFINITY]])("refuses the time %s", (time) => {
    expect(() => new EventQueue<string>().push(time, "x")).toThrow(/bad event time/);
  });
});
