// The metadata log's folder and file names (Kafka's layout: `__cluster_metadata-0/` holding
// `%020d.log` segments, `%020d-%010d.checkpoint` snapshots and `quorum-state`).

import type { Epoch, Offset } from "../../ids.ts";

export const METADATA_DIR = "__cluster_metadata-0";
export const QUORUM_STATE_FILE = `${METADATA_DIR}/quorum-state`;
export const QUORUM_STATE_TEMP = `${METADATA_DIR}/quorum-state.tmp`;

const pad = (value: number, width: number) => String(value).padStart(width, "0");

export function segmentPath(baseOffset: Offset): string {
  return `${METADATA_DIR}/${pad(baseOffset, 20)}.log`;
}

export function snapshotPath(endOffset: Offset, epoch: Epoch): string {
  return `${METADATA_DIR}/${pad(endOffset, 20)}-${pad(epoch, 10)}.checkpoint`;
}

/** Where a snapshot is written (taken or fetched) before its atomic rename. */
export function snapshotPartPath(endOffset: Offset, epoch: Epoch): string {
  return `${snapshotPath(endOffset, epoch)}.part`;
}

export type MetadataFile =
  | { readonly type: "segment"; readonly baseOffset: Offset }
  | { readonly type: "snapshot"; readonly endOffset: Offset; readonly epoch: Epoch }
  | { readonly type: "quorum-state" }
  /** Leftovers of an interrupted atomic write: deleted at recovery. */
  | { readonly type: "temporary" }
  | { readonly type: "unknown" };

export function classifyFile(name: string): MetadataFile {
  if (name === "quorum-state") return { type: "quorum-state" };
  if (name.endsWith(".tmp") || name.endsWith(".part")) return { type: "temporary" };
  const segment = /^(\d{20})\.log$/.exec(name);
  if (segment !== null) return { type: "segment", baseOffset: Number(segment[1]) };
  const snapshot = /^(\d{20})-(\d{10})\.checkpoint$/.exec(name);
  if (snapshot !== null) {
    return { type: "snapshot", endOffset: Number(snapshot[1]), epoch: Number(snapshot[2]) };
  }
  return { type: "unknown" };
}
