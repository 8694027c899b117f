// Holds the group and idempotence checker's anomalies against a run's fault contract: the run's
// verdict passes what its contract excuses; every anomaly is judged (counted ones beyond the kept
// examples are unexcused), so a verdict can never pass an anomaly it did not look at.

import type { HistoryOp } from "../../core/client/history.ts";
import { checkGroupHistory } from "./group-history.ts";
import type { GroupAnomalyExample, GroupHistoryResult } from "./group-history-types.ts";
import { buildIndex, type HistoryIndex } from "./kafka-history-index.ts";

const EXAMPLES_MAX = 1_000_000;

/**
 * Runs the group checker on `history` and sorts every anomaly into `excused` (by class) or
 * `note(class, example)`; returns the checker's result for the run's report.
 */
export function judgeGroupHistory(
  history: readonly HistoryOp[],
  excuse: (example: GroupAnomalyExample) => boolean,
  excused: Record<string, number>,
  note: (cls: string, example: unknown) => void,
  index: HistoryIndex = buildIndex(history),
): GroupHistoryResult {
  const result = checkGroupHistory(history, { examplesPerClass: EXAMPLES_MAX, index });
  for (const cls of result.failing) {
    const examples = result.anomalies[cls] ?? [];
    for (const example of examples) {
      if (excuse(example)) excused[cls] = (excused[cls] ?? 0) + 1;
      else note(cls, example);
    }
    const total = result.counts[cls] ?? 0;
    if (total > examples.length)
      note(cls, `${total - examples.length} anomalies beyond the kept examples`);
  }
  return result;
}
