// Retention: the plan against a brute-force reading of Kafka's rules (whole closed segments below
// the high watermark, oldest first, by time then by size), and the log deleting what it plans.

import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { planRetention, type RetentionSegment } from "../../../core/log/log-retention.ts";
import { LogHarness, text } from "./log-harness.ts";

const segmentsArb = fc
  .array(
    fc.record({
      gap: fc.integer({ min: 1, max: 10 }),
      sizeBytes: fc.nat(100),
      maxTimestamp: fc.integer({ min: -1, max: 1000 }),
    }),
    {
      minLength: 1,
      maxLength: 10,
    },
  )
  .map((raw) => {
    let base = 0;
    return raw.map(({ gap, sizeBytes, maxTimestamp }) => {
      const segment = { baseOffset: base, sizeBytes, maxTimestamp };
      base += gap;
      return segment;
    });
  });

function bruteForce(
  segments: readonly RetentionSegment[],
  retentionMs: number,
  retentionBytes: number,
  now: number,
  hw: number,
): number {
  let candidates = 0;
  for (let k = 0; k < segments.length; k++) {
    const closedBelowHw = segments.slice(0, k).every((_, i) => segments[i + 1]!.baseOffset <= hw);
    if (k < segments.length && closedBelowHw) candidates = k;
  }
  const expired = (s: RetentionSegment) =>
    retentionMs >= 0 && s.maxTimestamp >= 0 && now - s.maxTimestamp > retentionMs;
  let byTime = 0;
  for (let t = 0; t <= candidates; t++) if (segments.slice(0, t).every(expired)) byTime = t;
  let bySize = 0;
  const total = segments.reduce((sum, s) => sum + s.sizeBytes, 0);
  for (let s = 0; s <= candidates; s++) {
    const left = total - segments.slice(0, s).reduce((sum, x) => sum + x.sizeBytes, 0);
    if (retentionBytes >= 0 && left >= retentionBytes) bySize = s;
  }
  return Math.max(byTime, bySize);
}

describe("planRetention", () => {
  it("agrees with the brute-force reading and never touches the active segment or the high watermark", () => {
    fc.assert(
      fc.property(
        segmentsArb,
        fc.integer({ min: -1, max: 1000 }),
        fc.integer({ min: -1, max: 400 }),
        fc.integer({ min: 0, max: 2000 }),
        fc.nat(100),
        (segments, retentionMs, retentionBytes, now, hw) => {
          const plan = planRetention(
            segments,
            { retentionMs, retentionBytes, cleanupPolicy: "delete" },
            now,
            hw,
          );
          expect(plan.count).toBe(bruteForce(segments, retentionMs, retentionBytes, now, hw));
          expect(plan.count).toBeLessThan(segments.length);
          for (let i = 0; i < plan.count; i++)
            expect(segments[i + 1]!.baseOffset).toBeLessThanOrEqual(hw);
          expect(plan.reason === null).toBe(plan.count === 0);
        },
      ),
      { numRuns: 1000 },
    );
  });

  it("does nothing for compacted-only logs", () => {
    const segments = [
      { baseOffset: 0, sizeBytes: 10, maxTimestamp: 0 },
      { baseOffset: 5, sizeBytes: 10, maxTimestamp: 0 },
    ];
    expect(
      planRetention(
        segments,
        { retentionMs: 0, retentionBytes: 0, cleanupPolicy: "compact" },
        1000,
        10,
      ).count,
    ).toBe(0);
    expect(
      planRetention(
        segments,
        { retentionMs: 0, retentionBytes: -1, cleanupPolicy: "compact,delete" },
        1000,
        10,
      ).count,
    ).toBe(1);
  });
});

describe("retention in the log", () => {
  function logWithSegments(config = {}) {
    const h = LogHarness.open({ config: { segmentBytes: 200, ...config } });
    for (let i = 0; i < 20; i++) {
      h.append({
        baseTimestamp: i * 100,
        records: [{ key: null, value: text(`value-${i}`), timestamp: i * 100 }],
      });
    }
    h.log.setHighWatermark(h.log.logEndOffset);
    return h;
  }

  it("deletes whole closed segments whose largest timestamp expired, oldest first", () => {
    const h = logWithSegments({ retentionMs: 1000 });
    const before = h.log.view().segments;
    const report = h.log.maintain(1000 + 750);
    h.run();
    const after = h.log.view();
    const expired = before.filter((s, i) => i < before.length - 1 && 1750 - s.maxTimestamp > 1000);
    expect(report.deletedSegments).toEqual(expired.map((s) => s.baseOffset));
    expect(after.segments).toEqual(before.slice(expired.length));
    expect(after.logStartOffset).toBe(after.segments[0]!.baseOffset);
    expect(h.readAll()[0]?.offset).toBe(after.logStartOffset);
    expect(h.disk.files().filter((f) => f.endsWith(".log")).length).toBe(after.segments.length);
    expect(
      h.traces().some((e) => e.type === "log-segments-deleted" && e.reason === "retention-ms"),
    ).toBe(true);
  });

  it("never deletes the active segment, nor segments at or above the high watermark", () => {
    const h = logWithSegments({ retentionMs: 0 });
    h.log.setHighWatermark(5);
    h.log.maintain(1_000_000);
    h.run();
    const view = h.log.view();
    expect(view.segments.length).toBeGreaterThan(1);
    expect(view.segments[1]!.baseOffset).toBeGreaterThan(5);
    h.log.setHighWatermark(view.logEndOffset);
    h.log.maintain(1_000_000);
    h.run();
    expect(h.log.view().segments.length).toBe(1);
    expect(h.log.logEndOffset).toBe(20);
  });

  it("deletes by size until the log would drop below retention.bytes", () => {
    const h = logWithSegments({ retentionBytes: 500 });
    h.log.maintain(0);
    h.run();
    const view = h.log.view();
    expect(view.sizeBytes).toBeGreaterThanOrEqual(500);
    expect(view.sizeBytes - view.segments[0]!.sizeBytes).toBeLessThan(500);
    const after = h.restart();
    expect(after.log.view().logStartOffset).toBe(view.logStartOffset);
  });
});
