// The ceiling of the simulator's world loop: simulated events per wall second with trivial nodes
// (a timer, a ping to every peer, a pong back), as a ratio to a bare event-queue loop with a no-op
// handler measured in the same run (the machine is shared and noisy). Median of 5 rounds.
// Run: node bin/bundle.js bench/sim-world.bench.ts

import { performance } from "node:perf_hooks";
import { type NodeId, nodeId } from "../core/ids.ts";
import type { Effect, Input, Node, NodeView } from "../core/node.ts";
import type { PeerMessage } from "../core/peer-message.ts";
import { EventQueue } from "../sim/event-queue.ts";
import type { NodeSpec } from "../sim/process.ts";
import { type TraceSink, TraceWriter } from "../sim/trace-writer.ts";
import { World } from "../sim/world.ts";
import type { FaultPlan } from "../sim/world-types.ts";

const ROUNDS = 5;
const EVENTS = 400_000;

/** Pings every peer each `intervalMs` of its clock; answers each ping with a pong. */
class TrivialNode implements Node {
  readonly #id: NodeId;
  readonly #peers: readonly NodeId[];
  #next = 0;
  #seq = 0;

  constructor(id: NodeId, peers: readonly NodeId[]) {
    this.#id = id;
    this.#peers = peers.filter((p) => p !== id);
  }

  step(now: number, input: Input): readonly Effect[] {
    if (input.type === "start" || input.type === "timer") {
      this.#next = now + 5;
      if (input.type === "start") return [];
      const message = { kind: "ping", seq: ++this.#seq } as unknown as PeerMessage;
      return this.#peers.map((to) => ({ type: "send", to, message }) as const);
    }
    if (input.type === "peer-message") {
      const pong = { kind: "pong" } as unknown as PeerMessage;
      return (input.message as unknown as { kind: string }).kind === "ping"
        ? [{ type: "send", to: input.from, message: pong }]
        : [];
    }
    return [];
  }

  nextWakeup(): number {
    return this.#next;
  }

  view(): NodeView {
    return { nodeId: this.#id, kind: "trivial" };
  }

  checkInvariants(): void {}
}

function cluster(size: number): NodeSpec[] {
  const ids = Array.from({ length: size }, (_, i) => nodeId(i + 1));
  return ids.map((id) => ({ id, role: "server", create: () => new TrivialNode(id, ids) }));
}

/** Counts lines and throws them away: the cost of producing a file without the disk. */
class DiscardSink implements TraceSink {
  lines = 0;
  write(): void {
    this.lines++;
  }
  close(): void {}
}

interface Setup {
  readonly name: string;
  readonly faults: FaultPlan;
  readonly trace: () => TraceWriter;
}

const setups: readonly Setup[] = [
  {
    name: "world, no faults, hash-only trace",
    faults: { mode: "none" },
    trace: () => new TraceWriter(),
  },
  {
    name: "world, no faults, no message bodies",
    faults: { mode: "none" },
    trace: () => new TraceWriter({ bodies: false }),
  },
  {
    name: "world, no faults, full level, lines produced",
    faults: { mode: "none" },
    trace: () => new TraceWriter({ level: "full", sink: new DiscardSink() }),
  },
  {
    name: "world, swarm faults, hash-only trace",
    faults: { mode: "swarm" },
    trace: () => new TraceWriter(),
  },
];

/** Events per second of the bare agenda: push one, pop one, no handler work. */
function baseline(): number {
  const queue = new EventQueue<{ readonly n: number }>();
  for (let i = 0; i < 64; i++) queue.push(i, { n: i });
  let sum = 0;
  const start = performance.now();
  for (let i = 0; i < EVENTS * 4; i++) {
    const item = queue.pop()!;
    sum += item.n;
    queue.push(queue.lastTime + 1 + (i % 7), item);
  }
  const seconds = (performance.now() - start) / 1000;
  if (sum === -1) process.stdout.write("");
  return (EVENTS * 4) / seconds;
}

function world(setup: Setup, round: number): { rate: number; simulatedMs: number } {
  const w = new World({
    seed: BigInt(round + 1),
    nodes: cluster(5),
    durationMs: 10_000_000,
    maxEvents: EVENTS,
    faults: setup.faults,
    trace: setup.trace(),
  });
  const start = performance.now();
  const result = w.run();
  const seconds = (performance.now() - start) / 1000;
  if (!result.ok) throw new Error(`bench run failed: ${result.failure.message}`);
  return { rate: result.stats.events / seconds, simulatedMs: result.stats.simulatedMs };
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}

const base: number[] = [];
const rates = new Map<string, number[]>();
const compression = new Map<string, number[]>();
for (let round = 0; round < ROUNDS; round++) {
  base.push(baseline());
  for (const setup of setups) {
    const start = performance.now();
    const { rate, simulatedMs } = world(setup, round);
    const wallMs = performance.now() - start;
    rates.set(setup.name, [...(rates.get(setup.name) ?? []), rate]);
    compression.set(setup.name, [...(compression.get(setup.name) ?? []), simulatedMs / wallMs]);
  }
}

const baseRate = median(base);
const lines = [
  `5 trivial servers, ${EVENTS.toLocaleString("en")} events per run, median of ${ROUNDS} rounds`,
  "",
  "| loop | events/s | ratio to bare queue | simulated time / wall time |",
  "|---|---:|---:|---:|",
  `| bare event queue (push + pop) | ${Math.round(baseRate).toLocaleString("en")} | 1.00 | - |`,
];
for (const setup of setups) {
  const rate = median(rates.get(setup.name)!);
  const speed = median(compression.get(setup.name)!);
  lines.push(
    `| ${setup.name} | ${Math.round(rate).toLocaleString("en")} | ${(rate / baseRate).toFixed(3)} | ${speed.toFixed(1)}x |`,
  );
}
process.stdout.write(`${lines.join("\n")}\n`);
