// Boots the viewer: finds the trace (?trace=, ?scenario=, file picker, drag-and-drop), starts the
// worker, wires panels and controls, and installs the read-only test hook (window.__runnelViewer).
// A trace that cannot be read always ends in a message on the page, never a blank page.

import { App } from "./app.ts";
import { wireControls } from "./controls.ts";
import { Filters } from "./filters.ts";
import { formatBytes, formatCount } from "./format.ts";
import type { IndexData } from "./index-data.ts";
import { installTestHook } from "./test-hook.ts";
import { WorkerClient } from "./worker-client.ts";

const $ = <T extends HTMLElement>(id: string) => document.getElementById(id) as T;

interface ScenarioEntry {
  readonly id: string;
  readonly title: string;
  readonly seed: string;
  readonly trace: string | null;
  readonly waitingFor: readonly string[];
}

let fullyLoaded = false;
let loadError: string | null = null;
const readyWaiters: (() => void)[] = [];

function banner(text: string | null, kind: "error" | "info" = "error"): void {
  const el = $("banner");
  el.hidden = text === null;
  el.className = kind === "info" ? "info" : "";
  el.textContent = text ?? "";
}

const client = new WorkerClient("worker.js", {
  onIndex: (data: IndexData) => {
    $("empty").hidden = true;
    app.setData(data);
    filters.populate();
    ($("failure") as HTMLButtonElement).disabled = data.failures.length === 0;
    ($("chrome") as HTMLButtonElement).disabled = data.partial;
    document.title = `Runnel · seed ${data.info.seed}`;
    if (!data.partial) {
      $("progress").hidden = true;
      fullyLoaded = true;
      for (const w of readyWaiters.splice(0)) w();
      if (app.playback.scenario !== null) {
        const missing = data.beats.filter((b) => b.idx < 0).length;
        if (missing > 0)
          banner(
            `This trace never reaches ${missing} of the scenario's ${data.beats.length} beats; playback stops at the last one it reaches.`,
            "info",
          );
        app.playback.play();
      }
    }
  },
  onProgress: (bytes, events, total) => {
    $("progress").hidden = false;
    $("progress-bar").style.width = total > 0 ? `${Math.min(100, (bytes / total) * 100)}%` : "100%";
    $("progress-text").textContent =
      `loading: ${formatBytes(bytes)}${total > 0 ? ` of ${formatBytes(total)}` : ""}, ${formatCount(events)} events`;
  },
  onError: (message, fatal) => {
    loadError = message;
    $("progress").hidden = true;
    if (fatal && app.data === null) {
      $("empty").hidden = false;
      $("empty").querySelector("h2")!.textContent = "This trace could not be opened";
      $("empty-error").hidden = false;
      $("empty-error").textContent = message;
      banner(message);
    } else banner(`${message}\nShowing the events before it.`);
    fullyLoaded = true;
    for (const w of readyWaiters.splice(0)) w();
  },
});

const app = new App(client);
const filters = new Filters(app);

function open(request: Parameters<WorkerClient["open"]>[0]): void {
  app.reset();
  $("empty-error").hidden = true;
  fullyLoaded = false;
  loadError = null;
  banner(null);
  $("progress").hidden = false;
  $("progress-bar").style.width = "0";
  $("progress-text").textContent = "loading…";
  client.open(request);
}

function openFile(file: File): void {
  app.playback.exitScenario();
  history.replaceState(null, "", location.pathname);
  open({ type: "open-file", file });
}

wireControls(app, {
  openFile: () => $("file").click(),
  copyLink: () => {
    const url = location.href;
    const clipboard = navigator.clipboard as Clipboard | undefined;
    if (clipboard === undefined) {
      banner(`Link: ${url}`, "info");
      return;
    }
    void clipboard.writeText(url).then(
      () => banner(`Link copied: ${url}`, "info"),
      () => banner(`Link: ${url}`, "info"),
    );
  },
  exportChrome: () => {
    void client.exportChrome().then((blob) => {
      const a = document.createElement("a");
      a.href = URL.createObjectURL(blob);
      a.download = `runnel-${app.data?.info.seed ?? "trace"}.chrome.json`;
      a.click();
      setTimeout(() => URL.revokeObjectURL(a.href), 10_000);
    });
  },
  nextMatch: (dir) => filters.next(dir),
  nextPartition: () => {
    const parts = app.data?.partitions ?? [];
    if (parts.length === 0) return;
    const next = parts[(parts.indexOf(app.chartPartition ?? "") + 1) % parts.length]!;
    app.select({ kind: "partition", key: next });
  },
});

