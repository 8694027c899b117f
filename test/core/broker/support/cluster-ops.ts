// Client operations against a ClusterHarness: create a topic (through any broker, which forwards
// to the controller), produce to the partition's leader, read a partition back, and the replica
// agreement every cluster test ends with.

import { expect } from "vitest";
import type { PartitionView } from "../../../../core/broker/broker-view.ts";
import type { ClusterHarness } from "./cluster-harness.ts";
import { batchOf, fetchBody, produceBody, recordsOf } from "./requests.ts";

export function createTopic(
  h: ClusterHarness,
  name: string,
  options: {
    partitions?: number;
    replicationFactor?: number;
    configs?: Record<string, string>;
    via?: number;
    assignments?: number[][];
  } = {},
): void {
  const assignments = options.assignments ?? [];
  const response = h.call(options.via ?? 1, "CreateTopics", {
    topics: [
      {
        name,
        numPartitions: assignments.length > 0 ? -1 : (options.partitions ?? 1),
        replicationFactor: assignments.length > 0 ? -1 : (options.replicationFactor ?? 3),
        assignments: assignments.map((brokerIds, partitionIndex) => ({
          partitionIndex,
          brokerIds: brokerIds as never,
        })),
        configs: Object.entries(options.configs ?? {}).map(([k, v]) => ({ name: k, value: v })),
      },
    ],
    timeoutMs: 30_000,
    validateOnly: false,
  });
  const result = response.topics[0];
  if (result?.errorCode !== 0) throw new Error(`create ${name}: ${JSON.stringify(result)}`);
  // Every broker learns the topic and each partition gets a serving leader.
  const ok = h.runUntil(() => servingLeaders(h, name), 10_000);
  if (!ok) throw new Error(`topic ${name} got no serving leaders`);
}

/**
 * Every partition of `topic` has a leader (as the newest view of it says, by partition epoch)
 * whose own replica leads. Every broker that is up must know the topic.
 */
export function servingLeaders(h: ClusterHarness, topic: string): boolean {
  const views = h.views();
  if (!views.every((v) => v.topics.includes(topic))) return false;
  const newest = new Map<number, PartitionView>();
  for (const p of views.flatMap((v) => v.partitions)) {
    if (p.topic !== topic) continue;
    const known = newest.get(p.partition);
    if (known === undefined || known.partitionEpoch < p.partitionEpoch) newest.set(p.partition, p);
  }
  if (newest.size === 0) return false;
  return [...newest.values()].every((p) => {
    if (p.leader < 0) return false;
    const leaderView = views.find((v) => v.nodeId === p.leader);
    return (
      leaderView?.partitions.some(
        (q) => q.topic === topic && q.partition === p.partition && q.role === "leader",
      ) === true
    );
  });
}

/** Produces to the current leader; the partition's answer (or throws when none comes). */
export function produceTo(
  h: ClusterHarness,
  leader: number,
  topic: string,
  partition: number,
  values: readonly string[],
  acks = -1,
  maxMs = 10_000,
) {
  const response = h.call(
    leader,
    "Produce",
    produceBody(topic, partition, batchOf(values), acks, 5_000),
    2,
    maxMs,
  );
  const result = response.responses[0]?.partitionResponses[0];
  if (result === undefined) throw new Error("no partition in the produce answer");
  return result;
}

/** The values a consumer reads from `leader` below its HW, from offset 0. */
export function readAll(h: ClusterHarness, leader: number, topic: string, partition: number) {
  const out: { offset: number; value: string | null }[] = [];
  for (let i = 0; i < 1_000; i++) {
    const response = h.call(
      leader,
      "Fetch",
      fetchBody([
        { topic, partition, offset: out.length === 0 ? 0 : out[out.length - 1]!.offset + 1 },
      ]),
      3,
    );
    const data = response.responses[0]?.partitions[0];
    if (data === undefined || data.errorCode !== 0) {
      throw new Error(`fetch from ${leader}: error ${data?.errorCode}`);
    }
    const records = recordsOf(data.records).filter(
      (r) => out.length === 0 || r.offset > out[out.length - 1]!.offset,
    );
    if (records.length === 0) return out;
    out.push(...records.map((r) => ({ offset: r.offset, value: r.value })));
  }
  return out;
}

/** Each up replica's view of one partition. */
export function replicasOf(h: ClusterHarness, topic: string, partition: number): PartitionView[] {
  return h
    .views()
    .flatMap((v) => v.partitions)
    .filter((p) => p.topic === topic && p.partition === partition);
}

/** Runs until every replica of the partition has the leader's log end offset and HW. */
export function awaitConverged(
  h: ClusterHarness,
  topic: string,
  partition: number,
  maxMs = 10_000,
) {
  const converged = () => {
    const replicas = replicasOf(h, topic, partition);
    const leader = replicas.find((r) => r.role === "leader");
    if (leader === undefined) return false;
    return replicas.every(
      (r) => r.logEndOffset === leader.logEndOffset && r.highWatermark === leader.highWatermark,
    );
  };
  expect(h.runUntil(converged, maxMs)).toBe(true);
}
