// Messages between the page and the trace worker. The worker owns the trace text and the keyframes;
// the page owns drawing. Invariant: every request carries an id and gets exactly one reply with it.

import type { ClusterState } from "./cluster-state.ts";
import type { IndexData } from "./index-data.ts";

export interface SearchQuery {
  /** Case-insensitive text matched against the whole event line ("" matches every line). */
  readonly text: string;
  readonly nodes: readonly number[];
  readonly types: readonly string[];
  /** Partition keys ("topic-partition"). */
  readonly partitions: readonly string[];
}

export type WorkerRequest =
  | { readonly type: "open-url"; readonly url: string; readonly scenario?: string }
  | { readonly type: "open-file"; readonly file: Blob; readonly scenario?: string }
  | { readonly type: "open-text"; readonly text: string; readonly scenario?: string }
  | { readonly type: "state"; readonly id: number; readonly idx: number }
  | { readonly type: "event"; readonly id: number; readonly idx: number }
  | { readonly type: "summaries"; readonly id: number; readonly indices: readonly number[] }
  | { readonly type: "search"; readonly id: number; readonly query: SearchQuery }
  | { readonly type: "export-chrome"; readonly id: number };

export interface EventDetail {
  readonly idx: number;
  readonly record: Readonly<Record<string, unknown>>;
  /** For net-* events: the message's send and end records. */
  readonly send: Readonly<Record<string, unknown>> | null;
  readonly end: Readonly<Record<string, unknown>> | null;
}

export type WorkerReply =
  | {
      readonly type: "progress";
      readonly bytes: number;
      readonly events: number;
      readonly total: number;
    }
  | { readonly type: "index"; readonly data: IndexData }
  | { readonly type: "error"; readonly message: string; readonly fatal: boolean }
  | { readonly type: "state"; readonly id: number; readonly state: ClusterState }
  | { readonly type: "event"; readonly id: number; readonly detail: EventDetail }
  | { readonly type: "summaries"; readonly id: number; readonly summaries: readonly string[] }
  | { readonly type: "search"; readonly id: number; readonly matches: Int32Array }
  | { readonly type: "export-chrome"; readonly id: number; readonly blob: Blob };
