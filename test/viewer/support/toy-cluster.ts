// A toy replicated cluster for viewer fixtures until the simulator runs real replicated brokers:
// brokers with partition replicas (leader appends, followers fetch, HW = min LEO over the ISR, ISR
// shrink and expand, leader election from the ISR with epoch bumps, truncation by leader epoch),
// a producer, a consumer group, and faults. Invariant: every change to a replica's leader, epoch,
// ISR, LEO or HW is traced as partition-state at once, so `views` at time T equals the trace's state.

import type { Fault } from "../../../sim/faults.ts";
import type { Held } from "./toy-net.ts";

export interface ToyFault {
  readonly atMs: number;
  readonly fault: Fault;
}

export interface ToyOptions {
  readonly seed: number;
  readonly durationMs: number;
  readonly brokers?: number;
  readonly partitions?: number;
  readonly produceEveryMs?: number;
  /** -1 (all) or 1. */
  readonly acks?: number;
  readonly minInsync?: number;
  readonly lagMaxMs?: number;
  /** Default: a schedule spread over the run (slow link, partition, crash, pause, disk, clog). */
  readonly schedule?: readonly ToyFault[];
  readonly group?: boolean;
  readonly failureAt?: number;
  readonly unknownEvents?: boolean;
  readonly sampleTimes?: readonly number[];
  readonly maxEvents?: number;
}

export interface ReplicaView {
  readonly topic: string;
  readonly partition: number;
  readonly leader: number;
  readonly leaderEpoch: number;
  readonly isr: readonly number[];
  readonly logEndOffset: number;
  readonly highWatermark: number;
}

export interface Sample {
  readonly t: number;
  /** Per running node (up or paused), its replicas as its own view() would show them. */
  readonly views: Readonly<Record<number, readonly ReplicaView[]>>;
}

export interface Replica {
  readonly topic: string;
  readonly partition: number;
  leader: number;
  epoch: number;
  isr: number[];
  /** The leader epoch of each record, by offset: enough to find where two logs diverge. */
  log: number[];
  hw: number;
  durable: number;
  reported: string;
  /** Leader only: what each follower last fetched from, and when it last caught up. */
  followerLeo: Map<number, number>;
  caughtUp: Map<number, number>;
  /** The leader's LEO when it last answered each follower (catching up means reaching it). */
  sentLeo: Map<number, number>;
  pending: { end: number; corr: number; client: number; count: number; base: number }[];
}

export interface Broker {
  readonly id: number;
  status: "up" | "down" | "paused";
  incarnation: number;
  ready: boolean;
  replicas: Map<string, Replica>;
  inbox: Held[];
  /** The log prefix that survives a crash (synced), per partition. */
  disk: Map<string, number[]>;
}

export interface Meta {
  leader: number;
  epoch: number;
  partitionEpoch: number;
  isr: number[];
  readonly replicas: readonly number[];
}

export const topic = "orders";
export const producerId = 100;

export function defaultSchedule(d: number): ToyFault[] {
  const at = (f: number) => Math.round(d * f);
  return [
    { atMs: at(0.15), fault: { type: "slow", from: 1, to: 3, factor: 60 } },
    { atMs: at(0.25), fault: { type: "slow", from: 1, to: 3, factor: 1 } },
    {
      atMs: at(0.3),
      fault: {
        type: "partition",
        id: 1,
        shape: "isolate",
        oneWay: false,
        sides: [[2], [1, 3, 100, 101, 102]],
      },
    },
    { atMs: at(0.38), fault: { type: "heal", id: 1 } },
    { atMs: at(0.45), fault: { type: "crash", node: 1 } },
    { atMs: at(0.55), fault: { type: "restart", node: 1 } },
    { atMs: at(0.62), fault: { type: "pause", node: 3 } },
    { atMs: at(0.66), fault: { type: "resume", node: 3 } },
    { atMs: at(0.7), fault: { type: "disk-stall", node: 2, factor: 10 } },
    { atMs: at(0.72), fault: { type: "clog", from: 100, to: 2 } },
    { atMs: at(0.74), fault: { type: "unclog", from: 100, to: 2 } },
    { atMs: at(0.8), fault: { type: "disk-stall", node: 2, factor: 1 } },
    { atMs: at(0.85), fault: { type: "clock-jump", node: 3, deltaMs: 50 } },
  ] as ToyFault[];
}

export function newReplica(partition: number, m: Meta, log: number[], hw: number): Replica {
  return {
    topic,
    partition,
    leader: m.leader,
    epoch: m.epoch,
    isr: [...m.isr],
    log,
    hw: Math.min(hw, log.length),
    durable: log.length,
    reported: "",
    followerLeo: new Map(),
    caughtUp: new Map(),
    sentLeo: new Map(),
    pending: [],
  };
}
