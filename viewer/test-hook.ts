// A read-only window on the viewer for tests and benchmarks (window.__runnelViewer): what the page
// shows (replica rows read back from the DOM), the state at any time, and waits for loading and for
// the panels to catch up with a seek. It moves the cursor only as a user would (seek), nothing else.

import type { App } from "./app.ts";
import type { ClusterState } from "./cluster-state.ts";
import type { ResolvedBeat } from "./index-data.ts";
import { eventAtTime } from "./navigation.ts";
import type { TimeWindow } from "./time-window.ts";

export interface ShownReplica {
  readonly node: number;
  readonly partition: string;
  readonly leader: number;
  readonly leaderEpoch: number;
  readonly isr: readonly number[];
  readonly logEndOffset: number;
  readonly highWatermark: number;
  readonly offline: boolean;
}

/** One consumer group box of the groups panel, read back from the DOM. */
export interface ShownGroup {
  readonly group: string;
  readonly coordinator: number;
  readonly state: string;
  readonly generation: number;
  readonly protocol: string;
  readonly leader: string;
  readonly members: readonly { readonly memberId: string; readonly assignment: string }[];
  readonly offsets: readonly {
    readonly partition: string;
    readonly committed: number;
    readonly lag: string;
  }[];
}

function shownGroups(): ShownGroup[] {
  return [...document.querySelectorAll<HTMLElement>("[data-group]")].map((box) => {
    const d = box.dataset;
    return {
      group: d.group ?? "",
      coordinator: Number(d.coordinator),
      state: d.state ?? "",
      generation: Number(d.generation),
      protocol: d.protocol ?? "",
      leader: d.leader ?? "",
      members: [...box.querySelectorAll<HTMLElement>("[data-member]")].map((row) => ({
        memberId: row.dataset.member ?? "",
        assignment: row.dataset.assignment ?? "",
      })),
      offsets: [...box.querySelectorAll<HTMLElement>("[data-offset]")].map((row) => ({
        partition: row.dataset.offset ?? "",
        committed: Number(row.dataset.committed),
        lag: row.dataset.lag ?? "",
      })),
    };
  });
}

export interface ViewerHook {
  ready(): Promise<void>;
  error(): string | null;
  info(): {
    readonly events: number;
    readonly tMin: number;
    readonly tMax: number;
    readonly partial: boolean;
    readonly failures: number;
    readonly types: readonly string[];
    readonly beats: readonly ResolvedBeat[];
  } | null;
  cursor(): { readonly idx: number; readonly t: number; readonly seq: number };
  seek(t: number): Promise<void>;
  seekIndex(idx: number): Promise<void>;
  shownReplicas(): ShownReplica[];
  /** The groups panel's boxes (one per group and coordinating broker) read back from the DOM. */
  shownGroups(): ShownGroup[];
  stateAt(t: number): Promise<ClusterState>;
  scenario(): {
    readonly next: number;
    readonly narration: string | null;
    readonly playing: boolean;
    readonly active: boolean;
  };
  window(): TimeWindow;
  lastDrawMs(): number;
  /** ms from navigation start to the first timeline drawn with data (null before). */
  firstRenderMs(): number | null;
  /**
   * Drags the cursor across the whole trace for `durationMs` (one move per frame, as a pointer
   * drag on the overview would) and reports the frame rate and how often the panels caught up.
   */
  scrub(durationMs: number): Promise<{
    readonly fps: number;
    readonly panelUpdatesPerSecond: number;
    readonly p95FrameMs: number;
  }>;
  frames(): number;
  openText(text: string, scenario?: string): void;
}

interface HookDeps {
  ready(): Promise<void>;
  error(): string | null;
  openText(text: string, scenario?: string): void;
}

function frame(): Promise<void> {
  return new Promise((resolve) => requestAnimationFrame(() => resolve()));
}

async function scrub(app: App, durationMs: number) {
  const data = app.data;
  if (data === null) return { fps: 0, panelUpdatesPerSecond: 0, p95FrameMs: 0 };
  app.playback.pause();
  const start = performance.now();
  const shownBefore = app.statesShown;
  const frames: number[] = [];
  let last = start;
  for (;;) {
    const now = await new Promise<number>((resolve) => requestAnimationFrame(resolve));
    frames.push(now - last);
    last = now;
    const f = (now - start) / durationMs;
    if (f >= 1) break;
    app.setCursor(eventAtTime(data, data.tMin + f * (data.tMax - data.tMin)), { reveal: true });
  }
  const elapsed = (last - start) / 1000;
  const sorted = frames.slice(1).sort((a, b) => a - b);
  return {
    fps: frames.length / elapsed,
    panelUpdatesPerSecond: (app.statesShown - shownBefore) / elapsed,
    p95FrameMs: sorted[Math.floor(sorted.length * 0.95)] ?? 0,
  };
}

export function installTestHook(app: App, deps: HookDeps): void {
  const seekIndex = async (idx: number) => {
    app.playback.pause();
    app.setCursor(idx, { reveal: true });
    await app.shown(app.cursor);
    await frame();
  };
  const hook: ViewerHook = {
    ready: deps.ready,
    error: deps.error,
    info: () => {
      const d = app.data;
      return d === null
        ? null
        : {
            events: d.count,
            tMin: d.tMin,
            tMax: d.tMax,
            partial: d.partial,
            failures: d.failures.length,
            types: [...d.types],
            beats: [...d.beats],
          };
    },
    cursor: () => ({ idx: app.cursor, t: app.cursorTime(), seq: app.data?.seq[app.cursor] ?? -1 }),
    seek: (t) => seekIndex(app.data === null ? 0 : eventAtTime(app.data, t)),
    seekIndex,
    shownReplicas: () =>
      [...document.querySelectorAll<HTMLElement>("[data-replica]")].map((row) => {
        const d = row.dataset;
        return {
          node: Number(d.node),
          partition: d.partition ?? "",
          leader: Number(d.leader),
          leaderEpoch: Number(d.epoch),
          isr: d.isr === "" || d.isr === undefined ? [] : d.isr.split(",").map(Number),
          logEndOffset: Number(d.leo),
          highWatermark: Number(d.hw),
          offline: d.offline === "true",
        };
      }),
    shownGroups,
    stateAt: (t) => app.client.state(app.data === null ? -1 : eventAtTime(app.data, t)),
    scenario: () => ({
      next: app.playback.scenario?.next ?? -1,
      narration: app.narration.visible
        ? (document.getElementById("narration-text")?.textContent ?? "")
        : null,
      playing: app.playback.playing,
      active: app.playback.scenario !== null,
    }),
    window: () => app.window,
    lastDrawMs: () => app.timeline.lastDrawMs,
    firstRenderMs: () => app.firstDrawAt,
    scrub: (durationMs) => scrub(app, durationMs),
    frames: () => app.frames,
    openText: deps.openText,
  };
  (window as unknown as { __runnelViewer: ViewerHook }).__runnelViewer = hook;
}
