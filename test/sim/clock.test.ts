// Node clocks over true time: skew, drift and jumps, and the conversion of a wakeup on the node's
// clock to the true time at which its timer must fire.

import { fc, test } from "@fast-check/vitest";
import { describe, expect, it } from "vitest";
import { SimClock } from "../../sim/clock.ts";

describe("SimClock", () => {
  it.each([
    // startMs, rate, true time, local reading
    [1000, 1, 0, 1000],
    [1000, 1, 12.5, 1012],
    [-500, 1, 100, -400],
    [0, 1.5, 10, 15],
    [0, 0.5, 10.999, 5],
    [1_700_000_000_000, 1.0001, 10_000, 1_700_000_010_001],
  ])("start %d rate %d reads at true %d: %d", (startMs, rate, t, local) => {
    expect(new SimClock({ startMs, rate }).now(t)).toBe(local);
  });

  it("jumps forward and back, and keeps drift across a jump", () => {
    const clock = new SimClock({ startMs: 0, rate: 2 });
    expect(clock.now(10)).toBe(20);
    clock.jump(10, -15);
    expect(clock.now(10)).toBe(5);
    expect(clock.now(12)).toBe(9);
    clock.jump(12, 1000);
    expect(clock.now(12)).toBe(1009);
    clock.setRate(12, 1);
    expect(clock.now(20)).toBe(1017);
  });

  it.each([
    // rate, wakeup (local), true now, expected true time
    [1, 50, 0, 50],
    [1, 0, 7, 7],
    [2, 50, 0, 25],
    [0.5, 50, 0, 100],
    [1.0001, 1000, 0, 999.901],
    [0.9999, 1000, 0, 1000.101],
    [1, 50.5, 0, 51],
  ])("rate %d: wakeup at local %d from true %d fires at true %d", (rate, wakeup, now, expected) => {
    expect(new SimClock({ startMs: 0, rate }).toTrue(wakeup, now)).toBe(expected);
  });

  test.prop([
    fc.integer({ min: -1_000_000, max: 1_000_000 }),
    fc.double({ min: 0.5, max: 2, noNaN: true }),
    fc.integer({ min: 0, max: 1_000_000 }).map((us) => us / 1000),
    fc.integer({ min: -5_000, max: 100_000 }),
    fc.integer({ min: -3_000, max: 3_000 }),
  ])(
    "toTrue is the earliest microsecond whose reading reaches the wakeup",
    (startMs, rate, now, ahead, jump) => {
      const clock = new SimClock({ startMs, rate });
      clock.jump(now, jump);
      const wakeup = clock.now(now) + ahead;
      const at = clock.toTrue(wakeup, now);
      expect(at).toBeGreaterThanOrEqual(now);
      expect(Math.round(at * 1000) / 1000).toBe(at);
      expect(clock.now(at)).toBeGreaterThanOrEqual(wakeup);
      if (at > now) expect(clock.now((Math.round(at * 1000) - 1) / 1000)).toBeLessThan(wakeup);
    },
  );

  it.each([[0.4], [2.5], [0], [Number.NaN]])("refuses the rate %s", (rate) => {
    expect(() => new SimClock({ startMs: 0, rate })).toThrow(/rate/);
  });
});
