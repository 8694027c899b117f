// The group state machine under random histories: consumers (two static, three dynamic, with a
// real assignor) start, crash, close, restart, pause past their session and commit while time
// passes. Checked after every step: each partition has at most one owner per generation, the
// generation never goes back, committed offsets never go back, a commit is accepted exactly when
// its sender is a current member of the current generation (zombies are refused), and a static
// restart of a Stable group's member within its session timeout causes no rebalance.

import { fc, test } from "@fast-check/vitest";
import { expect } from "vitest";
import { ErrorCode } from "../../../core/error-codes.ts";
import type { GroupView } from "../../../core/groups/group-view.ts";
import { CoordinatorHarness } from "./support/coordinator-harness.ts";
import { groupOf } from "./support/members.ts";
import { ModelConsumer, type Ownership } from "./support/model-consumer.ts";
import { commit } from "./support/requests.ts";

type Op =
  | {
      readonly type: "start" | "crash" | "close" | "restart" | "pause" | "resume";
      readonly i: number;
    }
  | { readonly type: "commit"; readonly i: number; readonly step: number }
  | { readonly type: "zombie-commit"; readonly step: number }
  /** Consumer i freezes for ms; meanwhile consumer `other` (if any) starts or restarts. */
  | { readonly type: "gc-pause"; readonly i: number; readonly ms: number; readonly other: number }
  | { readonly type: "advance"; readonly ms: number };

const consumerOp = (type: "start" | "crash" | "close" | "restart" | "pause" | "resume") =>
  fc.record({ type: fc.constant(type), i: fc.nat(4) });

const opArb: fc.Arbitrary<Op> = fc.oneof(
  { weight: 4, arbitrary: consumerOp("start") },
  { weight: 1, arbitrary: consumerOp("crash") },
  { weight: 1, arbitrary: consumerOp("close") },
  { weight: 2, arbitrary: consumerOp("restart") },
  { weight: 2, arbitrary: consumerOp("pause") },
  { weight: 1, arbitrary: consumerOp("resume") },
  {
    weight: 4,
    arbitrary: fc.record({
      type: fc.constant("commit" as const),
      i: fc.nat(4),
      step: fc.integer({ min: 1, max: 3 }),
    }),
  },
  {
    weight: 1,
    arbitrary: fc.record({
      type: fc.constant("zombie-commit" as const),
      step: fc.integer({ min: 1, max: 2 }),
    }),
  },
  {
    weight: 4,
    arbitrary: fc.record({
      type: fc.constant("advance" as const),
      ms: fc.integer({ min: 100, max: 9_000 }),
    }),
  },
  {
    weight: 2,
    arbitrary: fc.record({
      type: fc.constant("gc-pause" as const),
      i: fc.nat(4),
      ms: fc.integer({ min: 1_000, max: 9_000 }),
      other: fc.nat(6),
    }),
  },
);

interface Zombie {
  readonly memberId: string;
  readonly generation: number;
  readonly instanceId: string | null;
  /** A zombie is a process that goes on committing, so its own commits still increase. */
  readonly positions: Map<string, number>;
}

class World {
  readonly h = new CoordinatorHarness({
    config: { groupMinSessionTimeoutMs: 1_000, groupInitialRebalanceDelayMs: 200 },
  });
  readonly consumers = [
    new ModelConsumer(0, "static-0", ["range", "roundrobin"], ["t"]),
    new ModelConsumer(1, "static-1", ["roundrobin", "range"], ["t", "u"]),
    new ModelConsumer(2, null, ["range", "roundrobin"], ["t", "u"]),
    new ModelConsumer(3, null, ["roundrobin", "range"], ["t"]),
    new ModelConsumer(4, null, ["range", "roundrobin"], ["u"]),
  ];
  readonly ownership: Ownership = { byGeneration: new Map(), violations: [] };
  readonly zombies: Zombie[] = [];
  readonly committed = new Map<string, number>();
  lastGeneration = 0;
  staticRestartsWithoutRebalance = 0;
  acceptedCommits = 0;
  staleGenerationCommits = 0;
  refusedCommits = 0;

