// The timeline window: clamping keeps it inside the trace and at least minSpan wide, zooming keeps
// the anchor time where it was on screen, following keeps the cursor visible.

import { fc, test } from "@fast-check/vitest";
import { describe, expect } from "vitest";
import { clampWindow, follow, minSpan, zoom } from "../../viewer/time-window.ts";

const t = fc.double({ min: -1e6, max: 1e6, noNaN: true });

describe("time window", () => {
  test.prop([
    t,
    t,
    fc.double({ min: 0, max: 1e6, noNaN: true }),
    fc.double({ min: 1, max: 1e6, noNaN: true }),
  ])(
    "clamping gives a window at least minSpan wide, inside the trace's margin",
    (a, b, tMin, width) => {
      const tMax = tMin + width;
      const w = clampWindow({ t0: Math.min(a, b), t1: Math.max(a, b) }, tMin, tMax);
      const margin = Math.max(minSpan, width * 0.02);
      expect(w.t1 - w.t0).toBeGreaterThanOrEqual(minSpan - 1e-9);
      expect(w.t0).toBeGreaterThanOrEqual(tMin - margin - 1e-6);
      expect(w.t1).toBeLessThanOrEqual(tMax + margin + 1e-6);
    },
  );

  test.prop([
    fc.double({ min: 0, max: 1000, noNaN: true }),
    fc.double({ min: 1, max: 1000, noNaN: true }),
    fc.double({ min: 0, max: 1, noNaN: true }),
    fc.double({ min: 0.1, max: 10, noNaN: true }),
  ])("zooming keeps the anchor at the same fraction of the window", (t0, span, f, factor) => {
    const w = { t0, t1: t0 + span };
    const around = t0 + f * span;
    const z = zoom(w, factor, around);
    expect((around - z.t0) / (z.t1 - z.t0)).toBeCloseTo(f, 6);
  });

  test.prop([
    fc.double({ min: 0, max: 1000, noNaN: true }),
    fc.double({ min: 1, max: 100, noNaN: true }),
    fc.double({ min: -500, max: 2000, noNaN: true }),
    fc.boolean(),
  ])("following keeps the cursor in view", (t0, span, cursor, smooth) => {
    const w = follow({ t0, t1: t0 + span }, cursor, smooth);
    expect(cursor).toBeGreaterThanOrEqual(w.t0);
    expect(cursor).toBeLessThanOrEqual(w.t1);
    expect(w.t1 - w.t0).toBeCloseTo(span, 6);
  });
});
