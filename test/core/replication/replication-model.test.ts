// The replication model test: real LeaderPartition, FollowerPartition and controller logic over naive
// logs under random fault schedules, checked after every event and for convergence once healed;
// planted bugs prove the checks bite. RUNNEL_FC_RUNS / RUNNEL_FC_SEED make it a longer soak.

import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { TraceEvent } from "../../../core/trace.ts";
import { HighWatermarkTruncatingFollower } from "./support/planted-bugs.ts";
import { ReplicationChecker } from "./support/replication-checker.ts";
import { type Fault, ReplicationWorld, type WorldOptions } from "./support/replication-world.ts";

const FAULT_WINDOW_MS = 3_000;
const HEAL_MS = 3_500;

const node = fc.integer({ min: 1, max: 3 });
const fault: fc.Arbitrary<Fault> = fc.oneof(
  {
    arbitrary: fc.record({
      type: fc.constant("crash" as const),
      node,
      downMs: fc.integer({ min: 10, max: 800 }),
    }),
    weight: 3,
  },
  {
    arbitrary: fc.record({
      type: fc.constant("isolate" as const),
      node,
      ms: fc.integer({ min: 10, max: 900 }),
    }),
    weight: 2,
  },
  fc.record({ type: fc.constant("break-links" as const), node }),
  fc.record({
    type: fc.constant("stall-disk" as const),
    node,
    ms: fc.integer({ min: 10, max: 500 }),
  }),
  fc.record({
    type: fc.constant("controlled-shutdown" as const),
    node,
    downMs: fc.integer({ min: 10, max: 600 }),
  }),
  fc.record({ type: fc.constant("fence" as const), node }),
  fc.record({ type: fc.constant("preferred-election" as const) }),
);
const schedule = fc.array(fc.tuple(fc.integer({ min: 50, max: FAULT_WINDOW_MS }), fault), {
  maxLength: 16,
});
const timing = fc.record({
  replicaLagTimeMaxMs: fc.constantFrom(150, 400, 1_000),
  sessionTimeoutMs: fc.constantFrom(200, 600, 2_000),
  networkDelayMaxMs: fc.constantFrom(3, 15, 40),
  diskDelayMaxMs: fc.constantFrom(2, 12, 30),
});

/** One run: faults during the window, then everything healed, quiet, and converged. */
function runSchedule(
  seed: number,
  faults: readonly (readonly [number, Fault])[],
  options: Partial<WorldOptions>,
): ReplicationWorld {
  const world = new ReplicationWorld(options, seed);
  const checker = new ReplicationChecker();
  world.onEvent((w) => checker.check(w));
  for (const [atMs, f] of faults) world.schedule(atMs, f);
  world.run(FAULT_WINDOW_MS + 200);
  world.healAll();
  world.runFor(HEAL_MS);
  checker.checkConverged(world);
  return world;
}

function property(
  options: Partial<WorldOptions>,
  visit: (world: ReplicationWorld) => void = () => {},
) {
  return fc.property(fc.integer(), schedule, timing, (seed, faults, t) => {
    visit(runSchedule(seed, faults, { ...t, ...options }));
  });
}

const runs = (n: number) => Number(process.env.RUNNEL_FC_RUNS ?? n);
const fcSeed = (n: number) =>
  process.env.RUNNEL_FC_SEED === undefined ? n : Number(process.env.RUNNEL_FC_SEED);

function traceTypes(world: ReplicationWorld, into: Set<string>): void {
  const events: TraceEvent[] = [...world.nodes.values()]
    .flatMap((n) => n.outbox.take())
    .concat(world.controller.outbox.take())
    .flatMap((e) => (e.type === "trace" ? [e.event] : []));
  for (const e of events) into.add(e.type === "mark" ? `mark:${e.name}` : e.type);
}

describe("replication under random faults", () => {
  it("keeps every acknowledged record, replicas agree below the HW, and the cluster converges", () => {
    const seen = new Set<string>();
    fc.assert(
      property({}, (world) => traceTypes(world, seen)),
      { numRuns: runs(60), seed: fcSeed(20_251) },
    );
    // The schedules reach the paths that matter (a run that never truncates proves little).
    for (const type of [
      "isr-shrink-proposed",
      "isr-expand-proposed",
      "isr-committed",
      "hw-advanced",
      "follower-truncated",
      "leader-elected",
      "mark:follower-truncated-divergent-tail",
      "mark:alter-partition-resent",
    ]) {
      expect(seen, type).toContain(type);
    }
  });

  it("stays safe when a restarted broker keeps its ISR membership and leadership (no fencing first)", () => {
    fc.assert(property({ keepRestartedBrokers: true }), { numRuns: runs(15), seed: fcSeed(11) });
  });

  it("with unclean election allowed, stays consistent and converges (losses excused)", () => {
    fc.assert(property({ uncleanAllowed: true, minInsyncReplicas: 1 }), {
      numRuns: runs(15),
      seed: fcSeed(7),
    });
  });
});

/** The first failure fast-check finds for `options`, or undefined when every run passes. */
function firstFailure(options: Partial<WorldOptions>, seed: number): string | undefined {
  const details = fc.check(property(options), { numRuns: 60, seed, endOnFailure: true });
  return details.failed ? String(details.errorInstance) : undefined;
}

describe("the model test catches planted bugs", () => {
  it("a follower that truncates to its high watermark (KAFKA-1211, before KIP-101)", () => {
    const planted: Partial<WorldOptions> = {
      followerFactory: (...args) => new HighWatermarkTruncatingFollower(...args),
    };
    expect(firstFailure(planted, 3)).toMatch(/truncated acknowledged|lacks acknowledged/);
  });

  it("counting page-cache offsets as acknowledged (Kafka's semantics) breaks ISR durability at a crash", () => {
    const pageCache: Partial<WorldOptions> = { ackRequiresSync: false, diskDelayMaxMs: 200 };
    expect(firstFailure(pageCache, 5)).toMatch(/lacks acknowledged/);
  });
});
