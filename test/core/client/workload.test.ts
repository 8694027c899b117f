// The workload generator: deterministic per seed, in time order, unique values, the rates its
// profiles promise, crashes followed by restarts under fresh process ids; and an end-to-end run of
// the light profile through SimProducer and SimConsumer against the fake cluster, checked by the
// Jepsen history checker, wired the way the simulator wires it.

import { describe, expect, it } from "vitest";
import { consumerConfig, producerConfig } from "../../../core/client/client-config.ts";
import { SimConsumer } from "../../../core/client/consumer.ts";
import { SimProducer } from "../../../core/client/producer.ts";
import { Workload, type WorkloadEvent, workloadProfiles } from "../../../core/client/workload.ts";
import { nodeId } from "../../../core/ids.ts";
import type { Effect } from "../../../core/node.ts";
import { checkKafkaHistory } from "../../../sim/checkers/kafka-history.ts";
import { testRng } from "../../support/test-rng.ts";
import { Harness } from "./support/client-harness.ts";
import { FakeCluster } from "./support/fake-cluster.ts";

function drain(w: Workload): WorkloadEvent[] {
  const events: WorkloadEvent[] = [];
  for (let e = w.next(); e !== undefined; e = w.next()) events.push(e);
  return events;
}

describe("generator", () => {
  it("is deterministic for a seed and differs across seeds", () => {
    const a = drain(new Workload(testRng(5), workloadProfiles.light(10_000)));
    const b = drain(new Workload(testRng(5), workloadProfiles.light(10_000)));
    const c = drain(new Workload(testRng(6), workloadProfiles.light(10_000)));
    expect(a).toEqual(b);
    expect(a).not.toEqual(c);
  });

  it.each([
    ["light", workloadProfiles.light(60_000), 20],
    ["heavy", workloadProfiles.heavy(10_000), 400],
  ])("the %s profile sends and polls at its rate, in time order, with unique values", (_, params, rate) => {
    const w = new Workload(testRng(9), { ...params, crashesPerSecond: 0 });
    const events = drain(w);
    const seconds = params.durationMs / 1_000;
    const sends = events.filter((e) => e.type === "producer");
    const polls = events.filter((e) => e.type === "consumer" && e.command.type === "poll");
    expect(sends.length / seconds).toBeGreaterThan(rate * 0.85);
    expect(sends.length / seconds).toBeLessThan(rate * 1.15);
    expect(polls.length / seconds).toBeGreaterThan(rate * 0.85);
    expect(polls.length / seconds).toBeLessThan(rate * 1.15);
    for (let i = 1; i < events.length; i++)
      expect(events[i]!.atMs).toBeGreaterThanOrEqual(events[i - 1]!.atMs);
    expect(events.at(-1)!.atMs).toBeLessThan(params.durationMs);
    const values = sends.flatMap((e) =>
      e.type === "producer" ? e.command.records.map((r) => r.value) : [],
    );
    expect(values).toEqual(Array.from({ length: values.length }, (_, i) => i));
    expect(w.valuesSent).toBe(values.length);
  });

  it("restarts a crashed client after the delay under a new process id, and leaves it alone meanwhile", () => {
    const params = {
      ...workloadProfiles.light(60_000),
      crashesPerSecond: 0.5,
      restartDelayMs: 2_000,
    };
    const w = new Workload(testRng(3), params);
    const events = drain(w);
    const crashes = events.filter((e) => e.type === "crash-client");
    expect(crashes.length).toBeGreaterThan(10);
    const processIds = events.flatMap((e) => (e.type === "start-client" ? [e.processId] : []));
    expect(new Set(processIds).size).toBe(processIds.length);
    const down = new Map<number, number>();
    for (const e of events) {
      if (e.type === "crash-client") down.set(e.client.slot, e.atMs);
      else if (e.type === "start-client") {
        const since = down.get(e.client.slot);
        if (since !== undefined) expect(e.atMs - since).toBe(2_000);
        down.delete(e.client.slot);
      } else {
        expect(down.has(e.slot)).toBe(false);
        expect(w.kindOf(e.slot)).toBe(e.type);
      }
    }
  });

  it("starts every consumer with all keys assigned and ends with a final reader", () => {
    const w = new Workload(testRng(1), workloadProfiles.light(1_000));
    const events = drain(w);
    const consumerStarts = events.filter(
      (e) => e.type === "start-client" && e.client.kind === "consumer",
    );
    expect(consumerStarts).toHaveLength(2);
    const firstAssigns = events
      .filter((e) => e.type === "consumer" && e.command.type === "assign")
      .slice(0, 2);
    expect(firstAssigns.map((e) => (e.type === "consumer" ? e.command : null))).toEqual([
      { type: "assign", keys: [0, 1, 2, 3, 4, 5], seekToBeginning: false },
      { type: "assign", keys: [0, 1, 2, 3, 4, 5], seekToBeginning: false },
    ]);
    expect(w.finalReads(5_000)).toMatchObject([
      { type: "start-client", atMs: 5_000, client: { slot: 4, kind: "consumer" } },
      { type: "consumer", slot: 4, command: { type: "assign", seekToBeginning: true } },
      { type: "consumer", slot: 4, command: { type: "final-polls" } },
    ]);
  });
});

