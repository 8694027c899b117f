// The toolbar's read-outs (time, position, play button, speed, window, density note) and the
// screen-reader announcement of the event the cursor reached by stepping.

import type { App } from "./app.ts";
import { formatCount, formatTime } from "./format.ts";
import { speedLabel, speeds } from "./speed.ts";

const $ = <T extends HTMLElement>(id: string) => document.getElementById(id) as T;

export function drawClock(app: App): void {
  const data = app.data;
  $("time").textContent = `t = ${formatTime(app.cursorTime())}`;
  $("position").textContent =
    data === null
      ? "no trace"
      : `event ${formatCount(app.cursor + 1)} / ${formatCount(data.count)}${data.partial ? "…" : ""}`;
  const play = $("play");
  const playing = app.playback.playing;
  play.textContent = playing ? "❚❚ Pause" : "▶ Play";
  play.setAttribute("aria-label", playing ? "Pause" : "Play");
  ($("speed") as HTMLInputElement).value = String(app.playback.speedIndex);
  $("speed-value").textContent = speedLabel(speeds[app.playback.speedIndex]!);
  const w = app.window;
  const messages = app.timeline.messages;
  $("window-label").textContent = `${formatTime(w.t0)} – ${formatTime(w.t1)}`;
  const note = $("density-note");
  note.hidden = !messages.density;
  note.textContent = `${formatCount(messages.visible)} messages in view: showing send density — zoom in (W) for arrows`;
}

/** Tells screen readers which event the cursor reached (stepping, not playback or scrubbing). */
export function announce(app: App): void {
  const data = app.data;
  if (data === null || app.cursor < 0) return;
  const node = data.node[app.cursor]!;
  const type = data.types[data.type[app.cursor]!];
  $("announce").textContent =
    `event ${app.cursor + 1}: ${type} ${node < 0 ? "in the world" : `on node ${node}`} at ${formatTime(data.t[app.cursor]!)}`;
}
