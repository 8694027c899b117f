// The value-level anomalies of the Jepsen Kafka checker, one key at a time over its version order:
// inconsistent-offsets, duplicate, lost-write, unseen, G1a (a read of a definitely failed send)
// and phantom-read (a read of a value no send ever wrote to that key).

import type { HistoryValue } from "../../core/client/history.ts";
import type { HistoryIndex, KeyOrder, ValueFacts } from "./kafka-history-index.ts";
import type { AnomalyLog } from "./kafka-history-types.ts";

const LISTED_VALUES_MAX = 32;

export function checkValues(index: HistoryIndex, log: AnomalyLog): void {
  const keys = [...index.keys.values()].sort((a, b) => a.key - b.key);
  for (const keyOrder of keys) {
    checkInconsistentOffsets(keyOrder, log);
    checkDuplicates(keyOrder, log);
    checkLostAndUnseen(keyOrder, index.committedSends, log);
    checkBadReads(keyOrder, log);
  }
}

/** One key and offset with two or more values. */
function checkInconsistentOffsets(keyOrder: KeyOrder, log: AnomalyLog): void {
  for (const offset of keyOrder.conflictingOffsets()) {
    log.add("inconsistent-offsets", () => ({
      type: "inconsistent-offsets",
      key: keyOrder.key,
      offset,
      values: keyOrder.valuesAtOffset(offset),
    }));
  }
}

/** One value at more than one offset of one key's log. */
function checkDuplicates(keyOrder: KeyOrder, log: AnomalyLog): void {
  for (const [value, offsets] of keyOrder.duplicatedValues()) {
    log.add("duplicate", () => ({ type: "duplicate", key: keyOrder.key, value, offsets }));
  }
}

/**
 * lost-write: the bound is the highest earliest index of any value an ok poll returned; every value
 * whose writer must have committed, whose last index is at or below the bound, and that no ok poll
 * returned, is lost (Jepsen's definition). unseen: values of ok sends that no ok poll returned and
 * that are not already lost (so that allowing loss does not also force allowing unseen).
 */
function checkLostAndUnseen(
  keyOrder: KeyOrder,
  committedSends: HistoryIndex["committedSends"],
  log: AnomalyLog,
): void {
  let bound = -1;
  for (const [value, facts] of keyOrder.values) {
    if (facts.okReader === undefined) continue;
    const earliest = keyOrder.firstIndexOf(value)!;
    if (earliest > bound) bound = earliest;
  }
  const unseen: [ValueFacts, HistoryValue][] = [];
  for (const [value, facts] of keyOrder.values) {
    if (facts.okReader !== undefined || facts.writer === undefined) continue;
    const last = keyOrder.lastIndexOf(value);
    if (last !== undefined && last <= bound && committedSends.has(facts.writer)) {
      const writer = facts.writer;
      log.add("lost-write", () => ({
        type: "lost-write",
        key: keyOrder.key,
        value,
        offset: facts.ackedOffset,
        index: last,
        boundIndex: bound,
        boundOffset: keyOrder.offsetAt(bound),
        writer: writer.ref,
      }));
    } else if (facts.writer.phase === "ok") {
      unseen.push([facts, value]);
    }
  }
  if (unseen.length === 0) return;
  unseen.sort(([a, x], [b, y]) => a.writer!.ref.index - b.writer!.ref.index || x - y);
  log.add(
    "unseen",
    () => ({
      type: "unseen",
      key: keyOrder.key,
      count: unseen.length,
      values: unseen.slice(0, LISTED_VALUES_MAX).map(([, value]) => value),
    }),
    unseen.length,
  );
}

/** G1a: an ok poll returned a value whose send definitely failed; phantom: nobody sent it here. */
function checkBadReads(keyOrder: KeyOrder, log: AnomalyLog): void {
  for (const [value, facts] of keyOrder.values) {
    const reader = facts.okReader;
    if (reader === undefined) continue;
    if (facts.writer === undefined) {
      log.add("phantom-read", () => ({
        type: "phantom-read",
        key: keyOrder.key,
        value,
        offset: facts.okReadOffset,
        reader: reader.ref,
      }));
    } else if (facts.writer.phase === "fail") {
      const writer = facts.writer;
      log.add("G1a", () => ({
        type: "G1a",
        key: keyOrder.key,
        value,
        offset: facts.okReadOffset,
        reader: reader.ref,
        writer: writer.ref,
      }));
    }
  }
}
