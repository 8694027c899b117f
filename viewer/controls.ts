// Toolbar buttons and the keyboard: everything the mouse can do has a key (see the help dialog).
// Keys are ignored while typing in a field, except Escape (leave the field) and Enter in search.

import type { App } from "./app.ts";

const $ = <T extends HTMLElement>(id: string) => document.getElementById(id) as T;

function typing(target: EventTarget | null): boolean {
  const el = target as HTMLElement | null;
  if (el === null) return false;
  return (
    el.tagName === "INPUT" ||
    el.tagName === "SELECT" ||
    el.tagName === "TEXTAREA" ||
    el.isContentEditable
  );
}

export interface ControlActions {
  openFile(): void;
  copyLink(): void;
  exportChrome(): void;
  nextMatch(dir: 1 | -1): void;
  nextPartition(): void;
}

export function wireControls(app: App, actions: ControlActions): void {
  $("open").addEventListener("click", () => actions.openFile());
  $("empty-open").addEventListener("click", () => actions.openFile());
  $("play").addEventListener("click", () => app.playback.togglePlay());
  $("prev-event").addEventListener("click", () => app.step(-1));
  $("next-event").addEventListener("click", () => app.step(1));
  $("prev-notable").addEventListener("click", () => app.stepNotable(-1));
  $("next-notable").addEventListener("click", () => app.stepNotable(1));
  $("failure").addEventListener("click", () => app.jumpToFailure());
  $("chrome").addEventListener("click", () => actions.exportChrome());
  $("link").addEventListener("click", () => actions.copyLink());
  const help = $<HTMLDialogElement>("help");
  $("help-button").addEventListener("click", () => help.showModal());
  $<HTMLInputElement>("speed").addEventListener("input", (e) =>
    app.playback.setSpeed(Number((e.target as HTMLInputElement).value)),
  );
  document.addEventListener("keydown", (e) => onKey(e, app, actions, help));
}

function onKey(e: KeyboardEvent, app: App, actions: ControlActions, help: HTMLDialogElement): void {
  if (e.ctrlKey || e.metaKey || e.altKey) return;
  if (typing(e.target)) {
    if (e.key === "Escape") (e.target as HTMLElement).blur();
    return;
  }
  if (help.open && e.key !== "Escape" && e.key !== "?") return;
  const handled = handle(e, app, actions, help);
  if (handled) e.preventDefault();
}

function handle(
  e: KeyboardEvent,
  app: App,
  actions: ControlActions,
  help: HTMLDialogElement,
): boolean {
  const dir = (e.key === "ArrowLeft" ? -1 : 1) as 1 | -1;
  switch (e.key) {
    case " ":
      app.playback.togglePlay();
      return true;
    case "ArrowLeft":
    case "ArrowRight":
      if (e.shiftKey) app.stepNotable(dir);
      else app.step(dir);
      return true;
    case "[":
      app.playback.setSpeed(app.playback.speedIndex - 1);
      return true;
    case "]":
      app.playback.setSpeed(app.playback.speedIndex + 1);
      return true;
    case "w":
    case "W":
      app.zoomBy(0.5);
      return true;
    case "s":
    case "S":
      app.zoomBy(2);
      return true;
    case "a":
    case "A":
      app.panBy(-0.25);
      return true;
    case "d":
    case "D":
      app.panBy(0.25);
      return true;
    case "Home":
      app.setCursor(0, { reveal: true });
      return true;
    case "End":
      app.setCursor(Number.MAX_SAFE_INTEGER, { reveal: true });
      return true;
    case "f":
    case "F":
      app.jumpToFailure();
      return true;
    case "/":
      $("search").focus();
      return true;
    case "n":
      actions.nextMatch(1);
      return true;
    case "N":
      actions.nextMatch(-1);
      return true;
    case ",":
      app.stepNode(-1);
      return true;
    case ".":
      app.stepNode(1);
      return true;
    case "p":
    case "P":
      actions.nextPartition();
      return true;
    case "l":
    case "L":
      actions.copyLink();
      return true;
    case "Enter":
      if (app.playback.scenario === null && !app.narration.visible) return false;
      app.playback.continueScenario();
      return true;
    case "Escape":
      if (help.open) help.close();
      else if (app.narration.visible && app.playback.scenario === null) app.narration.hide();
      else app.select(undefined);
      return true;
    case "?":
      if (help.open) help.close();
      else help.showModal();
      return true;
    default:
      return false;
  }
}
