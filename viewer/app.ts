// The viewer's state and the one place it changes: the loaded index, the cursor (an event index),
// the visible window and the selection (playback lives in playback.ts). Every change marks what
// must be redrawn; drawing happens once per animation frame.
// Invariant: the panels show the cluster state of exactly the cursor event once its state arrives.

import { announce, drawClock } from "./clock-bar.ts";
import type { ClusterState } from "./cluster-state.ts";
import { formatLink, type LinkView, parseLink, type Selection } from "./deep-link.ts";
import { formatTime } from "./format.ts";
import type { IndexData } from "./index-data.ts";
import { nodeLines, partitionLines } from "./inspect-text.ts";
import {
  allNotables,
  eventAtTime,
  eventOfSeq,
  messageOfId,
  stepNode,
  stepNotable,
} from "./navigation.ts";
import { ClusterDiagram } from "./panels/cluster-diagram.ts";
import { EventList } from "./panels/event-list.ts";
import { GroupsPanel } from "./panels/groups-panel.ts";
import { Inspector } from "./panels/inspector.ts";
import { Narration } from "./panels/narration.ts";
import { Overview } from "./panels/overview.ts";
import { PartitionsTable } from "./panels/partitions-table.ts";
import { Timeline } from "./panels/timeline.ts";
import { Playback } from "./playback.ts";
import { clampWindow, follow, openingWindow, pan, type TimeWindow, zoom } from "./time-window.ts";
import type { WorkerClient } from "./worker-client.ts";

type Part = "base" | "overlay" | "overview" | "list" | "clock";

const $ = <T extends HTMLElement>(id: string) => document.getElementById(id) as T;

export class App {
  data: IndexData | null = null;
  cursor = -1;
  window: TimeWindow = { t0: 0, t1: 1 };
  selection: Selection | undefined;
  chartPartition: string | undefined;
  state: ClusterState | null = null;
  /** Which notable kinds Shift+arrows stop at (a bit per notableKinds entry). */
  notableMask = allNotables;
  readonly playback: Playback;
  /** Events the list shows (null: all). */
  listSource: Int32Array | null = null;
  readonly reducedMotion = matchMedia("(prefers-reduced-motion: reduce)").matches;
  readonly client: WorkerClient;
  readonly timeline: Timeline;
  readonly overview: Overview;
  readonly list: EventList;
  readonly inspector: Inspector;
  readonly narration: Narration;
  readonly #diagram: ClusterDiagram;
  readonly #partitions: PartitionsTable;
  readonly #groups: GroupsPanel;
  readonly #dirty = new Set<Part>();
  #frame = 0;
  #pendingLink: Partial<LinkView> | undefined;
  #hashTimer = 0;
  #listDrawnAt = 0;
  /** Resolvers waiting for the panels to show a given cursor (the test hook uses them). */
  #shownWaiters: { idx: number; resolve: () => void }[] = [];
  frames = 0;
  /** States shown in the panels so far, and when the first base draw with data happened. */
  statesShown = 0;
  firstDrawAt: number | null = null;

