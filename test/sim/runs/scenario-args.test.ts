// The scenario's text forms round-trip: fault schedules, client operations, and the replay command
// (scenarioArgs parsed back by the CLI gives the same scenario), plus the CLI's refusals.

import { fc, test } from "@fast-check/vitest";
import { describe, expect, it } from "vitest";
import { nodeId } from "../../../core/ids.ts";
import { parseCliArgs, parseDuration, parseSeedList } from "../../../sim/cli-args.ts";
import { failureKindOf } from "../../../sim/cli-report.ts";
import { type Fault, faultKinds } from "../../../sim/faults.ts";
import { scenario, scenarioArgs } from "../../../sim/scenario.ts";
import { formatSchedule, parseFault, parseSchedule } from "../../../sim/scenario-faults.ts";
import { formatOps, type PlannedOp, parseOps } from "../../../sim/scenario-ops.ts";

const node = fc.integer({ min: 1, max: 2000 }).map(nodeId);
const fault: fc.Arbitrary<Fault> = fc.oneof(
  fc.record({
    type: fc.constantFrom("crash", "restart", "wipe", "pause", "resume"),
    node,
  }) as fc.Arbitrary<Fault>,
  fc.record({
    type: fc.constantFrom("clog", "unclog"),
    from: node,
    to: node,
  }) as fc.Arbitrary<Fault>,
  fc.record({ type: fc.constant("break"), a: node, b: fc.option(node, { nil: null }) }),
  fc.record({
    type: fc.constant("slow"),
    from: node,
    to: node,
    factor: fc.integer({ min: 1, max: 50 }),
  }),
  fc.record({
    type: fc.constant("bandwidth"),
    from: node,
    to: node,
    bytesPerMs: fc.option(fc.integer({ min: 1, max: 1000 }), { nil: null }),
  }),
  fc.record({
    type: fc.constant("clock-jump"),
    node,
    deltaMs: fc.integer({ min: -600_000, max: 600_000 }),
  }),
  fc.record({ type: fc.constant("clock-rate"), node, rate: fc.constantFrom(0.95, 1, 1.000123) }),
  fc.record({ type: fc.constant("disk-stall"), node, factor: fc.integer({ min: 1, max: 1000 }) }),
  fc.record({
    type: fc.constant("disk-errors"),
    node,
    mode: fc.constantFrom("none", "eio", "enospc"),
  }),
  fc.record({ type: fc.constant("stabilize"), core: fc.array(node, { maxLength: 3 }) }),
  fc.record({ type: fc.constant("heal"), id: fc.nat(50) }),
  fc.record({
    type: fc.constant("partition"),
    id: fc.nat(50),
    shape: fc.constantFrom("isolate", "halves", "random"),
    oneWay: fc.boolean(),
    sides: fc.tuple(fc.array(node, { maxLength: 3 }), fc.array(node, { maxLength: 3 })),
  }),
) as fc.Arbitrary<Fault>;

const op: fc.Arbitrary<PlannedOp> = fc.oneof(
  fc.record({
    atMs: fc.nat(100_000),
    slot: fc.nat(9),
    type: fc.constantFrom("start", "crash", "poll", "commit", "close"),
  }),
  fc.record({
    atMs: fc.nat(100_000),
    slot: fc.nat(9),
    type: fc.constant("subscribe"),
    topics: fc.array(fc.constantFrom("jepsen-0", "jepsen-1", "t.x_2"), {
      minLength: 1,
      maxLength: 3,
    }),
  }),
  fc.record({
    atMs: fc.nat(100_000),
    slot: fc.nat(9),
    type: fc.constant("pause"),
    durationMs: fc.integer({ min: 1, max: 60_000 }),
  }),
  fc.record({
    atMs: fc.nat(100_000),
    slot: fc.nat(9),
    type: fc.constant("send"),
    records: fc.array(fc.record({ key: fc.nat(63), value: fc.nat(1_000_000) }), {
      minLength: 1,
      maxLength: 3,
    }),
  }),
  fc.record({
    atMs: fc.nat(100_000),
    slot: fc.nat(9),
    type: fc.constant("assign"),
    keys: fc.array(fc.nat(63), { maxLength: 6 }),
    seekToBeginning: fc.boolean(),
  }),
) as fc.Arbitrary<PlannedOp>;

