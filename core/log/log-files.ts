// Names of a partition log's files in its `<topic>-<partition>/` folder, and the parser that
// classifies what recovery finds there. Segments are named by base offset, zero-padded to 20 digits
// so that names sort like offsets.

import { assert, assertNonNegativeInteger } from "../assert.ts";

export const SEGMENT_SUFFIX = ".log";
export const OFFSET_INDEX_SUFFIX = ".index";
export const TIME_INDEX_SUFFIX = ".timeindex";
/** A compacted copy of a segment, renamed over the segment once complete and synced. */
export const CLEANED_SUFFIX = ".log.cleaned";
/** A file being written atomically: written, synced, then renamed over its target. */
export const TEMP_SUFFIX = ".tmp";
export const LEADER_EPOCH_CHECKPOINT = "leader-epoch-checkpoint";
export const PARTITION_CHECKPOINT = "partition-checkpoint";

export function logFolder(topic: string, partition: number): string {
  assert(topic.length > 0 && !topic.includes("/"), `bad topic name ${topic}`);
  assertNonNegativeInteger(partition, "partition");
  return `${topic}-${partition}`;
}

export function offsetFileName(baseOffset: number, suffix: string): string {
  assertNonNegativeInteger(baseOffset, "baseOffset");
  return `${String(baseOffset).padStart(20, "0")}${suffix}`;
}

export type LogFileKind = "segment" | "offset-index" | "time-index" | "cleaned";

export type LogFileName =
  | { readonly type: "offset-file"; readonly kind: LogFileKind; readonly baseOffset: number }
  | { readonly type: "temp" }
  | { readonly type: "leader-epoch-checkpoint" }
  | { readonly type: "partition-checkpoint" }
  | { readonly type: "unknown" };

const kindsBySuffix: readonly (readonly [string, LogFileKind])[] = [
  [CLEANED_SUFFIX, "cleaned"],
  [SEGMENT_SUFFIX, "segment"],
  [OFFSET_INDEX_SUFFIX, "offset-index"],
  [TIME_INDEX_SUFFIX, "time-index"],
];

/** What a file found in a log folder is; names not written by the log are "unknown". */
export function parseLogFileName(name: string): LogFileName {
  if (name.endsWith(TEMP_SUFFIX)) return { type: "temp" };
  if (name === LEADER_EPOCH_CHECKPOINT) return { type: "leader-epoch-checkpoint" };
  if (name === PARTITION_CHECKPOINT) return { type: "partition-checkpoint" };
  for (const [suffix, kind] of kindsBySuffix) {
    if (!name.endsWith(suffix)) continue;
    const digits = name.slice(0, -suffix.length);
    if (!/^[0-9]{20}$/.test(digits)) return { type: "unknown" };
    const baseOffset = Number(digits);
    if (!Number.isSafeInteger(baseOffset)) return { type: "unknown" };
    return { type: "offset-file", kind, baseOffset };
  }
  return { type: "unknown" };
}
