// The annotation tracks of the teaching scenarios (their seeds and configurations are in
// catalog.json, from which the build runs the simulator). Each beat pauses playback at the first
// event matching its predicate and explains what just happened, in Kafka's words.

import type { ClusterState } from "../cluster-state.ts";
import type { AnyRecord } from "../records.ts";
import type { Beat } from "./beat-tracker.ts";

const is = (type: string) => (r: AnyRecord) => r.type === type;
const truncated = (r: AnyRecord) => r.type === "follower-truncated";
const num = (r: AnyRecord, f: string) => (typeof r[f] === "number" ? (r[f] as number) : Number.NaN);

/** The leader's high watermark of any partition has reached `offset`. */
const hwAtLeast = (offset: number) => (r: AnyRecord, s: ClusterState) => {
  if (r.type !== "partition-state") return false;
  return Object.values(s.partitions).some(
    (p) => (p.replicas[p.leader]?.highWatermark ?? 0) >= offset,
  );
};

const isrShrunk = (r: AnyRecord, s: ClusterState) =>
  r.type === "partition-state" &&
  Object.values(s.partitions).some(
    (p) => p.isr.length < Object.keys(p.replicas).length && p.leader >= 0,
  );

const isrFull = (r: AnyRecord, s: ClusterState) =>
  r.type === "partition-state" &&
  Object.values(s.partitions).every((p) => p.isr.length === Object.keys(p.replicas).length) &&
  Object.values(s.partitions).some((p) => p.isrChanges.length > 1);

/** A replica reporting from a broker that has restarted at least once. */
const restartedReport = (r: AnyRecord, s: ClusterState) =>
  r.type === "partition-state" && r.node !== undefined && (s.nodes[r.node]?.incarnation ?? 0) > 1;

const leaderMoved = (r: AnyRecord, s: ClusterState) =>
  r.type === "partition-state" && Object.values(s.partitions).some((p) => p.leaderEpoch > 0);

export const scenarioBeats: Readonly<Record<string, readonly Beat[]>> = {
  "acks-all-hw": [
    {
      when: is("topic-created"),
      text: "The controller created the topic: each partition has a leader and two followers, all three in the ISR (in-sync replicas).",
    },
    {
      when: (r) => r.type === "net-send" && JSON.stringify(r.body ?? "").includes("Produce"),
      text: "The producer sends a Produce request with acks=all to the partition leader.",
    },
    {
      when: (r) => r.type === "partition-state" && num(r, "logEndOffset") > 0,
      text: "The leader appends the records: its log end offset (LEO) moves, but the high watermark (HW) does not yet — followers have not copied them.",
    },
    {
      when: hwAtLeast(1),
      text: "Followers fetched the records; the leader's HW rises to the smallest LEO in the ISR. Only records below the HW are visible to consumers.",
    },
    {
      when: is("produce-acknowledged"),
      text: "With acks=all the leader answers only now, once every ISR member has the records: an acknowledged write survives any single broker loss.",
    },
  ],
  "slow-follower-isr": [
    {
      when: (r) =>
        r.type === "fault" &&
        ["slow", "clog"].includes(String((r.fault as { type?: unknown } | undefined)?.type)),
      text: "A network fault slows the link from the leader to one follower: its fetch answers queue up and it falls behind.",
    },
    {
      when: isrShrunk,
      text: "The follower has not caught up for longer than replica.lag.time.max.ms, so the leader removes it from the ISR. The HW no longer waits for it.",
    },
    {
      when: hwAtLeast(1),
      text: "With a smaller ISR the HW keeps advancing; acks=all still needs min.insync.replicas members.",
    },
    {
      when: isrFull,
      text: "The link recovered, the follower caught up to the leader's LEO and rejoined the ISR.",
    },
  ],
  "leader-crash-election": [
    {
      when: is("proc-crash"),
      text: "The partition leader crashes. Its unsynced data is gone; followers stop getting answers.",
    },
    {
      when: leaderMoved,
      text: "The controller elects a new leader from the ISR and bumps the leader epoch: the new epoch fences the old leader.",
    },
    {
      when: restartedReport,
      text: "The old leader is back: it recovered its log from disk and now follows the new leader, in the newer epoch.",
    },
    {
      when: truncated,
      text: "It asks the new leader where its epoch ended (KIP-101/KIP-595) and truncates the divergent tail — by leader epoch, never by its old HW.",
    },
    { when: isrFull, text: "Having caught up, the old leader rejoins the ISR as a follower." },
  ],
  "acks1-lost-write": [
    {
      when: (r) => is("produce-acknowledged")(r) && num(r, "acks") === 1,
      text: "With acks=1 the leader acknowledges as soon as it has appended — before any follower has the records.",
    },
    {
      when: is("proc-crash"),
      text: "The leader crashes before its followers fetched the newest records.",
    },
    {
      when: leaderMoved,
      text: "A follower becomes leader. It never had the acknowledged records.",
    },
    {
      when: truncated,
      text: "When the old leader returns it truncates to the new leader's log: the acknowledged write is gone. acks=all would have waited for the ISR.",
    },
  ],
  "min-isr-rejects": [
    { when: is("proc-crash"), text: "Followers go down; the leader will drop them from the ISR." },
    { when: isrShrunk, text: "The ISR is now smaller than min.insync.replicas." },
    {
      when: is("produce-rejected"),
      text: "acks=all writes are rejected with NOT_ENOUGH_REPLICAS: Kafka refuses to acknowledge what it could not keep.",
    },
    {
      when: (r) => is("produce-acknowledged")(r),
      text: "A follower is back in the ISR: writes are accepted again.",
    },
  ],
  "group-rebalance-lag": [
    {
      when: (r) => r.type.startsWith("group-") && (r.state === "Stable" || r.to === "Stable"),
      text: "The consumers joined the group; the coordinator completed a rebalance and the group is Stable at this generation.",
    },
    {
      when: (r) => r.type.startsWith("offset") && r.type.includes("commit"),
      text: "Consumers commit offsets; lag is the partition's HW minus the committed offset.",
    },
    {
      when: (r) =>
        r.type.startsWith("group-") &&
        (r.state === "PreparingRebalance" || r.to === "PreparingRebalance"),
      text: "A member left: the group rebalances (PreparingRebalance) and consumption pauses.",
    },
    {
      when: (r, s) =>
        r.type.startsWith("group-") &&
        Object.values(s.groups).some((g) => g.state === "Stable" && g.generation > 1),
      text: "A new generation: partitions are reassigned and the remaining consumers work off the lag.",
    },
  ],
};
