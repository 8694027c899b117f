// Shrinking: a fast-check property over explicit fault schedules and client operations. On a
// canary seed every case fails, and fast-check shrinks a random one to a minimal case that still
// fails the same way; on another seed random explicit schedules pass. A seed's own swarm run turns
// into an explicit case that replays it exactly.

import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { scenarioFromCommand } from "../../../sim/cli-args.ts";
import { buildRun } from "../../../sim/runs/build.ts";
import { layoutOf } from "../../../sim/runs/layout.ts";
import { runParts } from "../../../sim/runs/run.ts";
import { replayCommand, scenario } from "../../../sim/scenario.ts";
import { caseOf, failureSignature, scenarioOf, shrinkScenario } from "../../../sim/shrink.ts";
import { randomCase, ShrinkCaseArbitrary } from "../../../sim/shrink-case.ts";

const short = { durationMs: 8_000, livenessBoundMs: 10_000 } as const;

function generator(seed: bigint, ops: readonly [number, number] = [10, 120]) {
  const layout = layoutOf(scenario(seed, short));
  const w = layout.workload;
  return randomCase(short.durationMs, w.producers, layout.slots, w.keys.keyCount, ops);
}

describe("shrinking", () => {
  it("shrinks a random failing case of a canary seed to a minimal one that fails the same way", () => {
    const s = scenario(100n, { ...short, canary: true });
    const start = fc.sample(new ShrinkCaseArbitrary(generator(100n, [150, 200])), {
      numRuns: 1,
      seed: 1,
    })[0]!;
    const result = shrinkScenario(s, { budget: 110 }, start);
    expect(result.signature).toMatch(/^final-check\/history\//);
    expect(result.minimal.schedule.length).toBeLessThanOrEqual(10);
    expect(result.minimal.ops.length).toBeLessThanOrEqual(40);
    expect(result.minimal.ops.length).toBeLessThan(start.ops.length);
    // The printed command replays the minimal case, which still fails the same way.
    const replayed = runParts(buildRun(scenarioFromCommand(replayCommand(result.scenario))));
    expect(failureSignature(replayed)).toBe(result.signature);
  });

  it("passes random explicit schedules on a correct broker (property)", () => {
    const s = scenario(0x5eedn, short);
    fc.assert(
      fc.property(new ShrinkCaseArbitrary(generator(0x5eedn)), (c) => {
        const outcome = runParts(buildRun(scenarioOf(s, c)));
        return outcome.ok || `${outcome.failure?.message}\n${outcome.replay}`.length === 0;
      }),
      { numRuns: 4, seed: 42 },
    );
  });

  it("turns a swarm seed into an explicit case that replays the same run", () => {
    const s = scenario(0x19n, { durationMs: 10_000, livenessBoundMs: 10_000 });
    const swarm = runParts(buildRun(s));
    const explicit = runParts(buildRun(scenarioOf(s, caseOf(s))));
    expect(
      explicit.stats.traceHash === swarm.stats.traceHash ||
        explicit.stats.events === swarm.stats.events,
    ).toBe(true);
    expect(explicit.stats.events).toBe(swarm.stats.events);
  });
});