describe("end to end against the fake cluster", () => {
  it("the light profile with crashes yields a history the Jepsen checker finds valid", () => {
    const params = { ...workloadProfiles.light(20_000), crashesPerSecond: 0.2 };
    const w = new Workload(testRng(11), params);
    const cluster = new FakeCluster([1, 2, 3]);
    for (const t of w.keyMap.topics()) cluster.createTopic(t.name, t.partitions);
    const h = new Harness(cluster);
    const clients = new Map<number, SimProducer | SimConsumer>();
    const common = { bootstrapNodes: [nodeId(1), nodeId(2)] };
    const apply = (e: WorkloadEvent) => {
      h.runUntil(e.atMs);
      const id =
        1_000 + (e.type === "start-client" || e.type === "crash-client" ? e.client.slot : e.slot);
      switch (e.type) {
        case "start-client": {
          const options = {
            nodeId: nodeId(id),
            processId: e.processId,
            keyMap: w.keyMap,
            rng: testRng(e.processId),
          };
          const client =
            e.client.kind === "producer"
              ? new SimProducer({
                  ...options,
                  config: producerConfig({ ...common, ...params.producerConfig }),
                })
              : new SimConsumer({
                  ...options,
                  config: consumerConfig({ ...common, ...params.consumerConfig }),
                });
          clients.set(id, client);
          h.add(id, client);
          return;
        }
        case "crash-client": {
          const client = clients.get(id)!;
          h.act(id, (now) => client.crash(now));
          h.remove(id);
          return;
        }
        case "producer":
          h.act(id, (now): readonly Effect[] =>
            (clients.get(id) as SimProducer).apply(now, e.command),
          );
          return;
        case "consumer":
          h.act(id, (now): readonly Effect[] =>
            (clients.get(id) as SimConsumer).apply(now, e.command),
          );
          return;
      }
    };
    for (let e = w.next(); e !== undefined; e = w.next()) apply(e);
    // The profile's promise: about 20 Produce and 20 Fetch requests per simulated second.
    const seconds = params.durationMs / 1_000;
    expect(h.requests("Produce").length / seconds).toBeGreaterThan(12);
    expect(h.requests("Produce").length / seconds).toBeLessThan(28);
    expect(h.requests("Fetch").length / seconds).toBeGreaterThan(12);
    expect(h.requests("Fetch").length / seconds).toBeLessThan(40);
    h.runUntil(params.durationMs + 15_000);
    for (const e of w.finalReads(h.now)) apply(e);
    h.runFor(10_000);
    const reader = clients.get(1_000 + w.finalSlot) as SimConsumer;
    expect(reader.view().finalPolls.state).toBe("done");
    const history = h.history();
    const result = checkKafkaHistory(history);
    expect(result.counts).toEqual({});
    expect(result.valid).toBe(true);
    expect(result.stats.sends.ok).toBeGreaterThan(300);
    expect(history.some((op) => op.type === "crash")).toBe(true);
  });
});