  run(op: Op): void {
    switch (op.type) {
      case "advance":
        this.#advance(op.ms);
        break;
      case "zombie-commit":
        this.#zombieCommit(op.step);
        break;
      case "gc-pause":
        this.#consumerOp({ type: "pause", i: op.i });
        this.#consumerOp({ type: "start", i: op.other });
        this.#consumerOp({ type: "restart", i: op.other });
        this.#advance(op.ms);
        this.#consumerOp({ type: "resume", i: op.i });
        break;
      default:
        this.#consumerOp(op);
    }
  }

  #consumerOp(op: Exclude<Op, { type: "advance" | "zombie-commit" | "gc-pause" }>): void {
    const c = this.consumers[op.i];
    if (c === undefined) return;
    const running = c.state !== "stopped" && c.state !== "fenced";
    switch (op.type) {
      case "start":
        if (!running) c.start(this.h);
        break;
      case "crash":
        if (running) {
          this.#keepZombie(c);
          c.crash();
        }
        break;
      case "close":
        if (running) c.close(this.h);
        break;
      case "restart":
        if (running) this.#restart(c);
        break;
      case "pause":
        c.paused = true;
        break;
      case "resume":
        // Back from a pause (a GC, a frozen VM), the consumer first commits what it consumed:
        // the zombie commit that fencing must refuse once its generation has moved on.
        c.paused = false;
        if (c.state === "stable") this.#autoCommit(c, 1);
        break;
      case "commit":
        if (c.state === "stable") this.#autoCommit(c, op.step);
        break;
    }
    this.#settle();
  }

  #autoCommit(c: ModelConsumer, step: number): void {
    this.#commit(c.memberId, c.generation, c.instanceId, () => c.commit(this.h, step));
  }

  #restart(c: ModelConsumer): void {
    const before = groupOf(this.h, "g");
    const member = before?.members.find(
      (m) => m.groupInstanceId === c.instanceId && c.instanceId !== null,
    );
    const stableWithMember = before?.state === "Stable" && member !== undefined;
    this.#keepZombie(c);
    c.crash();
    c.start(this.h);
    if (stableWithMember) {
      // KIP-345: answered at once, same generation, the group never leaves Stable.
      const after = groupOf(this.h, "g");
      expect(after?.state).toBe("Stable");
      expect(after?.generation).toBe(before?.generation);
      expect(c.memberId).not.toBe(member?.memberId);
      this.staticRestartsWithoutRebalance++;
    }
  }

  #keepZombie(c: ModelConsumer): void {
    if (c.memberId === "" || c.generation < 0) return;
    this.zombies.push({
      memberId: c.memberId,
      generation: c.generation,
      instanceId: c.instanceId,
      positions: new Map(c.positions),
    });
  }

  #zombieCommit(step: number): void {
    const zombie = this.zombies.at(-1);
    if (zombie === undefined || zombie.positions.size === 0) return;
    const offsets: [string, number, number][] = [...zombie.positions].map(([key, position]) => {
      const [topic = "", partition = "0"] = key.split("\u0000");
      zombie.positions.set(key, position + step);
      return [topic, Number(partition), position + step];
    });
    const o = {
      generationId: zombie.generation,
      memberId: zombie.memberId,
      instanceId: zombie.instanceId,
    };
    this.#commit(zombie.memberId, zombie.generation, zombie.instanceId, () => {
      const answer = this.h.answer(this.h.send(commit("g", offsets, o)), "OffsetCommit");
      return answer?.topics.flatMap((t) => t.partitions.map((p) => p.errorCode)) ?? [];
    });
    this.#settle();
  }

  /** A commit is accepted exactly when the sender is a current member of the current generation. */
  #commit(
    memberId: string,
    generation: number,
    instanceId: string | null,
    send: () => number[],
  ): void {
    const view = groupOf(this.h, "g");
    const member = view?.members.find((m) => m.memberId === memberId);
    const current =
      view !== undefined &&
      member !== undefined &&
      member.groupInstanceId === instanceId &&
      view.generation === generation &&
      (view.state === "Stable" || view.state === "PreparingRebalance");
    const codes = send();
    if (codes.length === 0) return;
    if (member !== undefined && view !== undefined && view.generation !== generation) {
      this.staleGenerationCommits++;
    }
    if (current) {
      expect(codes.every((c) => c === ErrorCode.NONE)).toBe(true);
      this.acceptedCommits++;
    } else {
      expect(codes.every((c) => c !== ErrorCode.NONE)).toBe(true);
      this.refusedCommits++;
    }
  }

  #advance(ms: number): void {
    const end = this.h.now + ms;
    while (this.h.now < end) {
      this.h.advance(Math.min(500, end - this.h.now));
      for (const c of this.consumers) c.tick(this.h);
      this.#settle();
      // Auto-commit about once a second.
      for (const c of this.consumers) {
        if (!c.paused && c.state === "stable" && this.h.now % 1_000 < 500) this.#autoCommit(c, 1);
      }
      this.#settle();
    }
  }

  #settle(): void {
    for (let round = 0; round < 100; round++) {
      let progress = false;
      for (const c of this.consumers)
        if (c.state !== "stopped" && c.state !== "fenced")
          progress = c.poll(this.h, this.ownership) || progress;
      if (!progress) break;
    }
    this.check(groupOf(this.h, "g"));
  }

  check(view: GroupView | undefined): void {
    expect(this.ownership.violations).toEqual([]);
    if (view === undefined) return;
    expect(view.generation).toBeGreaterThanOrEqual(this.lastGeneration);
    this.lastGeneration = view.generation;
    for (const o of view.offsets) {
      const key = `${o.topic}-${o.partition}`;
      expect(o.offset, `committed offset of ${key} went back`).toBeGreaterThanOrEqual(
        this.committed.get(key) ?? 0,
      );
      this.committed.set(key, o.offset);
    }
  }
}

