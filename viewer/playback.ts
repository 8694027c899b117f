// Playback: simulated time advancing at a speed on a log scale, and scenarios, whose beats pause
// playback at their event with a narration until the reader continues.
// Invariant: playback never passes an unshown beat; the cursor only moves forward while playing.

import type { App } from "./app.ts";
import { eventAtTime } from "./navigation.ts";
import { clampSpeedIndex, defaultSpeedIndex, speeds } from "./speed.ts";

export interface ScenarioRun {
  readonly id: string;
  readonly title: string;
  /** Index of the beat playback stops at next. */
  next: number;
}

export class Playback {
  readonly #app: App;
  playing = false;
  speedIndex = defaultSpeedIndex;
  scenario: ScenarioRun | null = null;
  #playTime = 0;
  #lastTick = 0;

  constructor(app: App) {
    this.#app = app;
  }

  /** The cursor moved by other means: playing resumes from there. */
  syncTime(t: number): void {
    this.#playTime = t;
  }

  setSpeed(index: number): void {
    this.speedIndex = clampSpeedIndex(index);
    this.#app.invalidate("clock");
  }

  togglePlay(): void {
    if (this.playing) this.pause();
    else this.play();
  }

  play(): void {
    const data = this.#app.data;
    if (data === null || this.playing) return;
    if (this.#app.cursor >= data.count - 1) this.#app.setCursor(0);
    this.#app.narration.hide();
    this.playing = true;
    this.#playTime = this.#app.cursorTime();
    this.#lastTick = performance.now();
    this.#app.invalidate("clock");
    requestAnimationFrame((now) => this.#tick(now));
  }

  pause(): void {
    if (!this.playing) return;
    this.playing = false;
    this.#app.invalidate("clock");
  }

  #tick(now: number): void {
    const data = this.#app.data;
    if (!this.playing || data === null) return;
    const dt = Math.min(100, now - this.#lastTick);
    this.#lastTick = now;
    this.#playTime += dt * speeds[this.speedIndex]!;
    let target = eventAtTime(data, this.#playTime);
    const beat = this.scenario === null ? undefined : data.beats[this.scenario.next];
    if (beat !== undefined && beat.idx >= 0 && target >= beat.idx) {
      target = beat.idx;
      this.playing = false;
      this.#app.setCursor(target, { reveal: true });
      this.#showBeat();
      this.#app.invalidate("clock");
      return;
    }
    if (target !== this.#app.cursor)
      this.#app.setCursor(target, { reveal: true, keepPlayTime: true });
    if (target >= data.count - 1) {
      this.playing = false;
      this.#app.invalidate("clock");
      return;
    }
    requestAnimationFrame((t) => this.#tick(t));
  }

  startScenario(id: string, title: string): void {
    this.scenario = { id, title, next: 0 };
  }

  #showBeat(): void {
    const data = this.#app.data;
    const run = this.scenario;
    if (data === null || run === null) return;
    const beat = data.beats[run.next];
    if (beat === undefined) return;
    this.#app.narration.show(
      run.title,
      run.next,
      data.beats.length,
      beat.text,
      run.next === data.beats.length - 1,
    );
  }

  continueScenario(): void {
    const run = this.scenario;
    const data = this.#app.data;
    if (run === null || data === null) return;
    if (this.#app.narration.visible) run.next++;
    this.#app.narration.hide();
    if (run.next >= data.beats.length) {
      this.#app.narration.show(
        run.title,
        data.beats.length - 1,
        data.beats.length,
        "The end of this scenario. Scrub, step or pick another one.",
        true,
      );
      this.scenario = null;
      return;
    }
    this.play();
  }

  exitScenario(): void {
    this.scenario = null;
    this.#app.narration.hide();
    this.pause();
  }
}
