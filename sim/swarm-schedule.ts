// Turns a seed's swarm parameters into an explicit, timed fault schedule: Poisson arrivals per kind
// (each kind its own stream), episodes that end on their own, the fault model's limits honoured at
// every instant, and one `stabilize` at the end of the fault phase that heals a random core.

import { assert } from "../core/assert.ts";
import type { NodeId } from "../core/ids.ts";
import {
  type Fault,
  type FaultKind,
  faultKinds,
  type PartitionShape,
  type ScheduledFault,
} from "./faults.ts";
import type { SimRng } from "./prng.ts";
import { type KindSetting, type SwarmParams, type SwarmSetup, staticKinds } from "./swarm.ts";

interface Arrival {
  readonly atMs: number;
  readonly kind: FaultKind;
  readonly order: number;
}

/** Episodes shorter than this would be invisible at ms resolution. */
const episodeMinMs = 1;

class Builder {
  readonly events: { atMs: number; fault: Fault; order: number }[] = [];
  readonly #setup: SwarmSetup;
  readonly #phaseEnd: number;
  /** Per node: when its crash or pause ends (clamped to the end of the fault phase). */
  readonly #downUntil = new Map<NodeId, number>();
  readonly #pausedUntil = new Map<NodeId, number>();
  readonly #diskErrorsUntil = new Map<NodeId, number>();
  #nextPartition = 1;

  constructor(setup: SwarmSetup) {
    this.#setup = setup;
    this.#phaseEnd = setup.faultPhaseMs;
  }

