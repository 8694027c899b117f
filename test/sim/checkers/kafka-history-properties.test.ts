// Properties of the history checker against a correct model Kafka: its histories are always valid
// (pipelined, failed, timed-out and crashed clients, auto-commit, sparse offsets), and the same
// histories with one planted fault are flagged with that fault's class.

import { fc, test } from "@fast-check/vitest";
import { expect } from "vitest";
import { checkKafkaHistory } from "../../../sim/checkers/kafka-history.ts";
import type { AnomalyClass } from "../../../sim/checkers/kafka-history-types.ts";
import { type ModelParams, ModelRun, type PlantedFault } from "./history-model.ts";

const cleanRun = fc.record<ModelParams>({
  keys: fc.integer({ min: 1, max: 3 }),
  producers: fc.integer({ min: 1, max: 3 }),
  consumers: fc.integer({ min: 1, max: 3 }),
  baseOffset: fc.constantFrom(0, 1_000_000_000_000, 2 ** 50),
  gapMax: fc.constantFrom(0, 3, 1_000_000),
  fault: fc.constant("none"),
  choices: fc.array(fc.nat({ max: 1_000_000 }), { minLength: 10, maxLength: 400, size: "large" }),
});

test.prop([cleanRun], { numRuns: 300 })("histories of a correct Kafka are valid", (p) => {
  const result = checkKafkaHistory(new ModelRun(p).history());
  expect(result.counts).toEqual({});
  expect(result.valid).toBe(true);
});

const expected: Record<Exclude<PlantedFault, "none">, AnomalyClass> = {
  drop: "lost-write",
  duplicate: "duplicate",
  swap: "inconsistent-offsets",
};

test.prop([cleanRun], { numRuns: 200 })(
  "the same history with one planted fault is flagged with that fault's class",
  (clean) => {
    expect(checkKafkaHistory(new ModelRun(clean).history()).valid).toBe(true);
    for (const fault of ["drop", "duplicate", "swap"] as const) {
      const result = checkKafkaHistory(new ModelRun({ ...clean, fault }).history());
      expect(result.valid).toBe(false);
      expect(result.failing).toContain(expected[fault]);
    }
  },
);
