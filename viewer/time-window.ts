// The visible time window of the timeline: zoom around a point, pan by a fraction, follow a cursor.
// Invariant: the window is never narrower than `minSpan`, never inverted, and stays within the
// trace's extent (plus a small margin) whenever the trace is wider than the window.

export interface TimeWindow {
  readonly t0: number;
  readonly t1: number;
}

export const minSpan = 0.05;

export function clampWindow(w: TimeWindow, tMin: number, tMax: number): TimeWindow {
  const margin = Math.max(minSpan, (tMax - tMin) * 0.02);
  const lo = tMin - margin;
  const hi = tMax + margin;
  let span = Math.max(minSpan, w.t1 - w.t0);
  if (span > hi - lo) span = hi - lo;
  let t0 = Math.max(lo, Math.min(w.t0, hi - span));
  if (!Number.isFinite(t0)) t0 = lo;
  return { t0, t1: t0 + span };
}

/** Zooms by `factor` (< 1 zooms in) keeping `around` at the same place on screen. */
export function zoom(w: TimeWindow, factor: number, around: number): TimeWindow {
  const span = Math.max(minSpan, (w.t1 - w.t0) * factor);
  const f = w.t1 === w.t0 ? 0.5 : (around - w.t0) / (w.t1 - w.t0);
  const t0 = around - f * span;
  return { t0, t1: t0 + span };
}

export function pan(w: TimeWindow, fraction: number): TimeWindow {
  const d = (w.t1 - w.t0) * fraction;
  return { t0: w.t0 + d, t1: w.t1 + d };
}

/**
 * Keeps `t` visible. Smooth mode slides the window so `t` sits at 80% of it once it passes that
 * point (continuous scrolling during playback); page mode jumps a whole window (reduced motion).
 */
export function follow(w: TimeWindow, t: number, smooth: boolean): TimeWindow {
  const span = w.t1 - w.t0;
  if (t >= w.t0 && t <= w.t0 + span * (smooth ? 0.8 : 1)) return w;
  if (t < w.t0 || !smooth) {
    const t0 = t < w.t0 ? t - span * 0.1 : t - span * 0.1;
    return { t0, t1: t0 + span };
  }
  const t0 = t - span * 0.8;
  return { t0, t1: t0 + span };
}

/** The first view of a trace: all of it when small, else the span of its first 3,000 events. */
export function openingWindow(t: Float64Array, count: number): TimeWindow {
  const tMin = count > 0 ? t[0]! : 0;
  const tMax = count > 0 ? t[count - 1]! : 1;
  if (count <= 20_000) return { t0: tMin, t1: Math.max(tMax, tMin + 1) };
  const end = t[Math.min(count - 1, 3000)]!;
  return { t0: tMin, t1: Math.max(end, tMin + 1) };
}
