// The end-of-run verdict on what the clients saw: the Jepsen Kafka history checker, then each of its
// anomalies held against the fault contract — excused only where this run's loss events (crashes
// with unsynced data, bit rot) or client retries (no idempotence) account for it — plus the
// strictest durability check: every acknowledged record not excused is served at its offset.

import type { HistoryOp } from "../../core/client/history.ts";
import type { GroupAnomalyExample, GroupHistoryResult } from "../checkers/group-history-types.ts";
import { judgeGroupHistory } from "../checkers/group-judge.ts";
import { checkKafkaHistory } from "../checkers/kafka-history.ts";
import { buildIndex } from "../checkers/kafka-history-index.ts";
import type {
  AnomalyClass,
  AnomalyExample,
  KafkaHistoryResult,
  OpRef,
} from "../checkers/kafka-history-types.ts";
import type { LossLedger } from "./loss-ledger.ts";
import type { Observations } from "./observations.ts";

export interface HistoryVerdict {
  readonly ok: boolean;
  /** One line naming the class and the first unexcused example; undefined when ok. */
  readonly message: string | undefined;
  readonly result: KafkaHistoryResult;
  /** The consumer-group and idempotent-producer checker's result (sim/checkers/group-history.ts). */
  readonly groups: GroupHistoryResult;
  /** Anomalies the contract excused, by class (acknowledged records lost: "acked-lost"). */
  readonly excused: Readonly<Record<string, number>>;
  readonly unexcused: Readonly<Record<string, number>>;
}

const examplesMax = 1_000_000;

export class HistoryJudge {
  readonly #history: readonly HistoryOp[];
  readonly #seqs: readonly number[];
  readonly #obs: Observations;
  readonly #ledger: LossLedger;

  constructor(
    history: readonly HistoryOp[],
    seqs: readonly number[],
    obs: Observations,
    ledger: LossLedger,
  ) {
    this.#history = history;
    this.#seqs = seqs;
    this.#obs = obs;
    this.#ledger = ledger;
  }

  verdict(): HistoryVerdict {
    const index = buildIndex(this.#history);
    const result = checkKafkaHistory(this.#history, {
      allowed: ["unseen"],
      examplesPerClass: examplesMax,
      index,
    });
    const excused: Record<string, number> = {};
    const unexcused: Record<string, number> = {};
    let first: string | undefined;
    const note = (cls: string, example: unknown) => {
      unexcused[cls] = (unexcused[cls] ?? 0) + 1;
      first ??= `${cls}: ${JSON.stringify(example)}`;
    };
    for (const cls of result.failing) {
      const examples = result.anomalies[cls] ?? [];
      const total = result.counts[cls] ?? 0;
      for (const example of examples) {
        if (this.excuse(example)) excused[cls] = (excused[cls] ?? 0) + 1;
        else note(cls, example);
      }
      if (total > examples.length)
        note(cls, `${total - examples.length} anomalies beyond the kept examples`);
    }
    const groups = judgeGroupHistory(
      this.#history,
      (e) => this.excuseGroup(e),
      excused,
      note,
      index,
    );
    this.#ackedRecords(excused, note);
    const ok = first === undefined;
    const counts = Object.entries(unexcused)
      .map(([c, n]) => `${c} x${n}`)
      .join(", ");
    return {
      ok,
      message: ok ? undefined : `${counts} not excused by the fault contract; first ${first}`,
      result,
      groups,
      excused,
      unexcused,
    };
  }

