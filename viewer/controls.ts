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

/** Returns false to let the key through; anything else (nothing) means it was handled. */
type KeyAction = (
  app: App,
  actions: ControlActions,
  help: HTMLDialogElement,
  shift: boolean,
) => unknown;

/** Every key of the help sheet; an action returning false lets the key through. */
const keys: Readonly<Record<string, KeyAction>> = {
  " ": (app) => app.playback.togglePlay(),
  ArrowLeft: (app, _a, _h, shift) => (shift ? app.stepNotable(-1) : app.step(-1)),
  ArrowRight: (app, _a, _h, shift) => (shift ? app.stepNotable(1) : app.step(1)),
  "[": (app) => app.playback.setSpeed(app.playback.speedIndex - 1),
  "]": (app) => app.playback.setSpeed(app.playback.speedIndex + 1),
  w: (app) => app.zoomBy(0.5),
  s: (app) => app.zoomBy(2),
  a: (app) => app.panBy(-0.25),
  d: (app) => app.panBy(0.25),
  Home: (app) => app.setCursor(0, { reveal: true }),
  End: (app) => app.setCursor(Number.MAX_SAFE_INTEGER, { reveal: true }),
  f: (app) => app.jumpToFailure(),
  "/": () => $("search").focus(),
  n: (_app, actions) => actions.nextMatch(1),
  N: (_app, actions) => actions.nextMatch(-1),
  ",": (app) => app.stepNode(-1),
  ".": (app) => app.stepNode(1),
  p: (_app, actions) => actions.nextPartition(),
  l: (_app, actions) => actions.copyLink(),
  Enter: (app) => {
    if (app.playback.scenario === null && !app.narration.visible) return false;
    app.playback.continueScenario();
    return true;
  },
  Escape: (app, _a, help) => {
    if (help.open) help.close();
    else if (app.narration.visible && app.playback.scenario === null) app.narration.hide();
    else app.select(undefined);
    return true;
  },
  "?": (_app, _a, help) => {
    if (help.open) help.close();
    else help.showModal();
    return true;
  },
};

function handle(
  e: KeyboardEvent,
  app: App,
  actions: ControlActions,
  help: HTMLDialogElement,
): boolean {
  // Letters work in either case (Caps Lock), except N, whose capital steps backwards.
  const action = keys[e.key] ?? (e.key === "N" ? undefined : keys[e.key.toLowerCase()]);
  if (action === undefined) return false;
  return action(app, actions, help, e.shiftKey) !== false;
}
