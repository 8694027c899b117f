// Load and unload: what the coordinator writes to __consumer_offsets, replayed into a fresh
// coordinator, gives the same groups and offsets; so does the compacted log (only the latest record
// per key), for any sequence of group operations.

import { fc, test } from "@fast-check/vitest";
import { describe, expect, it } from "vitest";
import { ErrorCode } from "../../../core/error-codes.ts";
import { type CoordinatorRecord, recordKeyOf } from "../../../core/groups/coordinator-records.ts";
import { groupCoordinatorConfig } from "../../../core/groups/group-config.ts";
import { GroupCoordinator } from "../../../core/groups/group-coordinator.ts";
import type { GroupView } from "../../../core/groups/group-view.ts";
import { testRng } from "../../support/test-rng.ts";
import { CoordinatorHarness } from "./support/coordinator-harness.ts";
import { groupOf, joined, stableGroup } from "./support/members.ts";
import {
  commit,
  deleteGroups,
  deleteOffsets,
  heartbeat,
  join,
  leave,
  sync,
} from "./support/requests.ts";

/** The persisted part of a group: what a reload can know. */
function persisted(groups: readonly GroupView[]) {
  return groups.map((g) => ({
    groupId: g.groupId,
    state: g.state,
    generation: g.generation,
    protocolType: g.protocolType,
    protocol: g.protocol,
    leader: g.leader,
    members: g.members.map((m) => ({
      memberId: m.memberId,
      groupInstanceId: m.groupInstanceId,
      assignment: [...m.assignment],
      assignedGeneration: m.assignedGeneration,
    })),
    offsets: g.offsets,
  }));
}

/** Kafka's compaction: the latest record per key survives, in its original place. */
function compact(records: readonly CoordinatorRecord[]): CoordinatorRecord[] {
  const last = new Map<string, number>();
  records.forEach((r, i) => {
    last.set(recordKeyOf(r), i);
  });
  return records.filter((r, i) => last.get(recordKeyOf(r)) === i);
}

function reload(h: CoordinatorHarness, records: readonly CoordinatorRecord[]) {
  const coordinator = new GroupCoordinator<number>(h.config, testRng("reload"));
  coordinator.beginLoading(h.now, 0);
  coordinator.loadRecords(h.now, 0, records);
  const outputs = coordinator.completeLoading(h.now, 0);
  coordinator.checkInvariants();
  return { coordinator, outputs };
}

describe("loading __consumer_offsets", () => {
  it("brings back Stable and Empty groups, members, assignments and offsets after a failover", () => {
    const h = new CoordinatorHarness();
    const { members, generation } = stableGroup(h, "stable", 2, {
      instanceIds: ["i0", null as never],
    });
    h.send(
      commit(
        "stable",
        [
          ["t", 0, 10],
          ["t", 1, 11],
        ],
        { generationId: generation, memberId: members[0]?.memberId ?? "" },
      ),
    );
    h.send(commit("simple", [["u", 0, 5]]));
    stableGroup(h, "emptied", 1);
    const emptied = groupOf(h, "emptied")?.members[0]?.memberId ?? "";
    h.send(leave("emptied", [{ memberId: emptied, groupInstanceId: null }]));
    const before = persisted(h.coordinator.view().groups);
    h.failover();
    expect(persisted(h.coordinator.view().groups)).toEqual(before);
    const loaded = h.tracesOf("coordinator-loaded").at(-1);
    expect(loaded).toMatchObject({ partition: 0, groups: 3, offsets: 3, skippedRecords: 0 });
    // Loaded members keep their ids and generation: they heartbeat on as if nothing happened.
    const hb = h.send(heartbeat("stable", members[1]?.memberId ?? "", generation));
    expect(h.answer(hb, "Heartbeat")?.errorCode).toBe(ErrorCode.NONE);
    const s = h.answer(
      h.send(sync("stable", members[0]?.memberId ?? "", generation, [], "i0")),
      "SyncGroup",
    );
    expect(s?.errorCode).toBe(ErrorCode.NONE);
  });

  it("expires loaded members that never come back, then rebalances", () => {
    const h = new CoordinatorHarness();
    const { members, generation } = stableGroup(h, "g", 2, { sessionTimeoutMs: 10_000 });
    h.failover();
    h.advance(5_000);
    h.send(heartbeat("g", members[0]?.memberId ?? "", generation));
    h.advance(5_000);
    expect(h.tracesOf("group-member-expired").map((e) => e.memberId)).toEqual([
      members[1]?.memberId,
    ]);
    const rejoin = h.send(join("g", { memberId: members[0]?.memberId ?? "" }));
    expect(joined(h, rejoin).generationId).toBe(generation + 1);
  });

  it("drops groups that only deleted offsets named", () => {
    const h = new CoordinatorHarness();
    h.send(commit("g", [["t", 0, 1]]));
    h.send(deleteOffsets("g", "t", [0]));
    expect(h.coordinator.view().groups.map((g) => g.groupId)).toEqual(["g"]);
    const { coordinator } = reload(h, compact(h.committedRecords()));
    expect(coordinator.view().groups).toEqual([]);
  });
});

