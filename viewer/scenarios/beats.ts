// The annotation tracks of the teaching scenarios (their seeds and configurations are in
// catalog.json, from which the build runs the simulator). Each beat pauses playback at the first
// event matching its predicate and explains what just happened, in Kafka's words.

import { type ClusterState, currentGroups, type GroupState, totalLag } from "../cluster-state.ts";
import type { AnyRecord } from "../records.ts";
import type { Beat } from "./beat-tracker.ts";

/** Some group is Stable with partitions assigned. */
const assignedGroup = (s: ClusterState) =>
  currentGroups(s).some(
    (g) => g.state === "Stable" && g.members.some((m) => m.assignment.length > 0),
  );

/** How far a group in the middle of a rebalance has fallen behind since the rebalance began. */
const rebalancingLag = (s: ClusterState) =>
  Math.max(
    0,
    ...currentGroups(s)
      .filter((g) => g.state !== "Stable" && g.rebalances.length > 0)
      .map((g) => totalLag(s, g) - (g.rebalances[g.rebalances.length - 1]?.lagAtStart ?? 0)),
  );

/** The group's last rebalance began with a member leaving or expiring. */
const afterDeparture = (g: GroupState) =>
  (g.rebalances[g.rebalances.length - 1]?.departures ?? 0) > 0;

/** Some group is Stable again after a rebalance that a departure began. */
const rebalancedStable = (s: ClusterState) =>
  currentGroups(s).some((g) => g.state === "Stable" && afterDeparture(g));

/** Some Stable group, rebalanced after a departure, has its lag back under 5 records. */
const caughtUp = (s: ClusterState) =>
  currentGroups(s).some((g) => g.state === "Stable" && afterDeparture(g) && totalLag(s, g) < 5);

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
      when: (r) => r.type === "group-state" && r.state === "PreparingRebalance",
      text: "Consumers with a group.id send JoinGroup to their coordinator, the broker leading the group's __consumer_offsets partition. The group is PreparingRebalance: the coordinator waits for members to join before it starts a generation.",
    },
    {
      when: (r, s) => r.type === "group-state" && r.state === "Stable" && assignedGroup(s),
      text: "Rebalance done: the group's leader member ran its assignor (range in jepsen-group-0, cooperative-sticky in jepsen-group-1) and the coordinator handed each member its share in SyncGroup. The group is Stable at a new generation, each partition owned by exactly one member.",
    },
    {
      when: is("offset-committed"),
      text: "Members poll their partitions and commit offsets to __consumer_offsets. Lag per partition is the high watermark minus the committed offset: the consumer lag chart, and the lag column of the groups panel.",
    },
    {
      when: (r, s) =>
        (r.type === "group-member-left" || r.type === "group-member-expired") &&
        r.node !== undefined &&
        s.groups[`${String(r.group)}@${r.node}`]?.state === "Stable",
      text: "A member is gone: it closed and sent LeaveGroup, or stopped heartbeating until its session expired (the groups panel says which). The coordinator starts a rebalance.",
    },
    {
      when: (r, s) => r.type === "partition-state" && rebalancingLag(s) >= 10,
      text: "While the group rebalances nobody consumes its partitions (an eager protocol revokes them all first), but producers keep writing: the HW moves on and lag rises.",
    },
    {
      when: (r, s) => r.type === "group-state" && r.state === "Stable" && rebalancedStable(s),
      text: "A new generation: the members still here own the departed members' partitions too and resume from the last committed offsets (records consumed after the last commit are read again: at-least-once).",
    },
    {
      when: (r, s) => r.type === "offset-committed" && caughtUp(s),
      text: "The members catch up: their committed offsets approach the HW and lag falls back.",
    },
  ],
};