test.prop([fc.array(opArb, { minLength: 10, maxLength: 60 })], {
  numRuns: Number(process.env.RUNS ?? 80),
})("group invariants hold under random joins, crashes, restarts, pauses and commits", (ops) => {
  const world = new World();
  for (const op of ops) world.run(op);
  world.run({ type: "advance", ms: 20_000 });
});

test("the model exercises what it checks", () => {
  // A fixed, long history: every check above must have had something to check.
  const world = new World();
  const sample =
    fc.sample(fc.array(opArb, { minLength: 400, maxLength: 400 }), { numRuns: 1, seed: 7 })[0] ??
    [];
  for (const op of sample) world.run(op);
  expect(world.acceptedCommits).toBeGreaterThan(0);
  expect(world.refusedCommits).toBeGreaterThan(0);
  expect(world.staticRestartsWithoutRebalance).toBeGreaterThan(0);
  expect(world.lastGeneration).toBeGreaterThan(3);
  expect(world.ownership.byGeneration.size).toBeGreaterThan(3);
});

test("a static member paused across a rebalance is fenced by generation when it resumes", () => {
  const world = new World();
  const ops: Op[] = [
    { type: "start", i: 0 },
    { type: "start", i: 1 },
    { type: "advance", ms: 2_000 },
    { type: "pause", i: 0 },
    { type: "start", i: 2 },
    { type: "advance", ms: 3_500 },
    { type: "resume", i: 0 },
  ];
  for (const op of ops) world.run(op);
  // static-0 was still a member (its session outlasts the rebalance) but of the old generation.
  expect(world.staleGenerationCommits).toBe(1);
  expect(world.refusedCommits).toBe(1);
  expect(groupOf(world.h, "g")).toMatchObject({ state: "Stable", generation: 2 });
});
