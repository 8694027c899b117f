// Cluster runs on hand-written fault schedules, each checked end to end (invariants after every
// step, replica logs, liveness, the history): a leader crash, KIP-101's double failover, a rolling
// restart that takes the controller down, a partitioned leader, a one-way cut, a long pause of a
// leader (its lease runs out while others take over) and clock jumps. Cuts last 16 s: if the
// broker cut off is the controller, a new one is elected first, then waits a whole session.

import { describe, expect, it } from "vitest";
import { type NodeId, nodeId } from "../../core/ids.ts";
import { type ClusterOutcome, runCluster } from "../../sim/cluster-run.ts";
import { clusterScenario } from "../../sim/cluster-scenario.ts";
import type { Fault, ScheduledFault } from "../../sim/faults.ts";

const [n1, n2, n3] = [nodeId(1), nodeId(2), nodeId(3)];
const all: NodeId[] = [n1, n2, n3];

function explain(outcome: ClusterOutcome): string {
  return outcome.ok
    ? "ok"
    : `${outcome.failure?.kind}: ${outcome.failure?.message}\nreplay: ${outcome.replay}`;
}

/** A 40 s run on exactly these faults, healed (stabilize) at 25 s. */
function scheduled(faults: [number, Fault][]): ClusterOutcome {
  const schedule: ScheduledFault[] = [
    ...faults.map(([atMs, fault]) => ({ atMs, fault })),
    { atMs: 25_000, fault: { type: "stabilize", core: all } },
  ];
  return runCluster(
    clusterScenario(0x5ce7n, {
      durationMs: 40_000,
      faults: { mode: "explicit", schedule },
    }),
  );
}

describe("cluster fault scenarios", () => {
  // Each case: its faults, and how many leader elections at least it must cause (6 partitions
  // elect once at creation).
  it.each<[string, [number, Fault][], number]>([
    [
      "a leader crash: election from the ISR",
      [
        [8_000, { type: "crash", node: n1 }],
        [16_000, { type: "restart", node: n1 }],
      ],
      7,
    ],
    [
      "KIP-101's double failover: a follower restarts, then a leader dies",
      [
        [8_000, { type: "crash", node: n2 }],
        [8_150, { type: "restart", node: n2 }],
        [8_300, { type: "crash", node: n1 }],
        [15_000, { type: "restart", node: n1 }],
      ],
      7,
    ],
    [
      "a rolling restart: the controller goes down too",
      [
        [6_000, { type: "crash", node: n1 }],
        [7_500, { type: "restart", node: n1 }],
        [10_000, { type: "crash", node: n2 }],
        [11_500, { type: "restart", node: n2 }],
        [14_000, { type: "crash", node: n3 }],
        [15_500, { type: "restart", node: n3 }],
      ],
      8,
    ],
    [
      "a partitioned leader: fenced, then truncated once healed",
      [
        [
          8_000,
          { type: "partition", id: 1, shape: "isolate", oneWay: false, sides: [[n1], [n2, n3]] },
        ],
        [24_000, { type: "heal", id: 1 }],
      ],
      7,
    ],
    [
      "a one-way cut: a broker hears the others but cannot answer",
      [
        [
          8_000,
          { type: "partition", id: 2, shape: "isolate", oneWay: true, sides: [[n2], [n1, n3]] },
        ],
        [17_000, { type: "heal", id: 2 }],
      ],
      6,
    ],
    [
      "a long pause of a broker: its lease runs out while others take over",
      [
        [8_000, { type: "pause", node: n1 }],
        [24_000, { type: "resume", node: n1 }],
      ],
      7,
    ],
    [
      "clock jumps: a minute forward on one broker, half a minute back on another",
      [
        [8_000, { type: "clock-jump", node: n2, deltaMs: 60_000 }],
        [9_000, { type: "clock-jump", node: n3, deltaMs: -30_000 }],
      ],
      6,
    ],
  ])("%s", (_name, faults, elections) => {
    const outcome = scheduled(faults);
    expect(explain(outcome)).toBe("ok");
    expect(outcome.stats.valuesAcked).toBeGreaterThan(100);
    expect(outcome.stats.elections).toBeGreaterThanOrEqual(elections);
  });
});
