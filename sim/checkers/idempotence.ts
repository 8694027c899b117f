// idempotent-duplicate: a value an idempotent producer sent sits at two or more offsets of its key
// (acknowledged at one and read at another, or read at two). Retries, leader failovers and epoch
// bumps must never write a record twice (KIP-98's five-batch dedupe window, KIP-360's recovery).

import type { GroupAnomalyLog } from "./group-history-types.ts";
import type { HistoryIndex } from "./kafka-history-index.ts";

/** Checks every value of an idempotent send; returns how many such values there were. */
export function checkIdempotence(index: HistoryIndex, log: GroupAnomalyLog): number {
  let values = 0;
  for (const op of index.paired.ops) {
    const body = op.completion;
    if (body.type !== "send" || body.idempotent !== true) continue;
    for (const send of body.sends) {
      values++;
      const offsets = index.keys.get(send.key)?.offsetsOf(send.value) ?? [];
      if (offsets.length < 2) continue;
      log.add("idempotent-duplicate", () => ({
        type: "idempotent-duplicate",
        key: send.key,
        value: send.value,
        offsets,
        writer: op.ref,
        sequence: send.sequence ?? null,
      }));
    }
  }
  return values;
}
