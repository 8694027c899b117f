// The trace worker: streams the file (URL, File or text), indexes it, and answers the page's
// questions (state at an event, event details, list summaries, search, Chrome export) from the text
// and keyframes it keeps. Invariant: the page never waits for the whole file before drawing: a
// partial index goes out after the first slice of events, the full one when the stream ends.

import { ChromeWriter } from "./chrome-export.ts";
import { transferables } from "./index-data.ts";
import type { TraceIndexer } from "./indexer.ts";
import type { SearchQuery, WorkerReply, WorkerRequest } from "./protocol.ts";
import type { AnyRecord } from "./records.ts";
import { scenarioBeats } from "./scenarios/beats.ts";
import { summarize } from "./summary.ts";
import { TraceLoader } from "./trace-loader.ts";

interface WorkerScope {
  postMessage(message: WorkerReply, transfer?: Transferable[]): void;
  onmessage: ((event: MessageEvent<WorkerRequest>) => void) | null;
}

const scope = self as unknown as WorkerScope;
/** The first partial index goes out after this many events or this long, whichever comes first. */
const firstSliceEvents = 20_000;
const firstSliceMs = 300;
const progressEveryMs = 250;

let loader = new TraceLoader();
let generation = 0;

function post(reply: WorkerReply, transfer: Transferable[] = []): void {
  scope.postMessage(reply, transfer);
}

function sendIndex(partial: boolean): void {
  const indexer = loader.indexer;
  if (indexer === undefined) return;
  const data = indexer.snapshot(partial);
  post({ type: "index", data }, transferables(data));
}

async function load(
  stream: ReadableStream<Uint8Array>,
  total: number,
  scenario?: string,
): Promise<void> {
  const mine = ++generation;
  loader = new TraceLoader(256, scenario === undefined ? [] : (scenarioBeats[scenario] ?? []));
  const reader = stream.getReader();
  const decoder = new TextDecoder();
  const started = performance.now();
  let lastProgress = started;
  let sentPartial = false;
  let bytes = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (mine !== generation) return;
    if (done) break;
    bytes += value.byteLength;
    const status = loader.push(decoder.decode(value, { stream: true }), value.byteLength);
    if (status.kind === "error") return finishWithError(status.message, status.fatal);
    const now = performance.now();
    const events = loader.indexer?.count ?? 0;
    if (
      !sentPartial &&
      (events >= firstSliceEvents || now - started > firstSliceMs) &&
      events > 0
    ) {
      sentPartial = true;
      sendIndex(true);
    }
    if (now - lastProgress > progressEveryMs) {
      lastProgress = now;
      post({ type: "progress", bytes, events, total });
    }
  }
  const tail = loader.push(decoder.decode(), 0);
  const status = tail.kind === "error" ? tail : loader.finish();
  if (status.kind === "error") return finishWithError(status.message, status.fatal);
  post({ type: "progress", bytes, events: loader.indexer?.count ?? 0, total });
  sendIndex(false);
}

function finishWithError(message: string, fatal: boolean): void {
  post({ type: "error", message, fatal });
  if (!fatal) sendIndex(false);
}

function record(indexer: TraceIndexer, idx: number): AnyRecord {
  return JSON.parse(indexer.lines.line(idx)) as AnyRecord;
}

function search(indexer: TraceIndexer, query: SearchQuery): Int32Array {
  const nodes = new Set(query.nodes);
  const types = new Set(query.types);
  const parts = new Set(query.partitions.map((p) => indexer.partitions.indexOf(p)));
  const text = query.text.trim();
  const pattern =
    text === "" ? undefined : new RegExp(text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&"), "i");
  const out: number[] = [];
  for (let i = 0; i < indexer.count; i++) {
    if (nodes.size > 0 && !nodes.has(indexer.nodeOf(i))) continue;
    if (types.size > 0 && !types.has(indexer.typeOf(i))) continue;
    if (parts.size > 0 && !parts.has(indexer.partOf(i))) continue;
    if (pattern !== undefined && !pattern.test(indexer.lines.line(i))) continue;
    out.push(i);
  }
  return Int32Array.from(out);
}

function answer(request: WorkerRequest, indexer: TraceIndexer): void {
  switch (request.type) {
    case "state":
      post({ type: "state", id: request.id, state: indexer.stateAt(request.idx) });
      return;
    case "event": {
      const message = indexer.messageOf(request.idx);
      const at = (i: number | undefined) => (i === undefined || i < 0 ? null : record(indexer, i));
      const detail = {
        idx: request.idx,
        record: record(indexer, request.idx),
        send: at(message?.sendIdx),
        end: at(message?.endIdx),
      };
      post({ type: "event", id: request.id, detail });
      return;
    }
    case "summaries":
      post({
        type: "summaries",
        id: request.id,
        summaries: request.indices.map((i) =>
          i >= 0 && i < indexer.count ? summarize(record(indexer, i)) : "",
        ),
      });
      return;
    case "search": {
      const matches = search(indexer, request.query);
      post({ type: "search", id: request.id, matches }, [matches.buffer]);
      return;
    }
    case "export-chrome": {
      const writer = new ChromeWriter(indexer.info);
      for (let i = 0; i < indexer.count; i++) writer.add(record(indexer, i));
      post({ type: "export-chrome", id: request.id, blob: writer.finish() });
      return;
    }
    default:
      return;
  }
}

scope.onmessage = (event) => {
  const request = event.data;
  switch (request.type) {
    case "open-url":
      void fetch(request.url).then(
        (response) => {
          if (!response.ok || response.body === null) {
            post({
              type: "error",
              message: `Could not load ${request.url}: HTTP ${response.status}`,
              fatal: true,
            });
            return;
          }
          return load(
            response.body,
            Number(response.headers.get("content-length") ?? 0),
            request.scenario,
          );
        },
        (error: unknown) =>
          post({
            type: "error",
            message: `Could not load ${request.url}: ${String(error)}`,
            fatal: true,
          }),
      );
      return;
    case "open-file":
      void load(request.file.stream(), request.file.size, request.scenario);
      return;
    case "open-text": {
      const blob = new Blob([request.text]);
      void load(blob.stream(), blob.size, request.scenario);
      return;
    }
    default: {
      const indexer = loader.indexer;
      if (indexer !== undefined) answer(request, indexer);
    }
  }
};
