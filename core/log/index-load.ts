// Getting a segment's indexes: the active segment holds them, recently used closed segments have
// them in the index cache, the others read their .index/.timeindex files. An unreadable or stale
// index file yields null: the caller scans from the segment start instead (slower, still correct).

import type { DiskResult } from "../disk.ts";
import { decodeOffsetIndexFile, decodeTimeIndexFile, sameSummary } from "./index-file.ts";
import { segmentPath } from "./log-disk.ts";
import { OFFSET_INDEX_SUFFIX, TIME_INDEX_SUFFIX } from "./log-files.ts";
import type { LogContext } from "./log-state.ts";
import type { Segment, SegmentIndexes } from "./segment.ts";

export function withIndexes(
  ctx: LogContext,
  segment: Segment,
  done: (indexes: SegmentIndexes | null) => void,
): void {
  if (segment.indexes !== null) {
    done(segment.indexes);
    return;
  }
  const cached = ctx.state.indexCache.get(segment.baseOffset);
  if (cached !== undefined) {
    done(cached);
    return;
  }
  if (segment.offsetIndexFileBytes === 0 || segment.timeIndexFileBytes === 0) {
    done(null);
    return;
  }
  const base = segment.baseOffset;
  const offsetRead = {
    type: "read",
    path: segmentPath(ctx, base, OFFSET_INDEX_SUFFIX),
    position: 0,
    length: segment.offsetIndexFileBytes,
  } as const;
  const timeRead = {
    type: "read",
    path: segmentPath(ctx, base, TIME_INDEX_SUFFIX),
    position: 0,
    length: segment.timeIndexFileBytes,
  } as const;
  ctx.io.submit(offsetRead, (offsetResult) => {
    ctx.io.submit(timeRead, (timeResult) => {
      const indexes = decodeBoth(ctx, segment, offsetResult, timeResult);
      if (indexes === null) ctx.outbox.mark("log-index-file-unusable");
      else if (!segment.removed) ctx.state.indexCache.set(base, indexes);
      done(indexes);
    });
  });
}

function decodeBoth(
  ctx: LogContext,
  segment: Segment,
  offsetResult: DiskResult,
  timeResult: DiskResult,
): SegmentIndexes | null {
  if (!offsetResult.ok || offsetResult.type !== "read") return null;
  if (!timeResult.ok || timeResult.type !== "read") return null;
  const offsets = decodeOffsetIndexFile(offsetResult.bytes, ctx.crc);
  const times = decodeTimeIndexFile(timeResult.bytes, ctx.crc);
  if (!offsets.ok || !times.ok) return null;
  const summary = segment.summary();
  if (!sameSummary(offsets.value.summary, summary) || !sameSummary(times.value.summary, summary)) {
    return null;
  }
  return { offsetIndex: offsets.value.index, timeIndex: times.value.index };
}