  constructor(client: WorkerClient) {
    const app = this;
    this.client = client;
    this.playback = new Playback(this);
    this.timeline = new Timeline(
      $("timeline"),
      $("timeline-overlay"),
      $("tooltip"),
      this.#timelineHost(),
    );
    this.overview = new Overview($("overview"), this.#timelineHost());
    this.list = new EventList($("event-list"), $("event-rows"), {
      get data() {
        return app.data;
      },
      get cursor() {
        return app.cursor;
      },
      get selectedEvent() {
        return app.selectedEventIdx();
      },
      summaries: (indices) => this.client.summaries(indices),
      clicked: (idx) => {
        this.select({ kind: "event", seq: this.data!.seq[idx]! });
        this.setCursor(idx);
      },
    });
    this.inspector = new Inspector($("inspector"), $("inspector-title"), (idx) => {
      this.setCursor(idx, { reveal: true });
      this.select({ kind: "event", seq: this.data!.seq[idx]! });
    });
    this.narration = new Narration(
      () => this.playback.continueScenario(),
      () => this.playback.exitScenario(),
    );
    this.#diagram = new ClusterDiagram($("cluster") as unknown as SVGSVGElement, (node) =>
      this.select({ kind: "node", id: node }),
    );
    this.#partitions = new PartitionsTable($("partitions"), (key) =>
      this.select({ kind: "partition", key }),
    );
    this.#groups = new GroupsPanel($("groups"));
    new ResizeObserver(() => this.invalidate("base", "overview", "list")).observe(
      $("timeline-wrap"),
    );
    window.addEventListener("hashchange", () => this.applyLink(parseLink(location.hash)));
  }

  #timelineHost() {
    const app = this;
    return {
      get data() {
        return app.data;
      },
      get window() {
        return app.window;
      },
      get cursorTime() {
        return app.cursorTime();
      },
      get chartPartition() {
        return app.chartPartition;
      },
      get selectedMessage() {
        return app.selectedMessageRow();
      },
      setWindow: (w: TimeWindow) => this.setWindow(w),
      scrubTo: (t: number) => this.setCursor(eventAtTime(this.data!, t), { reveal: true }),
      clicked: (t: number, target: { idx?: number; messageRow?: number }) => {
        const data = this.data!;
        if (target.messageRow !== undefined) {
          this.select({ kind: "message", id: data.messages.id[target.messageRow]! });
          this.setCursor(data.messages.sendIdx[target.messageRow]!, { reveal: true });
        } else if (target.idx !== undefined) {
          this.select({ kind: "event", seq: data.seq[target.idx]! });
          this.setCursor(target.idx, { reveal: true });
        } else this.setCursor(eventAtTime(data, t), { reveal: true });
      },
    };
  }

  // ---- loading ----

  reset(): void {
    this.playback.pause();
    this.data = null;
    this.cursor = -1;
    this.state = null;
    this.selection = undefined;
    this.listSource = null;
    this.list.reset();
    this.inspector.clear();
    this.narration.hide();
  }

  /** A (partial or full) index arrived from the worker. */
  setData(data: IndexData): void {
    const first = this.data === null;
    this.data = data;
    if (first) {
      const link = this.#pendingLink ?? parseLink(location.hash);
      this.window = clampWindow(openingWindow(data.t, data.count), data.tMin, data.tMax);
      this.chartPartition = data.partitions.find((p) =>
        data.replicaSeries.some((s) => s.key === p),
      );
      this.cursor = 0;
      this.#pendingLink = link;
    }
    this.chartPartition ??= data.partitions.find((p) =>
      data.replicaSeries.some((s) => s.key === p),
    );
    if (this.#pendingLink !== undefined && (!data.partial || first)) {
      this.applyLink(this.#pendingLink);
      if (!data.partial) this.#pendingLink = undefined;
    }
    this.setCursor(Math.min(Math.max(0, this.cursor), data.count - 1));
    this.invalidate("base", "overview", "list", "clock");
  }

  /** Cursor, selection, window and charted partition from a deep link. */
  applyLink(link: Partial<LinkView>): void {
    const data = this.data;
    if (data === null) {
      this.#pendingLink = link;
      return;
    }
    if (link.window !== undefined)
      this.window = clampWindow({ t0: link.window[0], t1: link.window[1] }, data.tMin, data.tMax);
    if (link.partition !== undefined) this.chartPartition = link.partition;
    if (link.sel !== undefined) this.select(link.sel);
    if (link.t !== undefined) {
      const exact = link.at === undefined ? -1 : eventOfSeq(data, link.at);
      this.setCursor(exact >= 0 ? exact : eventAtTime(data, link.t), {
        reveal: link.window === undefined,
      });
    }
    this.invalidate("base", "overview", "list");
  }

  linkView(): LinkView {
    const data = this.data;
    const t = this.cursorTime();
    let at: number | undefined;
    if (data !== null && this.cursor >= 0 && eventAtTime(data, t) !== this.cursor)
      at = data.seq[this.cursor];
    return {
      t,
      at,
      sel: this.selection,
      window: [this.window.t0, this.window.t1],
      partition: this.chartPartition,
    };
  }

  #scheduleHash(): void {
    clearTimeout(this.#hashTimer);
    this.#hashTimer = window.setTimeout(() => {
      if (this.data === null) return;
      history.replaceState(null, "", formatLink(this.linkView()));
    }, 250);
  }

  // ---- cursor, window, selection ----

  cursorTime(): number {
    const data = this.data;
    return data === null || this.cursor < 0 ? 0 : data.t[this.cursor]!;
  }

  setCursor(idx: number, options: { reveal?: boolean; keepPlayTime?: boolean } = {}): void {
    const data = this.data;
    if (data === null || data.count === 0) return;
    const clamped = Math.max(0, Math.min(data.count - 1, idx));
    const moved = clamped !== this.cursor;
    this.cursor = clamped;
    if (!options.keepPlayTime) this.playback.syncTime(data.t[clamped]!);
    if (options.reveal) {
      const followed = follow(
        this.window,
        data.t[clamped]!,
        !this.reducedMotion && this.playback.playing,
      );
      if (followed !== this.window) this.setWindow(followed);
    }
    if (moved || this.state === null || this.state.idx !== clamped) {
      void this.client.state(clamped).then((state) => this.#showState(state));
    }
    this.list.reveal(clamped);
    this.invalidate("overlay", "overview", "list", "clock");
    this.#scheduleHash();
  }

  #showState(state: ClusterState): void {
    this.state = state;
    this.statesShown++;
    const data = this.data;
    this.#diagram.update(state, data?.info.nodes ?? []);
    this.#partitions.update(state, this.chartPartition);
    this.#groups.update(state);
    const sel = this.selection;
    if (sel?.kind === "partition" || sel?.kind === "node") this.#inspect(sel);
    const note = $("cluster-note");
    const failure = state.failure;
    note.className = failure === null ? "muted" : "note";
    note.textContent =
      failure === null ? "" : `⚠ ${failure.kind} at ${formatTime(failure.t)}: ${failure.message}`;
    note.title = note.textContent;
    const done = this.#shownWaiters.filter((w) => w.idx === state.idx);
    this.#shownWaiters = this.#shownWaiters.filter((w) => w.idx !== state.idx);
    for (const w of done) w.resolve();
  }

  /** Resolves once the panels show the state of event `idx`. */
  shown(idx: number): Promise<void> {
    if (this.state?.idx === idx) return Promise.resolve();
    return new Promise((resolve) => this.#shownWaiters.push({ idx, resolve }));
  }

  setWindow(w: TimeWindow): void {
    const data = this.data;
    if (data === null) return;
    this.window = clampWindow(w, data.tMin, data.tMax);
    this.invalidate("base", "overview");
    this.#scheduleHash();
  }

  zoomBy(factor: number): void {
    this.setWindow(zoom(this.window, factor, this.cursorTime()));
  }

  panBy(fraction: number): void {
    this.setWindow(pan(this.window, fraction));
  }

  selectedEventIdx(): number {
    const sel = this.selection;
    if (this.data === null || sel?.kind !== "event") return -1;
    return eventOfSeq(this.data, sel.seq);
  }

  selectedMessageRow(): number {
    const sel = this.selection;
    if (this.data === null || sel?.kind !== "message") return -1;
    return messageOfId(this.data, sel.id);
  }

  select(sel: Selection | undefined): void {
    this.selection = sel;
    const data = this.data;
    this.invalidate("base", "list");
    this.#scheduleHash();
    if (sel === undefined || data === null) {
      this.inspector.clear();
      return;
    }
    if (sel.kind === "partition" && sel.key !== this.chartPartition) {
      this.chartPartition = sel.key;
      this.#partitions.update(this.state, sel.key);
    }
    this.#inspect(sel);
  }

  #inspect(sel: Selection): void {
    const data = this.data!;
    switch (sel.kind) {
      case "partition":
        this.inspector.showText(`partition ${sel.key}`, partitionLines(this.state, sel.key));
        return;
      case "node":
        this.inspector.showText(`node ${sel.id}`, nodeLines(this.state, sel.id));
        return;
      case "event":
      case "message": {
        const row = sel.kind === "message" ? messageOfId(data, sel.id) : -1;
        const idx =
          sel.kind === "event"
            ? eventOfSeq(data, sel.seq)
            : row >= 0
              ? data.messages.sendIdx[row]!
              : -1;
        if (idx < 0) {
          this.inspector.clear("The selected event is not in this trace.");
          return;
        }
        void this.client.event(idx).then((detail) => {
          const msg = data.msg[idx]!;
          const sendIdx = msg >= 0 ? data.messages.sendIdx[msg]! : -1;
          const endIdx = msg >= 0 ? data.messages.endIdx[msg]! : -1;
          this.inspector.show(detail, sendIdx, endIdx);
        });
      }
    }
  }

  // ---- stepping and playback ----

  step(dir: 1 | -1): void {
    this.playback.pause();
    this.setCursor(this.cursor + dir, { reveal: true });
    announce(this);
  }

  stepNotable(dir: 1 | -1): void {
    const data = this.data;
    if (data === null) return;
    this.playback.pause();
    const next = stepNotable(data, this.cursor, dir, this.notableMask);
    if (next >= 0) this.setCursor(next, { reveal: true });
    announce(this);
  }

  stepNode(dir: 1 | -1): void {
    const sel = this.selection;
    const data = this.data;
    if (data === null) return;
    const node = sel?.kind === "node" ? sel.id : this.cursor >= 0 ? data.node[this.cursor]! : -1;
    const next = stepNode(data, this.cursor, node, dir);
    if (next >= 0) this.setCursor(next, { reveal: true });
  }

  jumpToFailure(): void {
    const data = this.data;
    const idx = data?.failures[0];
    if (data === null || idx === undefined) return;
    this.playback.pause();
    this.setCursor(idx, { reveal: true });
    this.select({ kind: "event", seq: data.seq[idx]! });
  }

  // ---- drawing ----

  invalidate(...parts: Part[]): void {
    for (const p of parts) this.#dirty.add(p);
    if (this.#frame === 0) this.#frame = requestAnimationFrame(() => this.#draw());
  }

  #draw(): void {
    this.#frame = 0;
    const dirty = new Set(this.#dirty);
    this.#dirty.clear();
    this.frames++;
    if (dirty.has("base")) {
      this.timeline.drawBase();
      if (this.firstDrawAt === null && this.data !== null) this.firstDrawAt = performance.now();
    } else if (dirty.has("overlay")) this.timeline.drawOverlay();
    if (dirty.has("overview")) this.overview.draw();
    if (dirty.has("list")) {
      // The list follows at most every 80 ms: while the cursor flies (scrubbing, fast playback)
      // rebuilding its rows every frame would cost more than the frame.
      const now = performance.now();
      if (now - this.#listDrawnAt >= 80) {
        this.#listDrawnAt = now;
        this.list.render();
      } else this.invalidate("list");
    }
    if (dirty.has("clock")) drawClock(this);
  }
}
