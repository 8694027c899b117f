// The consumer-group and idempotent-producer checker: what groups and the idempotent producer
// promise (one owner per key and generation, committed offsets monotonic and never past what the
// group polled, no fenced commit acknowledged, no duplicate from an idempotent producer).

import type { HistoryOp } from "../../core/client/history.ts";
import { checkCommits } from "./group-commits.ts";
import {
  GROUP_ANOMALY_CLASSES,
  GroupAnomalyLog,
  type GroupHistoryCheckOptions,
  type GroupHistoryResult,
} from "./group-history-types.ts";
import { checkOwnership } from "./group-ownership.ts";
import { checkIdempotence } from "./idempotence.ts";
import { buildIndex, type HistoryIndex } from "./kafka-history-index.ts";

/**
 * Checks `history`; pass `index` when the Jepsen checker already built it for the same history.
 * Linear in the history (plus the version orders' sort and one binary search per commit).
 */
export function checkGroupHistory(
  history: readonly HistoryOp[],
  options: GroupHistoryCheckOptions & { readonly index?: HistoryIndex } = {},
): GroupHistoryResult {
  const index = options.index ?? buildIndex(history);
  const log = new GroupAnomalyLog(options.examplesPerClass ?? 16);
  const ownership = checkOwnership(index, log);
  const commits = checkCommits(history, index, log);
  const idempotentValues = checkIdempotence(index, log);
  const allowed = new Set(options.allowed ?? []);
  const failing = GROUP_ANOMALY_CLASSES.filter((c) => (log.counts[c] ?? 0) > 0 && !allowed.has(c));
  const groups = new Set<string>();
  for (const op of history)
    if (op.type === "subscribe" && op.group !== undefined) groups.add(op.group.groupId);
  return {
    valid: failing.length === 0,
    failing,
    counts: log.counts,
    anomalies: log.examples,
    stats: {
      groups: groups.size,
      generations: ownership.generations,
      rebalances: ownership.rebalances,
      commits: commits.commits,
      fencedCommits: commits.fencedCommits,
      idempotentValues,
    },
  };
}