type Op =
  | {
      readonly type: "stable";
      readonly group: number;
      readonly size: number;
      readonly static: boolean;
    }
  | {
      readonly type: "commit";
      readonly group: number;
      readonly partition: number;
      readonly offset: number;
    }
  | { readonly type: "leave-all"; readonly group: number }
  | { readonly type: "delete-offset"; readonly group: number; readonly partition: number }
  | { readonly type: "delete-group"; readonly group: number }
  | { readonly type: "wait"; readonly ms: number };

const opArb: fc.Arbitrary<Op> = fc.oneof(
  {
    weight: 2,
    arbitrary: fc.record({
      type: fc.constant("stable" as const),
      group: fc.nat(3),
      size: fc.integer({ min: 1, max: 3 }),
      static: fc.boolean(),
    }),
  },
  {
    weight: 4,
    arbitrary: fc.record({
      type: fc.constant("commit" as const),
      group: fc.nat(3),
      partition: fc.nat(2),
      offset: fc.nat(1_000),
    }),
  },
  fc.record({ type: fc.constant("leave-all" as const), group: fc.nat(3) }),
  fc.record({
    type: fc.constant("delete-offset" as const),
    group: fc.nat(3),
    partition: fc.nat(2),
  }),
  fc.record({ type: fc.constant("delete-group" as const), group: fc.nat(3) }),
  fc.record({ type: fc.constant("wait" as const), ms: fc.integer({ min: 1, max: 120_000 }) }),
);

function apply(h: CoordinatorHarness, op: Op): void {
  const groupId = `g${"group" in op ? op.group : 0}`;
  const view = groupOf(h, groupId);
  switch (op.type) {
    case "stable":
      if (view === undefined || view.state === "Empty") {
        const instanceIds = op.static
          ? [...Array(op.size).keys()].map((i) => `${groupId}-i${i}`)
          : undefined;
        stableGroup(h, groupId, op.size, {
          sessionTimeoutMs: 30_000,
          ...(instanceIds ? { instanceIds } : {}),
        });
      }
      return;
    case "commit": {
      const member = view?.members[0];
      const o =
        member === undefined
          ? {}
          : { generationId: view?.generation ?? -1, memberId: member.memberId };
      h.send(commit(groupId, [["t", op.partition, op.offset]], o));
      return;
    }
    case "leave-all":
      if (view !== undefined && view.members.length > 0) {
        h.send(
          leave(
            groupId,
            view.members.map((m) => ({ memberId: m.memberId, groupInstanceId: m.groupInstanceId })),
          ),
        );
      }
      return;
    case "delete-offset":
      h.send(deleteOffsets(groupId, "t", [op.partition]));
      return;
    case "delete-group":
      h.send(deleteGroups([groupId]));
      return;
    case "wait":
      h.advance(op.ms);
      return;
  }
}

describe("replay equivalence", () => {
  test.prop([fc.array(opArb, { minLength: 5, maxLength: 30 })], { numRuns: 60 })(
    "the full log and the compacted log load to the same groups and offsets",
    (ops) => {
      const h = new CoordinatorHarness({
        config: { offsetsRetentionMs: 200_000, offsetsRetentionCheckIntervalMs: 50_000 },
      });
      for (const op of ops) apply(h, op);
      const records = h.committedRecords();
      const full = reload(h, records).coordinator.view().groups;
      const compacted = reload(h, compact(records)).coordinator.view().groups;
      expect(persisted(compacted)).toEqual(persisted(full));
      // Groups at rest (Stable or Empty) reload exactly as they live.
      const live = h.coordinator
        .view()
        .groups.filter((g) => g.state === "Stable" || g.state === "Empty");
      const reloaded = new Map(persisted(full).map((g) => [g.groupId, g]));
      for (const g of persisted(live)) {
        if (g.state === "Empty" && g.offsets.length === 0 && !reloaded.has(g.groupId)) continue;
        expect(reloaded.get(g.groupId)).toEqual(g);
      }
    },
  );

  it("skips records of another partition and unknown key versions, counting them", () => {
    const config = groupCoordinatorConfig({ offsetsTopicNumPartitions: 2 });
    const coordinator = new GroupCoordinator<number>(config, testRng("x"));
    const groups = ["a", "b", "c", "d"];
    const records: CoordinatorRecord[] = groups.map((group) => ({
      type: "offset-commit",
      group,
      topic: "t",
      partition: 0,
      value: { offset: 1, leaderEpoch: -1, metadata: "", commitTimestamp: 0, expireTimestamp: -1 },
    }));
    coordinator.beginLoading(0, 0);
    const marks = coordinator.loadRecords(0, 0, records);
    const outputs = coordinator.completeLoading(0, 0);
    const loaded = outputs.find((o) => o.type === "trace" && o.event.type === "coordinator-loaded");
    const here = groups.filter((g) => coordinator.partitionFor(g) === 0);
    expect(coordinator.view().groups.map((g) => g.groupId)).toEqual(here);
    expect(loaded).toMatchObject({ event: { records: 4, skippedRecords: 4 - here.length } });
    expect(marks.some((o) => o.type === "trace" && o.event.type === "mark")).toBe(here.length < 4);
  });
});
