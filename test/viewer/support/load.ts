// Loads trace text through the viewer's loader in node (no browser): split into chunks of the given
// sizes, as a stream would deliver them.

import type { TraceIndexer } from "../../../viewer/indexer.ts";
import type { Beat } from "../../../viewer/scenarios/beat-tracker.ts";
import { type LoadStatus, TraceLoader } from "../../../viewer/trace-loader.ts";

export interface Loaded {
  readonly indexer: TraceIndexer | undefined;
  readonly status: LoadStatus;
}

export function loadText(
  text: string,
  chunkSizes: readonly number[] = [65_536],
  keyframeEvery = 256,
  beats: readonly Beat[] = [],
): Loaded {
  const loader = new TraceLoader(keyframeEvery, beats);
  let at = 0;
  let k = 0;
  let status: LoadStatus = { kind: "loading" };
  while (at < text.length && status.kind === "loading") {
    const size = Math.max(1, chunkSizes[k++ % chunkSizes.length]!);
    status = loader.push(text.slice(at, at + size), size);
    at += size;
  }
  if (status.kind === "loading") status = loader.finish();
  return { indexer: loader.indexer, status };
}
