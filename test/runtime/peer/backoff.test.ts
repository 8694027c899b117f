// The reconnect backoff as a table: doubling from the initial wait, the jitter's spread, the cap
// that holds after any number of failures (jitter included), and arguments out of range.

import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { backoffDelayMs, defaultBackoff } from "../../../runtime/peer/backoff.ts";

const noJitter = { initialMs: 50, maxMs: 1000, jitter: 0 };

describe("backoffDelayMs", () => {
  it.each([
    [1, 50],
    [2, 100],
    [3, 200],
    [4, 400],
    [5, 800],
    [6, 1000],
    [7, 1000],
    [1000, 1000],
    [Number.MAX_SAFE_INTEGER, 1000],
  ])("failure %i waits %i ms without jitter", (failures, expected) => {
    expect(backoffDelayMs(noJitter, failures, 0.5)).toBe(expected);
  });

  it.each([
    [0, 40],
    [0.5, 50],
    [0.999_999, 60],
  ])("random %f spreads the first wait of 50 ms to %i ms (jitter 0.2)", (random, expected) => {
    expect(backoffDelayMs(defaultBackoff, 1, random)).toBe(expected);
  });

  it("never exceeds the maximum, never drops below (1 - jitter) of the capped wait", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 10_000 }),
        fc.integer({ min: 0, max: 10_000 }),
        fc.integer({ min: 1, max: 5000 }),
        fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true }),
        fc.double({ min: 0, max: 0.9, noNaN: true }),
        (initialMs, extraMs, failures, random, jitter) => {
          const policy = { initialMs, maxMs: initialMs + extraMs, jitter };
          const delay = backoffDelayMs(policy, failures, random);
          const capped = Math.min(policy.maxMs, initialMs * 2 ** Math.min(failures - 1, 60));
          expect(delay).toBeLessThanOrEqual(policy.maxMs);
          expect(delay).toBeGreaterThanOrEqual(Math.floor(capped * (1 - jitter)));
        },
      ),
    );
  });

  it.each([
    ["zero failures", () => backoffDelayMs(defaultBackoff, 0, 0.5)],
    ["random of 1", () => backoffDelayMs(defaultBackoff, 1, 1)],
    ["initial above max", () => backoffDelayMs({ initialMs: 10, maxMs: 5, jitter: 0 }, 1, 0)],
  ])("%s is a bug in the caller", (_name, call) => {
    expect(call).toThrow();
  });
});
