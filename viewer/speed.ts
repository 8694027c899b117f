// Playback speed on a log scale: simulated milliseconds per real millisecond, from 1/1000× to 100×.
// Invariant: `speeds` is sorted; the default, 1/10×, shows millisecond message latencies at a
// readable pace (1× replays simulated time in real time).

export const speeds = [
  0.001, 0.002, 0.005, 0.01, 0.02, 0.05, 0.1, 0.2, 0.5, 1, 2, 5, 10, 20, 50, 100,
] as const;
export const defaultSpeedIndex = 6;

export function speedLabel(speed: number): string {
  if (speed >= 1) return `${speed}×`;
  return `1/${Math.round(1 / speed)}×`;
}

export function clampSpeedIndex(index: number): number {
  return Math.max(0, Math.min(speeds.length - 1, Math.round(index)));
}
