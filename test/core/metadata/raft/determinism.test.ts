// Same seed, same run: two runs of one seed and fault schedule agree step for step.

import { expect, it } from "vitest";
import type { Fault } from "../support/faults.ts";
import { runWithFaults } from "../support/run-property.ts";

const faults: Fault[] = [
  { type: "isolate", at: 500, node: 1 },
  { type: "crash", at: 1_200, node: 2 },
  { type: "drops", at: 2_000, rate: 0.2 },
  { type: "restart", at: 3_000, node: 2 },
  { type: "heal", at: 4_000 },
  { type: "resign", at: 5_000, node: 3 },
];

it("replays a seed exactly", () => {
  const runs = [0, 1].map(() => runWithFaults(3, "determinism", faults));
  const [a, b] = runs.map((c) => ({
    steps: c.steps,
    now: c.now,
    marks: [...c.marks.entries()],
    views: c.nodes.map((n) => n.view()),
    accepted: c.accepted,
  }));
  expect(a!.steps).toBeGreaterThan(1_000);
  expect(b).toEqual(a);
});