$<HTMLInputElement>("file").addEventListener("change", (e) => {
  const file = (e.target as HTMLInputElement).files?.[0];
  if (file !== undefined) openFile(file);
});

let dragDepth = 0;
document.addEventListener("dragenter", (e) => {
  e.preventDefault();
  dragDepth++;
  $("drop-overlay").hidden = false;
});
document.addEventListener("dragleave", () => {
  dragDepth = Math.max(0, dragDepth - 1);
  if (dragDepth === 0) $("drop-overlay").hidden = true;
});
document.addEventListener("dragover", (e) => e.preventDefault());
document.addEventListener("drop", (e) => {
  e.preventDefault();
  dragDepth = 0;
  $("drop-overlay").hidden = true;
  const file = e.dataTransfer?.files[0];
  if (file !== undefined) openFile(file);
});

async function scenarios(): Promise<ScenarioEntry[]> {
  try {
    const response = await fetch("scenarios/index.json");
    return response.ok ? ((await response.json()) as ScenarioEntry[]) : [];
  } catch (error) {
    console.warn("no scenario index", error);
    return [];
  }
}

function fillScenarioPicker(list: readonly ScenarioEntry[]): void {
  const select = $<HTMLSelectElement>("scenario");
  for (const s of list) {
    const option = new Option(
      s.trace === null ? `${s.title} (waiting for the simulator)` : s.title,
      s.id,
    );
    option.disabled = s.trace === null;
    if (s.trace === null) option.title = `Waiting for: ${s.waitingFor.join(", ")}`;
    select.append(option);
  }
  const pick = (entry: ScenarioEntry) => {
    if (entry.trace === null) return;
    history.replaceState(null, "", `?scenario=${encodeURIComponent(entry.id)}`);
    startScenario(entry, `scenarios/${entry.trace}`);
  };
  select.addEventListener("change", () => {
    const entry = list.find((s) => s.id === select.value);
    select.value = "";
    if (entry !== undefined) pick(entry);
  });
  // The empty page offers the same scenarios as buttons.
  const box = $("empty-scenarios");
  box.replaceChildren();
  if (list.length === 0) return;
  const title = document.createElement("p");
  title.textContent = "Or watch a teaching scenario, generated by the simulator from its seed:";
  const ul = document.createElement("ul");
  for (const entry of list) {
    const li = document.createElement("li");
    const button = document.createElement("button");
    button.type = "button";
    button.textContent = entry.title;
    button.disabled = entry.trace === null;
    button.addEventListener("click", () => pick(entry));
    li.append(button);
    if (entry.trace === null) li.append(` — waiting for ${entry.waitingFor.join(", ")}`);
    ul.append(li);
  }
  box.append(title, ul);
}

function startScenario(entry: { id: string; title: string }, url: string): void {
  open({ type: "open-url", url, scenario: entry.id });
  app.playback.startScenario(entry.id, entry.title);
}

async function boot(): Promise<void> {
  const params = new URLSearchParams(location.search);
  const speed = Number(params.get("speed"));
  if (params.has("speed") && Number.isFinite(speed)) app.playback.setSpeed(speed);
  const trace = params.get("trace");
  const scenarioId = params.get("scenario");
  const list = await scenarios();
  fillScenarioPicker(list);
  const entry = list.find((s) => s.id === scenarioId);
  if (scenarioId !== null && trace !== null)
    startScenario({ id: scenarioId, title: entry?.title ?? scenarioId }, trace);
  else if (entry?.trace !== null && entry !== undefined)
    startScenario(entry, `scenarios/${entry.trace}`);
  else if (trace !== null) open({ type: "open-url", url: trace });
  else $("empty").hidden = false;
  if (scenarioId !== null && entry?.trace === null && trace === null) {
    banner(
      `Scenario "${scenarioId}" is waiting for the simulator: ${entry.waitingFor.join(", ")}.`,
      "info",
    );
  }
}

installTestHook(app, {
  ready: () =>
    fullyLoaded ? Promise.resolve() : new Promise((resolve) => readyWaiters.push(resolve)),
  error: () => loadError,
  openText: (text, scenario) => {
    if (scenario !== undefined) app.playback.startScenario(scenario, scenario);
    open({ type: "open-text", text, ...(scenario === undefined ? {} : { scenario }) });
  },
});

void boot();