  /**
   * Group anomalies: an idempotent producer's value may sit at two offsets only where a loss
   * event voided all but one. Group promises rest on __consumer_offsets, whose acknowledged
   * records a crash may take only when acknowledgements promise no durability.
   */
  excuseGroup(example: GroupAnomalyExample): boolean {
    switch (example.type) {
      case "idempotent-duplicate": {
        const live = new Set<number>();
        for (const o of this.#obs.of(example.value)) {
          if (o.key === example.key && !this.#ledger.voided(o)) live.add(o.offset);
        }
        return live.size <= 1;
      }
      case "partition-owned-twice":
      case "committed-offset-regression":
      case "group-poll-skip":
      case "zombie-commit":
        return (
          !this.#ledger.acksPromiseDurability && this.#ledger.events.some((e) => e.kind === "crash")
        );
      default:
        return assertNeverExample(example);
    }
  }

  /** Every acknowledged record whose acknowledgement no loss event voided was served there later. */
  #ackedRecords(
    excused: Record<string, number>,
    note: (cls: string, example: unknown) => void,
  ): void {
    for (const [value, observations] of this.#obs.values()) {
      for (const ack of observations) {
        if (ack.kind !== "ack") continue;
        if (this.#ledger.voided(ack)) {
          if (!this.#servedLive(value, ack.key, ack.offset))
            excused["acked-lost"] = (excused["acked-lost"] ?? 0) + 1;
          continue;
        }
        if (!this.#servedLive(value, ack.key, ack.offset)) {
          note("acked-lost", { key: ack.key, value, offset: ack.offset, ackSeq: ack.seq });
        }
      }
    }
  }

  #servedLive(value: number, key: number, offset: number): boolean {
    return this.#obs
      .of(value)
      .some(
        (o) =>
          o.kind === "served" && o.key === key && o.offset === offset && !this.#ledger.voided(o),
      );
  }

  #voided(value: number): boolean {
    const all = this.#obs.of(value);
    return all.length > 0 && all.every((o) => this.#ledger.voided(o));
  }

  #retried(value: number): boolean {
    return this.#obs.sendsOf(value) >= 2;
  }

  #seq(op: OpRef): number {
    return this.#seqs[op.index] ?? Number.POSITIVE_INFINITY;
  }

  /** The latest serve of `value` at (key, offset) no later than `maxSeq` (0 if none is known). */
  #servedAt(value: number, key: number, offset: number, maxSeq: number): number {
    let best = 0;
    for (const o of this.#obs.of(value)) {
      if (o.kind === "served" && o.key === key && o.offset === offset && o.seq <= maxSeq)
        best = Math.max(best, o.seq);
    }
    return best;
  }

  /** Whether the contract accounts for one anomaly (see docs/fault-model.md, "What the checkers excuse"). */
  excuse(example: AnomalyExample): boolean {
    switch (example.type) {
      case "lost-write":
        return this.#voided(example.value);
      case "duplicate": {
        if (this.#retried(example.value)) return true;
        const live = new Set<number>();
        for (const o of this.#obs.of(example.value)) {
          if (o.key === example.key && !this.#ledger.voided(o)) live.add(o.offset);
        }
        return live.size <= 1;
      }
      case "inconsistent-offsets": {
        const live = example.values.filter((v) =>
          this.#obs
            .of(v)
            .some(
              (o) =>
                o.key === example.key && o.offset === example.offset && !this.#ledger.voided(o),
            ),
        );
        return live.length <= 1;
      }
      case "nonmonotonic-send":
      case "int-nonmonotonic-send": {
        const [a, b] =
          example.type === "nonmonotonic-send"
            ? [example.previous, example.next]
            : [example.from, example.to];
        return (
          this.#retried(a.value) ||
          this.#retried(b.value) ||
          this.#voided(a.value) ||
          this.#voided(b.value)
        );
      }
      case "poll-skip":
      case "nonmonotonic-poll": {
        const until = this.#seq(example.next.op);
        const from = this.#servedAt(
          example.previous.value,
          example.key,
          example.previous.offset,
          this.#seq(example.previous.op),
        );
        const top = Math.max(example.previous.offset, example.next.offset);
        return this.#ledger.lossBetween(example.key, from, until, top) !== undefined;
      }
      case "int-poll-skip":
      case "int-nonmonotonic-poll": {
        const until = this.#seq(example.op);
        const from = this.#servedAt(example.from.value, example.key, example.from.offset, until);
        const top = Math.max(example.from.offset, example.to.offset);
        return this.#ledger.lossBetween(example.key, from, until, top) !== undefined;
      }
      case "int-send-skip":
      case "unseen":
        return true;
      case "G1a":
      case "phantom-read":
        return false;
      default:
        return assertNeverExample(example);
    }
  }
}

function assertNeverExample(example: never): boolean {
  throw new Error(`unknown anomaly ${JSON.stringify(example)}`);
}

export type { AnomalyClass };
