// The end-of-run verdict of a cluster run: the Jepsen Kafka history checker, each anomaly held
// against the cluster's fault contract (docs/fault-model.md, "Clusters"). With acks=all, RF 3 and
// min.insync.replicas 2 nothing acknowledged may be lost; excused are only client retries without
// idempotence (duplicates), what an unclean election on that partition permits, and records of
// partitions the contract allows to stay offline (their whole ISR outside the healed core).

import type { HistoryOp } from "../../core/client/history.ts";
import type { GroupAnomalyExample, GroupHistoryResult } from "../checkers/group-history-types.ts";
import { judgeGroupHistory } from "../checkers/group-judge.ts";
import { checkKafkaHistory } from "../checkers/kafka-history.ts";
import { buildIndex } from "../checkers/kafka-history-index.ts";
import type { AnomalyExample, KafkaHistoryResult } from "../checkers/kafka-history-types.ts";

export interface ClusterVerdictInput {
  readonly history: readonly HistoryOp[];
  /** How many Produce requests carried each value (more than one: the client resent it). */
  readonly sends: ReadonlyMap<number, number>;
  /** Keys that saw an unclean leader election. */
  readonly uncleanKeys: ReadonlySet<number>;
  /** Keys whose partition the contract lets stay offline at the end of the run. */
  readonly offlineKeys: ReadonlySet<number>;
}

export interface ClusterVerdict {
  readonly ok: boolean;
  readonly message: string | undefined;
  readonly result: KafkaHistoryResult;
  /** The consumer-group and idempotent-producer checker's result (sim/checkers/group-history.ts). */
  readonly groups: GroupHistoryResult;
  readonly excused: Readonly<Record<string, number>>;
  readonly unexcused: Readonly<Record<string, number>>;
}

export function clusterVerdict(input: ClusterVerdictInput): ClusterVerdict {
  const index = buildIndex(input.history);
  const result = checkKafkaHistory(input.history, { examplesPerClass: 1_000_000, index });
  const excused: Record<string, number> = {};
  const unexcused: Record<string, number> = {};
  let first: string | undefined;
  for (const cls of result.failing) {
    const examples = result.anomalies[cls] ?? [];
    for (const example of examples) {
      if (excuse(example, input)) {
        excused[cls] = (excused[cls] ?? 0) + 1;
      } else {
        unexcused[cls] = (unexcused[cls] ?? 0) + 1;
        first ??= `${cls}: ${JSON.stringify(example)}`;
      }
    }
    // Every example is kept (one per anomaly, or per key for `unseen`): none left unjudged.
    if (examples.length === 0 && (result.counts[cls] ?? 0) > 0) {
      unexcused[cls] = (unexcused[cls] ?? 0) + (result.counts[cls] ?? 0);
      first ??= `${cls}: ${result.counts[cls]} anomalies without examples`;
    }
  }
  const groups = judgeGroupHistory(
    input.history,
    (example) => excuseGroup(example, input),
    excused,
    (cls, example) => {
      unexcused[cls] = (unexcused[cls] ?? 0) + 1;
      first ??= `${cls}: ${JSON.stringify(example)}`;
    },
    index,
  );
  const ok = first === undefined;
  const counts = Object.entries(unexcused)
    .map(([c, n]) => `${c} x${n}`)
    .join(", ");
  return {
    ok,
    message: ok
      ? undefined
      : `history: ${counts} not excused by the cluster contract; first ${first}`,
    result,
    groups,
    excused,
    unexcused,
  };
}

/**
 * Group anomalies: with RF 3 and min.insync.replicas 2 nothing acknowledged is lost, so
 * __consumer_offsets keeps every committed generation and offset; only an unclean election on
 * the key excuses an idempotent producer's duplicate.
 */
function excuseGroup(example: GroupAnomalyExample, input: ClusterVerdictInput): boolean {
  switch (example.type) {
    case "idempotent-duplicate":
      return input.uncleanKeys.has(example.key);
    case "partition-owned-twice":
    case "committed-offset-regression":
    case "group-poll-skip":
    case "zombie-commit":
      return false;
    default:
      return assertNeverExample(example);
  }
}

function retried(value: number, input: ClusterVerdictInput): boolean {
  return (input.sends.get(value) ?? 0) >= 2;
}

/** Whether the cluster contract accounts for one anomaly. */
function excuse(example: AnomalyExample, input: ClusterVerdictInput): boolean {
  const unclean = input.uncleanKeys.has(example.key);
  switch (example.type) {
    case "duplicate":
      return retried(example.value, input) || unclean;
    case "nonmonotonic-send":
      return (
        retried(example.previous.value, input) || retried(example.next.value, input) || unclean
      );
    case "int-nonmonotonic-send":
      return retried(example.from.value, input) || retried(example.to.value, input) || unclean;
    case "unseen":
      return unclean || input.offlineKeys.has(example.key);
    case "lost-write":
    case "inconsistent-offsets":
    case "poll-skip":
    case "nonmonotonic-poll":
    case "int-poll-skip":
    case "int-nonmonotonic-poll":
      return unclean;
    case "int-send-skip":
      return true;
    case "G1a":
    case "phantom-read":
      return false;
    default:
      return assertNeverExample(example);
  }
}

function assertNeverExample(example: never): boolean {
  throw new Error(`unknown anomaly ${JSON.stringify(example)}`);
}
