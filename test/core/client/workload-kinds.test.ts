// The groups and idempotent workload kinds: what each slot is (its group, static id, protocol,
// commit style), the ops the generator plans for group members (subscribe, commits after polls,
// pauses, closes torn down shortly after), still in time order, and idempotent producer settings.

import { describe, expect, it } from "vitest";
import { consumerConfig, producerConfig } from "../../../core/client/client-config.ts";
import { Workload, type WorkloadEvent, workloadProfiles } from "../../../core/client/workload.ts";
import {
  slotConsumerConfig,
  slotGroup,
  withWorkloadKind,
} from "../../../core/client/workload-kinds.ts";
import { nodeId } from "../../../core/ids.ts";
import { testRng } from "../../support/test-rng.ts";

function drain(w: Workload): WorkloadEvent[] {
  const events: WorkloadEvent[] = [];
  for (let e = w.next(); e !== undefined; e = w.next()) events.push(e);
  return events;
}

const groups = withWorkloadKind(workloadProfiles.light(60_000), "groups");

describe("groups workload", () => {
  it("deals consumer slots into groups, the last member of each static", () => {
    const members = Array.from({ length: groups.producers + groups.consumers + 1 }, (_, slot) =>
      slotGroup(groups, slot),
    );
    expect(members.slice(0, groups.producers).every((m) => m === undefined)).toBe(true);
    const consumers = members.slice(groups.producers, groups.producers + groups.consumers);
    expect(consumers.map((m) => m?.groupId)).toEqual([
      "jepsen-group-0",
      "jepsen-group-1",
      "jepsen-group-0",
      "jepsen-group-1",
      "jepsen-group-0",
      "jepsen-group-1",
    ]);
    expect(consumers.map((m) => m?.groupInstanceId)).toEqual([
      null,
      null,
      null,
      null,
      "static-6",
      "static-7",
    ]);
    // The final reader (after the consumers) is no member.
    expect(slotGroup(groups, groups.producers + groups.consumers)).toBeUndefined();
    const cooperative = consumerConfig({
      ...slotConsumerConfig(groups, groups.producers + 1),
      bootstrapNodes: [nodeId(1)],
    });
    expect(cooperative.partitionAssignmentStrategy).toEqual(["cooperative-sticky"]);
    expect(cooperative.enableAutoCommit).toBe(true);
    expect(cooperative.sessionTimeoutMs).toBeGreaterThanOrEqual(6_000);
  });

  it("plans subscribes, commits after polls of commitSync members, pauses and closes, in time order", () => {
    const events = drain(new Workload(testRng(3), groups));
    const commands = events.flatMap((e) => (e.type === "consumer" ? [e.command.type] : []));
    expect(commands).toContain("subscribe");
    expect(commands).toContain("commit");
    expect(commands).toContain("pause");
    expect(commands).toContain("close");
    expect(commands).not.toContain("assign");
    for (let i = 1; i < events.length; i++) {
      expect(events[i]!.atMs).toBeGreaterThanOrEqual(events[i - 1]!.atMs);
    }
    // Every close is followed by its slot's teardown 100 ms later, then a restart that subscribes.
    events.forEach((e, i) => {
      if (e.type !== "consumer" || e.command.type !== "close") return;
      const teardown = events
        .slice(i)
        .find((x) => x.type === "crash-client" && x.client.slot === e.slot);
      expect(teardown?.atMs).toBe(e.atMs + 100);
    });
    // Auto-commit members never commit explicitly.
    for (const e of events) {
      if (e.type === "consumer" && e.command.type === "commit") {
        expect(slotGroup(groups, e.slot)?.autoCommit).toBe(false);
      }
    }
  });

  it("leaves the default workload's events unchanged", () => {
    const plain = workloadProfiles.light(20_000);
    expect(drain(new Workload(testRng(9), withWorkloadKind(plain, "default")))).toEqual(
      drain(new Workload(testRng(9), plain)),
    );
  });
});

describe("idempotent workload", () => {
  it("gives producers enable.idempotence with acks=all and at most 5 in flight", () => {
    const params = withWorkloadKind(workloadProfiles.heavy(10_000), "idempotent");
    const config = producerConfig({ ...params.producerConfig, bootstrapNodes: [nodeId(1)] });
    expect(config.enableIdempotence).toBe(true);
    expect(config.acks).toBe(-1);
    expect(config.maxInFlightRequestsPerConnection).toBeLessThanOrEqual(5);
  });
});
