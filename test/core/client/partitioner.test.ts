// The sticky partitioner of KIP-480 as a pure object: keyless records stay on one partition until a
// batch for it is closed, then move to a different available partition drawn by name from the Rng.

import { fc, test } from "@fast-check/vitest";
import { describe, expect, it } from "vitest";
import {
  type PartitionerTopic,
  STICKY_PARTITION_DRAW,
  StickyPartitioner,
} from "../../../core/client/partitioner.ts";
import type { Rng } from "../../../core/rng.ts";

/** An Rng that answers scripted draws in order and records every draw's name and bound. */
class ScriptedRng implements Rng {
  readonly draws: { name: string; max: number }[] = [];
  readonly #answers: number[];
  constructor(answers: number[]) {
    this.#answers = [...answers];
  }
  int(name: string, maxExclusive: number): number {
    this.draws.push({ name, max: maxExclusive });
    const answer = this.#answers.shift() ?? 0;
    return answer % maxExclusive;
  }
  float(name: string): number {
    this.draws.push({ name, max: 1 });
    return 0;
  }
  chance(name: string, _probability: number): boolean {
    this.draws.push({ name, max: 1 });
    return false;
  }
}

const topic = (numPartitions: number, availablePartitions?: number[]): PartitionerTopic => ({
  topic: "t",
  numPartitions,
  availablePartitions: availablePartitions ?? Array.from({ length: numPartitions }, (_, i) => i),
});
const utf8 = (text: string) => new TextEncoder().encode(text);

describe("StickyPartitioner", () => {
  it("hashes keyed records without drawing", () => {
    const rng = new ScriptedRng([]);
    const partitioner = new StickyPartitioner(rng);
    expect(partitioner.partition(topic(50), utf8("foobar"))).toBe(16);
    expect(rng.draws).toEqual([]);
  });

  it("sticks to one partition for keyless records until onNewBatch", () => {
    const rng = new ScriptedRng([3, 1]);
    const partitioner = new StickyPartitioner(rng);
    const t = topic(6);
    expect(partitioner.partition(t, null)).toBe(3);
    expect(partitioner.partition(t, null)).toBe(3);
    expect(partitioner.partition(t, null)).toBe(3);
    expect(rng.draws).toEqual([{ name: STICKY_PARTITION_DRAW, max: 6 }]);
    // The batch on 3 closed: draw among the five others (draw 1 -> partition 1).
    expect(partitioner.onNewBatch(t, 3)).toBe(1);
    expect(partitioner.partition(t, null)).toBe(1);
    expect(rng.draws[1]).toEqual({ name: STICKY_PARTITION_DRAW, max: 5 });
  });

  it("skips the old partition when the draw lands on or past it", () => {
    const rng = new ScriptedRng([2, 2, 4]);
    const partitioner = new StickyPartitioner(rng);
    const t = topic(6);
    expect(partitioner.partition(t, null)).toBe(2);
    expect(partitioner.onNewBatch(t, 2)).toBe(3); // draw 2 of [0,1,3,4,5]
    expect(partitioner.onNewBatch(t, 3)).toBe(5); // draw 4 of [0,1,2,4,5]
  });

  it("ignores a stale onNewBatch for a partition it already left", () => {
    const rng = new ScriptedRng([0, 0]);
    const partitioner = new StickyPartitioner(rng);
    const t = topic(4);
    expect(partitioner.partition(t, null)).toBe(0);
    expect(partitioner.onNewBatch(t, 0)).toBe(1);
    expect(partitioner.onNewBatch(t, 0)).toBe(1);
    expect(rng.draws.length).toBe(2);
  });

  it("chooses only partitions with a leader, and the only one without drawing", () => {
    const rng = new ScriptedRng([1]);
    const partitioner = new StickyPartitioner(rng);
    expect(partitioner.partition(topic(8, [2, 5, 7]), null)).toBe(5);
    expect(partitioner.onNewBatch(topic(8, [7]), 5)).toBe(7);
    expect(rng.draws.length).toBe(1);
  });

  it("falls back to any partition when none has a leader", () => {
    const rng = new ScriptedRng([6]);
    const partitioner = new StickyPartitioner(rng);
    expect(partitioner.partition(topic(8, []), null)).toBe(6);
    expect(rng.draws).toEqual([{ name: STICKY_PARTITION_DRAW, max: 8 }]);
  });

  it("keeps one sticky partition per topic", () => {
    const rng = new ScriptedRng([1, 2]);
    const partitioner = new StickyPartitioner(rng);
    const a = { ...topic(4), topic: "a" };
    const b = { ...topic(4), topic: "b" };
    expect(partitioner.partition(a, null)).toBe(1);
    expect(partitioner.partition(b, null)).toBe(2);
    expect(partitioner.stickyPartition("a")).toBe(1);
    expect(partitioner.stickyPartition("b")).toBe(2);
  });

  test.prop([
    fc.integer({ min: 2, max: 20 }),
    fc.array(fc.nat({ max: 1_000 }), { minLength: 1, maxLength: 40 }),
  ])("always moves to a different available partition after its batch", (partitions, answers) => {
    const rng = new ScriptedRng(answers);
    const partitioner = new StickyPartitioner(rng);
    const t = topic(partitions);
    let current = partitioner.partition(t, null);
    for (let i = 1; i < answers.length; i++) {
      const next = partitioner.onNewBatch(t, current);
      expect(next).not.toBe(current);
      expect(next).toBeGreaterThanOrEqual(0);
      expect(next).toBeLessThan(partitions);
      expect(partitioner.partition(t, null)).toBe(next);
      current = next;
    }
  });
});
