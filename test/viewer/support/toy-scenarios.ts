// Toy-cluster runs shaped like each teaching scenario, so the annotation tracks and the playback
// with pauses can be tested before the simulator runs replicated clusters. They stand in for the
// simulator's traces in tests only; the built viewer's scenarios come from the simulator.

import type { Fault } from "../../../sim/faults.ts";
import type { ToyFault, ToyOptions } from "./toy-cluster.ts";

const at = (atMs: number, fault: Fault): ToyFault => ({ atMs, fault });
const slowFollowers = (atMs: number): ToyFault[] => [
  at(atMs, { type: "slow", from: 1, to: 2, factor: 100 } as Fault),
  at(atMs, { type: "slow", from: 1, to: 3, factor: 100 } as Fault),
];
const heal = (atMs: number): ToyFault[] => [
  at(atMs, { type: "slow", from: 1, to: 2, factor: 1 } as Fault),
  at(atMs, { type: "slow", from: 1, to: 3, factor: 1 } as Fault),
];
const node = (id: number) => id as Fault extends { node: infer N } ? N : never;

export const toyScenarios: Readonly<Record<string, ToyOptions>> = {
  "acks-all-hw": {
    seed: 0x1001,
    durationMs: 600,
    schedule: [],
    group: false,
    unknownEvents: false,
  },
  "slow-follower-isr": {
    seed: 0x1002,
    durationMs: 1500,
    schedule: [
      at(400, { type: "slow", from: 1, to: 3, factor: 60 } as Fault),
      at(900, { type: "slow", from: 1, to: 3, factor: 1 } as Fault),
    ],
    group: false,
    unknownEvents: false,
  },
  "leader-crash-election": {
    seed: 0x1003,
    durationMs: 1600,
    schedule: [
      ...slowFollowers(565),
      at(600, { type: "crash", node: node(1) }),
      ...heal(620),
      at(900, { type: "restart", node: node(1) }),
    ],
    group: false,
    unknownEvents: false,
  },
  "acks1-lost-write": {
    seed: 0x1004,
    durationMs: 1600,
    acks: 1,
    minInsync: 1,
    schedule: [
      ...slowFollowers(565),
      at(600, { type: "crash", node: node(1) }),
      ...heal(620),
      at(900, { type: "restart", node: node(1) }),
    ],
    group: false,
    unknownEvents: false,
  },
  "min-isr-rejects": {
    seed: 0x1005,
    durationMs: 1600,
    schedule: [
      at(400, { type: "crash", node: node(2) }),
      at(400, { type: "crash", node: node(3) }),
      at(900, { type: "restart", node: node(2) }),
    ],
    group: false,
    unknownEvents: false,
  },
  "group-rebalance-lag": {
    seed: 0x1006,
    durationMs: 1600,
    schedule: [],
    group: true,
    unknownEvents: false,
  },
};
