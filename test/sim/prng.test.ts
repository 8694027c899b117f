// Seeded streams: equal seeds give equal streams, derived streams are independent of each other's
// draws, and the draw log names the first draw at which two runs differ.

import { fc, test } from "@fast-check/vitest";
import { describe, expect, it } from "vitest";
import { DrawLog, formatSeed, parseSeed, rootRng, type SimRng } from "../../sim/prng.ts";

function draws(rng: SimRng, count: number): number[] {
  return Array.from({ length: count }, () => rng.int("x", 1_000_000));
}

describe("seeds", () => {
  it.each([
    ["0x1", 1n, "0x0000000000000001"],
    ["0xdeadBEEF", 0xdeadbeefn, "0x00000000deadbeef"],
    ["42", 42n, "0x000000000000002a"],
    ["0xffffffffffffffff", 2n ** 64n - 1n, "0xffffffffffffffff"],
  ])("parses %s", (text, value, formatted) => {
    expect(parseSeed(text)).toBe(value);
    expect(formatSeed(value)).toBe(formatted);
    expect(parseSeed(formatted)).toBe(value);
  });

  it.each([
    ["0x10000000000000000"],
    ["-1"],
    ["12a"],
    [""],
    ["0x"],
    ["18446744073709551616"],
  ])("rejects %j", (text) => {
    expect(parseSeed(text)).toBeUndefined();
  });
});

describe("SimRng", () => {
  test.prop([fc.bigInt({ min: 0n, max: 2n ** 64n - 1n })])("one seed, one stream", (seed) => {
    expect(draws(rootRng(seed).derive("a"), 20)).toEqual(draws(rootRng(seed).derive("a"), 20));
  });

  it("different seeds and different names give different streams", () => {
    const a = draws(rootRng(1n).derive("network"), 8);
    expect(draws(rootRng(2n).derive("network"), 8)).not.toEqual(a);
    expect(draws(rootRng(1n).derive("disk"), 8)).not.toEqual(a);
    expect(draws(rootRng(1n).derive("network").derive("x"), 8)).not.toEqual(a);
  });

  test.prop([fc.integer({ min: 0, max: 500 }), fc.bigInt({ min: 0n, max: 1000n })])(
    "extra draws in one stream never shift another",
    (extra, seed) => {
      const root = rootRng(seed);
      const quiet = draws(root.derive("clock"), 10);
      const root2 = rootRng(seed);
      const busy = root2.derive("network");
      draws(busy, extra);
      const clock = root2.derive("clock");
      draws(busy, extra);
      expect(draws(clock, 10)).toEqual(quiet);
    },
  );

  test.prop([fc.bigInt({ min: 0n, max: 1000n }), fc.integer({ min: 1, max: 2 ** 40 })])(
    "draws stay in range",
    (seed, max) => {
      const rng = rootRng(seed).derive("r");
      for (let i = 0; i < 20; i++) {
        const n = rng.int("n", max);
        expect(Number.isInteger(n) && n >= 0 && n < max).toBe(true);
        const f = rng.float("f");
        expect(f >= 0 && f < 1).toBe(true);
        const r = rng.range("r", -3, 3);
        expect(r >= -3 && r <= 3).toBe(true);
        expect(rng.exponential("e", 5)).toBeGreaterThanOrEqual(0);
        const l = rng.logUniform("l", 2, 50);
        expect(l >= 2 && l <= 50).toBe(true);
      }
    },
  );

  it("chance draws even at probability 0 and 1, so the stream does not shift", () => {
    const a = rootRng(7n).derive("c");
    const b = rootRng(7n).derive("c");
    expect(a.chance("p", 0)).toBe(false);
    expect(b.chance("p", 1)).toBe(true);
    expect(a.int("next", 1000)).toBe(b.int("next", 1000));
  });

  it("shuffle is a permutation and pick returns a member", () => {
    const rng = rootRng(3n).derive("s");
    const items = [1, 2, 3, 4, 5, 6, 7];
    expect([...rng.shuffle("order", items)].sort()).toEqual(items);
    expect(items).toContain(rng.pick("one", items));
  });
});

describe("DrawLog", () => {
  it("a checked run identical to the recording has no divergence", () => {
    const record = DrawLog.record();
    draws(rootRng(9n, record).derive("a"), 50);
    const check = DrawLog.check(record);
    draws(rootRng(9n, check).derive("a"), 50);
    expect(record.count).toBe(50);
    expect(check.divergence).toBeUndefined();
  });

  it("names the first differing draw: component, name, value and trace seq", () => {
    const record = DrawLog.record();
    const r1 = rootRng(9n, record);
    record.seq = 4;
    r1.derive("net").int("latency", 100);
    record.seq = 5;
    r1.derive("disk").int("spike", 100);
    const check = DrawLog.check(record);
    const r2 = rootRng(9n, check);
    check.seq = 4;
    r2.derive("net").int("latency", 100);
    check.seq = 5;
    r2.derive("clock").int("skew", 100);
    const d = check.divergence;
    expect(d?.index).toBe(1);
    expect(d?.expected).toMatchObject({ component: "disk", name: "spike", seq: 5 });
    expect(d?.actual).toMatchObject({ component: "clock", name: "skew", seq: 5 });
  });

  it("a run that draws less or more than the recording diverges where it stops or goes on", () => {
    const record = DrawLog.record();
    draws(rootRng(1n, record).derive("a"), 3);
    const fewer = DrawLog.check(record);
    draws(rootRng(1n, fewer).derive("a"), 2);
    expect(fewer.divergence).toMatchObject({ index: 2, actual: undefined });
    const more = DrawLog.check(record);
    draws(rootRng(1n, more).derive("a"), 4);
    expect(more.divergence).toMatchObject({ index: 3, expected: undefined });
  });
});
