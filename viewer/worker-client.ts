// The page's side of the worker: requests with promises, and state requests coalesced so scrubbing
// never queues up stale work (only the newest wanted cursor is asked for once the last answer is in).
// Invariant: every promise settles; a reload (new trace) rejects nothing but drops stale answers.

import type { ClusterState } from "./cluster-state.ts";
import type { IndexData } from "./index-data.ts";
import type { EventDetail, SearchQuery, WorkerReply, WorkerRequest } from "./protocol.ts";

export interface WorkerEvents {
  onIndex(data: IndexData): void;
  onProgress(bytes: number, events: number, total: number): void;
  onError(message: string, fatal: boolean): void;
}

type Pending = (reply: WorkerReply) => void;

export class WorkerClient {
  readonly #worker: Worker;
  readonly #pending = new Map<number, Pending>();
  #nextId = 1;
  #stateInFlight = false;
  #stateWanted: { idx: number; resolve: (s: ClusterState) => void }[] = [];

  constructor(url: string, events: WorkerEvents) {
    this.#worker = new Worker(url);
    this.#worker.onmessage = (e: MessageEvent<WorkerReply>) => {
      const reply = e.data;
      switch (reply.type) {
        case "index":
          return events.onIndex(reply.data);
        case "progress":
          return events.onProgress(reply.bytes, reply.events, reply.total);
        case "error":
          return events.onError(reply.message, reply.fatal);
        default: {
          const pending = this.#pending.get(reply.id);
          this.#pending.delete(reply.id);
          pending?.(reply);
        }
      }
    };
    this.#worker.onerror = (e) => events.onError(`The trace worker failed: ${e.message}`, true);
  }

  open(request: Extract<WorkerRequest, { type: "open-url" | "open-file" | "open-text" }>): void {
    this.#stateWanted = [];
    this.#worker.postMessage(request);
  }

  #ask<T extends WorkerReply["type"]>(
    request: WorkerRequest & { id: number },
  ): Promise<Extract<WorkerReply, { type: T }>> {
    return new Promise((resolve) => {
      this.#pending.set(request.id, (reply) => resolve(reply as Extract<WorkerReply, { type: T }>));
      this.#worker.postMessage(request);
    });
  }

  /** The state after event `idx`; while one is computing, only the latest request waits. */
  state(idx: number): Promise<ClusterState> {
    return new Promise((resolve) => {
      this.#stateWanted.push({ idx, resolve });
      this.#pumpState();
    });
  }

  #pumpState(): void {
    if (this.#stateInFlight || this.#stateWanted.length === 0) return;
    const wanted = this.#stateWanted;
    this.#stateWanted = [];
    const last = wanted[wanted.length - 1]!;
    this.#stateInFlight = true;
    void this.#ask<"state">({ type: "state", id: this.#nextId++, idx: last.idx }).then((reply) => {
      this.#stateInFlight = false;
      for (const w of wanted) if (w.idx === last.idx) w.resolve(reply.state);
      // Superseded requests get the newer state too: callers only ever draw the latest.
      for (const w of wanted) if (w.idx !== last.idx) w.resolve(reply.state);
      this.#pumpState();
    });
  }

  async event(idx: number): Promise<EventDetail> {
    return (await this.#ask<"event">({ type: "event", id: this.#nextId++, idx })).detail;
  }

  async summaries(indices: readonly number[]): Promise<readonly string[]> {
    return (await this.#ask<"summaries">({ type: "summaries", id: this.#nextId++, indices }))
      .summaries;
  }

  async search(query: SearchQuery): Promise<Int32Array> {
    return (await this.#ask<"search">({ type: "search", id: this.#nextId++, query })).matches;
  }

  async exportChrome(): Promise<Blob> {
    return (await this.#ask<"export-chrome">({ type: "export-chrome", id: this.#nextId++ })).blob;
  }
}
