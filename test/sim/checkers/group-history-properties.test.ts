// Properties of the group checker against a correct model group (group-model.ts): its histories
// are always valid, eager or cooperative, with zombies, crashes and static restarts; and the same
// history with one planted fault is flagged with that fault's class.

import { fc, test } from "@fast-check/vitest";
import { expect, it } from "vitest";
import { checkGroupHistory } from "../../../sim/checkers/group-history.ts";
import type { GroupAnomalyClass } from "../../../sim/checkers/group-history-types.ts";
import { type GroupFault, GroupModel, type GroupModelParams } from "./group-model.ts";

const cleanRun = fc.record<GroupModelParams>({
  keys: fc.integer({ min: 1, max: 4 }),
  protocol: fc.constantFrom("eager", "cooperative"),
  fault: fc.constant("none"),
  choices: fc.array(fc.nat({ max: 1_000_000 }), { minLength: 10, maxLength: 300, size: "large" }),
});

test.prop([cleanRun], { numRuns: 300 })("histories of a correct group are valid", (p) => {
  const result = checkGroupHistory(new GroupModel(p).run().h.ops);
  expect(result.counts).toEqual({});
  expect(result.valid).toBe(true);
});

const expected: Record<Exclude<GroupFault, "none">, GroupAnomalyClass> = {
  "zombie-ok": "zombie-commit",
  "double-assign": "partition-owned-twice",
  "skip-commit": "group-poll-skip",
  regress: "committed-offset-regression",
};
const faults = Object.keys(expected) as Exclude<GroupFault, "none">[];

test.prop([cleanRun], { numRuns: 200 })(
  "the same history with one planted fault is flagged with that fault's class",
  (clean) => {
    for (const fault of faults) {
      const model = new GroupModel({ ...clean, fault }).run();
      const result = checkGroupHistory(model.h.ops);
      expect(result.valid).toBe(!model.planted);
      if (model.planted) expect(result.failing).toContain(expected[fault]);
    }
  },
);

it("the model plants every fault in long runs (the property above is not vacuous)", () => {
  const choices = Array.from({ length: 400 }, (_, i) => (i * 7919) % 1000);
  for (const protocol of ["eager", "cooperative"] as const) {
    for (const fault of faults) {
      const model = new GroupModel({ keys: 3, protocol, fault, choices }).run();
      expect([protocol, fault, model.planted]).toEqual([protocol, fault, true]);
    }
  }
});