  /** An episode: `begin` now, `end` after an exponential duration unless the phase ends first. */
  episode(atMs: number, durationMs: number, begin: Fault, end: Fault): number {
    const until = atMs + Math.max(episodeMinMs, Math.round(durationMs));
    this.add(atMs, begin);
    if (until < this.#phaseEnd) this.add(until, end);
    return Math.min(until, this.#phaseEnd);
  }

  add(atMs: number, fault: Fault): void {
    this.events.push({ atMs, fault, order: this.events.length });
  }

  /** Nodes that may be crashed or paused at `t` without breaking the fault model. */
  eligible(t: number, kind: "down" | "paused"): NodeId[] {
    const model = this.#setup.model;
    const busy = (node: NodeId) =>
      (this.#downUntil.get(node) ?? 0) > t || (this.#pausedUntil.get(node) ?? 0) > t;
    const table = kind === "down" ? this.#downUntil : this.#pausedUntil;
    const limit = kind === "down" ? model.maxServersDown : model.maxServersPaused;
    const serversOut = this.#setup.servers.filter((s) => (table.get(s) ?? 0) > t).length;
    const candidates = serversOut < limit ? this.#setup.servers.filter((s) => !busy(s)) : [];
    if (model.clientFaults) candidates.push(...this.#setup.clients.filter((c) => !busy(c)));
    return candidates;
  }

  markDown(node: NodeId, until: number): void {
    this.#downUntil.set(node, until);
  }

  markPaused(node: NodeId, until: number): void {
    this.#pausedUntil.set(node, until);
  }

  diskFree(node: NodeId, t: number): boolean {
    return (this.#diskErrorsUntil.get(node) ?? 0) <= t;
  }

  markDiskErrors(node: NodeId, until: number): void {
    this.#diskErrorsUntil.set(node, until);
  }

  get phaseEnd(): number {
    return this.#phaseEnd;
  }

  partitionId(): number {
    return this.#nextPartition++;
  }
}

/** The schedule of one seed: every fault of the fault phase, then `stabilize`, sorted by time. */
export function drawSchedule(
  rng: SimRng,
  params: SwarmParams,
  setup: SwarmSetup,
): ScheduledFault[] {
  const phaseEnd = setup.faultPhaseMs;
  const arrivals: Arrival[] = [];
  faultKinds.forEach((kind, order) => {
    const setting = params.kinds[kind];
    if (setting === null || staticKinds.has(kind) || setting.perMinute <= 0) return;
    const stream = rng.derive(`${kind}-arrivals`);
    const meanGapMs = 60_000 / setting.perMinute;
    for (
      let t = stream.exponential("gap", meanGapMs);
      t < phaseEnd;
      t += stream.exponential("gap", meanGapMs)
    ) {
      arrivals.push({ atMs: Math.round(t), kind, order });
    }
  });
  arrivals.sort((a, b) => a.atMs - b.atMs || a.order - b.order);
  const builder = new Builder(setup);
  const streams = new Map<FaultKind, SimRng>();
  for (const arrival of arrivals) {
    let stream = streams.get(arrival.kind);
    if (stream === undefined) {
      stream = rng.derive(arrival.kind);
      streams.set(arrival.kind, stream);
    }
    const setting = params.kinds[arrival.kind];
    assert(setting !== null, "arrival of a kind that is off");
    drawEpisode(builder, stream, arrival, setting, setup);
  }
  const core = drawCore(rng.derive("core"), setup.servers);
  builder.add(phaseEnd, { type: "stabilize", core });
  builder.events.sort((a, b) => a.atMs - b.atMs || a.order - b.order);
  return builder.events.map(({ atMs, fault }) => ({ atMs, fault }));
}

/** A random majority (or more) of the servers, sorted. */
function drawCore(rng: SimRng, servers: readonly NodeId[]): NodeId[] {
  const majority = Math.floor(servers.length / 2) + 1;
  const size = rng.range("size", majority, servers.length);
  return rng
    .shuffle("order", servers)
    .slice(0, size)
    .sort((a, b) => a - b);
}

function drawEpisode(
  b: Builder,
  rng: SimRng,
  arrival: Arrival,
  setting: KindSetting,
  setup: SwarmSetup,
): void {
  const t = arrival.atMs;
  const duration = () => rng.exponential("duration", setting.magnitude);
  const endpoints = [...setup.servers, ...(setup.model.clientFaults ? setup.clients : [])];
  const kind = arrival.kind;
  switch (kind) {
    case "crash":
    case "wipe": {
      const candidates = b.eligible(t, "down");
      if (candidates.length === 0) return;
      const node = rng.pick("node", candidates);
      const end: Fault = kind === "wipe" ? { type: "wipe", node } : { type: "restart", node };
      b.markDown(node, b.episode(t, duration(), { type: "crash", node }, end));
      return;
    }
    case "pause": {
      const candidates = b.eligible(t, "paused");
      if (candidates.length === 0) return;
      const node = rng.pick("node", candidates);
      b.markPaused(
        node,
        b.episode(t, duration(), { type: "pause", node }, { type: "resume", node }),
      );
      return;
    }
    case "partition-isolate":
    case "partition-halves":
    case "partition-random":
    case "partition-one-way":
      partitionEpisode(b, rng, t, kind, duration(), setup);
      return;
    case "clog": {
      if (endpoints.length < 2) return;
      const [from, to] = pickLink(rng, endpoints);
      b.episode(t, duration(), { type: "clog", from, to }, { type: "unclog", from, to });
      return;
    }
    case "clog-swizzle":
      swizzleEpisode(b, rng, t, duration(), setup.servers, endpoints);
      return;
    case "connection-break": {
      const a = rng.pick("node", setup.servers);
      const others = [...setup.servers, ...setup.clients].filter((n) => n !== a);
      const all = others.length === 0 || rng.chance("all", 0.3);
      b.add(t, { type: "break", a, b: all ? null : rng.pick("peer", others) });
      return;
    }
    case "slow-link": {
      if (endpoints.length < 2) return;
      const [from, to] = pickLink(rng, endpoints);
      const factor = Math.round(rng.logUniform("factor", 2, 50) * 100) / 100;
      b.episode(
        t,
        duration(),
        { type: "slow", from, to, factor },
        { type: "slow", from, to, factor: 1 },
      );
      return;
    }
    case "bandwidth": {
      if (endpoints.length < 2) return;
      const [from, to] = pickLink(rng, endpoints);
      const bytesPerMs = Math.round(rng.logUniform("bytes-per-ms", 1, 1000));
      const begin: Fault = { type: "bandwidth", from, to, bytesPerMs };
      b.episode(t, duration(), begin, { type: "bandwidth", from, to, bytesPerMs: null });
      return;
    }
    case "clock-drift": {
      const node = rng.pick("node", [...setup.servers, ...setup.clients]);
      const rate = 1 + Math.round((rng.float("rate") * 2 - 1) * setting.magnitude * 1e6) / 1e6;
      b.add(t, { type: "clock-rate", node, rate });
      return;
    }
    case "clock-jump-forward":
    case "clock-jump-backward": {
      const node = rng.pick("node", [...setup.servers, ...setup.clients]);
      const size = Math.max(1, Math.round(duration()));
      b.add(t, { type: "clock-jump", node, deltaMs: kind === "clock-jump-forward" ? size : -size });
      return;
    }
    case "disk-stall": {
      const node = rng.pick("node", setup.servers);
      const factor = Math.round(rng.logUniform("factor", 10, 1000));
      b.episode(
        t,
        duration(),
        { type: "disk-stall", node, factor },
        { type: "disk-stall", node, factor: 1 },
      );
      return;
    }
    case "disk-eio-burst":
    case "disk-full": {
      const node = rng.pick("node", setup.servers);
      if (!b.diskFree(node, t)) return;
      const mode = kind === "disk-full" ? "enospc" : "eio";
      const until = b.episode(
        t,
        duration(),
        { type: "disk-errors", node, mode },
        { type: "disk-errors", node, mode: "none" },
      );
      b.markDiskErrors(node, until);
      return;
    }
    default:
      assert(staticKinds.has(kind), `no episode for fault kind ${kind}`);
  }
}

function pickLink(rng: SimRng, endpoints: readonly NodeId[]): [NodeId, NodeId] {
  const from = rng.pick("from", endpoints);
  const to = rng.pick(
    "to",
    endpoints.filter((n) => n !== from),
  );
  return [from, to];
}

function partitionEpisode(
  b: Builder,
  rng: SimRng,
  t: number,
  kind: FaultKind,
  durationMs: number,
  setup: SwarmSetup,
): void {
  const servers = setup.servers;
  if (servers.length < 2) return;
  const oneWay = kind === "partition-one-way";
  const shapes: readonly PartitionShape[] = ["isolate", "halves", "random"];
  const shape: PartitionShape = oneWay
    ? rng.pick("shape", shapes)
    : kind === "partition-isolate"
      ? "isolate"
      : kind === "partition-halves"
        ? "halves"
        : "random";
  const shuffled = rng.shuffle("order", servers);
  const cut =
    shape === "isolate"
      ? 1
      : shape === "halves"
        ? Math.floor(servers.length / 2)
        : rng.range("cut", 1, servers.length - 1);
  const left = shuffled.slice(0, cut);
  const right = shuffled.slice(cut);
  if (setup.model.clientFaults) {
    for (const client of setup.clients)
      (rng.chance(`side-${client}`, 0.5) ? left : right).push(client);
  }
  const sides = [left.sort((x, y) => x - y), right.sort((x, y) => x - y)] as const;
  const id = b.partitionId();
  b.episode(t, durationMs, { type: "partition", id, shape, oneWay, sides }, { type: "heal", id });
}

/** FoundationDB's swizzle: clog a subset's links one by one, then unclog them in random order. */
function swizzleEpisode(
  b: Builder,
  rng: SimRng,
  t: number,
  durationMs: number,
  servers: readonly NodeId[],
  endpoints: readonly NodeId[],
): void {
  if (endpoints.length < 2) return;
  const size = rng.range("size", 1, servers.length);
  const subset = rng.shuffle("subset", servers).slice(0, size);
  const links: [NodeId, NodeId][] = [];
  for (const node of subset) {
    for (const other of endpoints) {
      if (other === node) continue;
      links.push([node, other], [other, node]);
    }
  }
  const gap = Math.max(1, Math.round(durationMs / (2 * links.length)));
  const clogged = links.filter((_, i) => t + i * gap < b.phaseEnd);
  clogged.forEach(([from, to], i) => {
    b.add(t + i * gap, { type: "clog", from, to });
  });
  const releaseAt = t + links.length * gap + Math.round(durationMs);
  rng.shuffle("release", clogged).forEach(([from, to], i) => {
    const at = releaseAt + i * gap;
    if (at < b.phaseEnd) b.add(at, { type: "unclog", from, to });
  });
}