describe("text forms", () => {
  test.prop([fc.array(fc.record({ atMs: fc.nat(120_000), fault }), { maxLength: 12 })])(
    "a fault schedule parses back to itself",
    (schedule) => {
      const parsed = parseSchedule(formatSchedule(schedule));
      expect(parsed).toEqual({ ok: true, value: schedule });
    },
  );

  test.prop([fc.array(op, { maxLength: 20 })])(
    "client operations parse back to themselves",
    (ops) => {
      expect(parseOps(formatOps(ops))).toEqual({ ok: true, value: ops });
    },
  );

  it.each([
    ["crash"],
    ["crash one"],
    ["clog 1-2"],
    ["slow 1->2 5"],
    ["disk-errors 1 sometimes"],
    ["teleport 1"],
  ])("refuses the fault %s", (text) => {
    expect(parseFault(text)).toBeUndefined();
  });

  it.each([
    ["60s", 60_000],
    ["500ms", 500],
    ["2m", 120_000],
    ["1500", 1_500],
    ["1.5s", 1_500],
  ])("reads the duration %s", (text, ms) => {
    expect(parseDuration(text)).toBe(ms);
  });

  it("reads seed ranges and lists", () => {
    expect(parseSeedList("1..3")).toEqual({ ok: true, value: [1n, 2n, 3n] });
    expect(parseSeedList("0x10..0x11")).toEqual({ ok: true, value: [16n, 17n] });
    expect(parseSeedList("5,0x7")).toEqual({ ok: true, value: [5n, 7n] });
    expect(parseSeedList("3..1").ok).toBe(false);
  });
});

describe("runnel sim arguments", () => {
  const scenarios = fc.record({
    seed: fc.bigInt({ min: 0n, max: (1n << 64n) - 1n }),
    durationMs: fc.integer({ min: 1_000, max: 600_000 }),
    profile: fc.constantFrom("light" as const, "heavy" as const),
    workload: fc.constantFrom("default" as const, "groups" as const, "idempotent" as const),
    acks: fc.constantFrom("all" as const, "1" as const, "0" as const),
    drawSettings: fc.boolean(),
    flushMessages: fc.option(fc.integer({ min: 1, max: 100 }), { nil: null }),
    canary: fc.boolean(),
    kinds: fc.option(fc.subarray([...faultKinds], { minLength: 1 }), { nil: null }),
    schedule: fc.option(fc.array(fc.record({ atMs: fc.nat(60_000), fault }), { maxLength: 4 }), {
      nil: null,
    }),
    ops: fc.option(fc.array(op, { maxLength: 6 }), { nil: null }),
  });

  test.prop([scenarios])("the replay arguments recreate the scenario", (r) => {
    const s = scenario(r.seed, {
      durationMs: r.durationMs,
      profile: r.profile,
      workload: r.workload,
      drawSettings: r.drawSettings,
      ...(r.drawSettings ? {} : { acks: r.acks, flushMessages: r.flushMessages }),
      canary: r.canary,
      faults:
        r.schedule !== null
          ? { mode: "explicit", schedule: r.schedule }
          : r.kinds !== null
            ? { mode: "kinds", kinds: r.kinds }
            : { mode: "swarm" },
      ops: r.ops,
    });
    const args = scenarioArgs(s).map((a) => (a.startsWith("'") ? a.slice(1, -1) : a));
    const parsed = parseCliArgs(["--seed", `0x${s.seed.toString(16)}`, ...args]);
    expect(parsed.ok).toBe(true);
    if (!parsed.ok) return;
    expect({ seed: parsed.value.seeds[0], ...parsed.value.base }).toEqual(s);
  });

  it("refuses clusters until they exist, and unknown arguments", () => {
    const three = parseCliArgs(["--seed", "1", "--nodes", "3"]);
    expect(three).toEqual({
      ok: false,
      error: expect.stringContaining("clusters are not simulated yet") as unknown as string,
    });
    expect(parseCliArgs(["--seed", "1", "--bogus"]).ok).toBe(false);
    expect(parseCliArgs(["--faults", "crash,teleport", "--seed", "1"]).ok).toBe(false);
    expect(parseCliArgs(["--seeds", "1..2", "--trace", "x.ndjson"]).ok).toBe(false);
    expect(parseCliArgs(["--help"])).toMatchObject({ ok: true, value: { help: true } });
  });

  it.each([
    [
      "final-check",
      "history: lost-write x2 not excused by the fault contract; first …",
      "final-check/history/lost-write",
    ],
    [
      "final-check",
      "liveness: final reads not done 30s after they began: …",
      "final-check/liveness",
    ],
    [
      "global-invariant",
      "run invariants: fetch served: t-0 fetch at 3: …",
      "global-invariant/fetch served",
    ],
    ["node-step", "step(timer): assertion failed: …", "node-step"],
  ])("groups a %s failure under its check", (kind, message, expected) => {
    expect(failureKindOf(kind, message)).toBe(expected);
  });
});
