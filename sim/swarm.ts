// Swarm testing (Groce/Regehr): from the seed, draw which fault kinds are on and how hard, the
// network's latencies, every clock and every disk. Invariant: each kind draws from its own named
// stream, so switching one kind off (fault model, override) never changes what another kind draws.

import { assert } from "../core/assert.ts";
import type { NodeId } from "../core/ids.ts";
import { type FaultKind, type FaultModel, faultKinds } from "./faults.ts";
import { calmNetwork, type LinkSetting, type NetworkParams, quantizeMs } from "./network-links.ts";
import type { SimRng } from "./prng.ts";

/** How often an episode kind strikes (per simulated minute) and how hard (see kindRanges). */
export interface KindSetting {
  readonly perMinute: number;
  readonly magnitude: number;
}

export type KindTable = Readonly<Record<FaultKind, KindSetting | null>>;

export interface ClockParams {
  readonly node: NodeId;
  readonly skewMs: number;
  readonly rate: number;
}

/** A node's disk, in the shape of sim/disk.ts's SimDiskConfig (null capacity: unlimited). */
export interface DiskParams {
  readonly node: NodeId;
  readonly capacityBytes: number | null;
  readonly latency: {
    readonly readMs: number;
    readonly writeMs: number;
    readonly syncMs: number;
    readonly metadataMs: number;
    readonly tailMeanMs: number;
    readonly spikeProbability: number;
    readonly spikeMs: number;
  };
  readonly faults: {
    readonly tornWriteProbability: number;
    readonly unsyncedFileVanishProbability: number;
    readonly readBitFlipProbability: number;
    readonly bitRotProbability: number;
    readonly syncFailureProbability: number;
    readonly ioErrorProbability: number;
  };
}

/** Everything one seed's weather consists of; printed at start and stored in the trace header. */
export interface SwarmParams {
  readonly faultPhaseMs: number;
  /** Chance each permitted kind was switched on for this seed. */
  readonly kindOnProbability: number;
  readonly kinds: KindTable;
  readonly network: NetworkParams;
  readonly clocks: readonly ClockParams[];
  readonly disks: readonly DiskParams[];
}

export interface SwarmSetup {
  readonly servers: readonly NodeId[];
  readonly clients: readonly NodeId[];
  readonly faultPhaseMs: number;
  readonly model: FaultModel;
}

/** Per kind: the magnitude's range and meaning (episode kinds: the mean episode length in ms). */
export const kindRanges: Readonly<Record<FaultKind, readonly [number, number, string]>> = {
  crash: [20, 20_000, "mean downtime ms"],
  wipe: [100, 20_000, "mean downtime ms"],
  pause: [10, 20_000, "mean pause ms"],
  "partition-isolate": [50, 30_000, "mean partition ms"],
  "partition-halves": [50, 30_000, "mean partition ms"],
  "partition-random": [50, 30_000, "mean partition ms"],
  "partition-one-way": [50, 30_000, "mean partition ms"],
  clog: [5, 10_000, "mean clog ms"],
  "clog-swizzle": [100, 10_000, "mean clog ms"],
  "connection-break": [1, 1, "-"],
  "slow-link": [100, 30_000, "mean episode ms"],
  bandwidth: [100, 30_000, "mean episode ms"],
  "latency-tail": [1e-4, 0.05, "probability per message"],
  "clock-skew": [1, 600_000, "max |skew| ms"],
  "clock-drift": [1e-5, 0.05, "max |rate - 1|"],
  "clock-jump-forward": [10, 600_000, "mean jump ms"],
  "clock-jump-backward": [1, 60_000, "mean jump ms"],
  "disk-latency-spike": [1e-4, 0.05, "probability per operation"],
  "disk-stall": [50, 10_000, "mean stall ms"],
  "disk-torn-write": [0.05, 1, "probability per file at crash"],
  "disk-unsynced-file-vanish": [0.05, 1, "probability per file at crash"],
  "disk-read-corruption": [1e-5, 0.01, "probability per read"],
  "disk-bit-rot": [1e-6, 1e-3, "probability per read"],
  "disk-sync-failure": [1e-4, 0.05, "probability per sync"],
  "disk-io-error": [1e-5, 0.01, "probability per operation"],
  "disk-eio-burst": [10, 5_000, "mean burst ms"],
  "disk-full": [100, 20_000, "mean episode ms"],
};

/** Kinds that only shape the run (no schedule entries of their own). */
export const staticKinds: ReadonlySet<FaultKind> = new Set<FaultKind>([
  "latency-tail",
  "clock-skew",
  "disk-latency-spike",
  "disk-torn-write",
  "disk-unsynced-file-vanish",
  "disk-read-corruption",
  "disk-bit-rot",
  "disk-sync-failure",
  "disk-io-error",
]);

/** Local clocks start at a plausible wall-clock time, so record timestamps look real. */
export const defaultClockEpochMs = 1_700_000_000_000;

function allNodes(setup: SwarmSetup): NodeId[] {
  return [...setup.servers, ...setup.clients];
}

/** A run with no faults at all: calm network, perfect clocks, fast faultless disks. */
export function calmSwarm(setup: SwarmSetup): SwarmParams {
  const kinds = Object.fromEntries(faultKinds.map((kind) => [kind, null])) as Record<
    FaultKind,
    KindSetting | null
  >;
  return {
    faultPhaseMs: setup.faultPhaseMs,
    kindOnProbability: 0,
    kinds,
    network: calmNetwork,
    clocks: allNodes(setup).map((node) => ({ node, skewMs: 0, rate: 1 })),
    disks: setup.servers.map((node) => calmDisk(node)),
  };
}

function calmDisk(node: NodeId): DiskParams {
  return {
    node,
    capacityBytes: null,
    latency: {
      readMs: 0.1,
      writeMs: 0.05,
      syncMs: 1,
      metadataMs: 0.2,
      tailMeanMs: 0.2,
      spikeProbability: 0,
      spikeMs: 0,
    },
    faults: {
      tornWriteProbability: 0,
      unsyncedFileVanishProbability: 0,
      readBitFlipProbability: 0,
      bitRotProbability: 0,
      syncFailureProbability: 0,
      ioErrorProbability: 0,
    },
  };
}

/**
 * Draws the weather of one seed within the fault model. Overrides replace drawn kind settings
 * before anything is derived from them (so a forced kind shapes the disks, clocks and network).
 */
export function drawSwarm(
  rng: SimRng,
  setup: SwarmSetup,
  overrides: SwarmOverrides = {},
): SwarmParams {
  assert(setup.servers.length > 0, "a run needs at least one server");
  const kindRng = rng.derive("kinds");
  const kindOnProbability = kindRng.float("on-probability");
  const permitted = new Set(setup.model.kinds);
  const kinds = {} as Record<FaultKind, KindSetting | null>;
  for (const kind of faultKinds) {
    const stream = kindRng.derive(kind);
    const on = stream.chance("on", kindOnProbability);
    const perMinute = stream.logUniform("per-minute", 0.2, 20);
    const [lo, hi] = kindRanges[kind];
    const magnitude = round6(stream.logUniform("magnitude", lo, hi));
    kinds[kind] = on && permitted.has(kind) ? { perMinute: round6(perMinute), magnitude } : null;
  }
  Object.assign(kinds, overrides.kinds);
  const params: SwarmParams = {
    faultPhaseMs: setup.faultPhaseMs,
    kindOnProbability: round6(kindOnProbability),
    kinds,
    network: drawNetwork(rng.derive("network"), setup, kinds),
    clocks: drawClocks(rng.derive("clocks"), setup, kinds),
    disks: setup.servers.map((node) =>
      drawDisk(rng.derive("disks").derive(String(node)), node, kinds),
    ),
  };
  return { ...params, network: { ...params.network, ...overrides.network } };
}

function drawNetwork(rng: SimRng, setup: SwarmSetup, kinds: KindTable): NetworkParams {
  const minMs = rng.logUniform("min-ms", 0.05, 30);
  const meanMs = rng.logUniform("mean-ms", 0.05, 100);
  const nodes = allNodes(setup);
  const links: LinkSetting[] = [];
  for (const from of nodes) {
    for (const to of nodes) {
      if (from === to) continue;
      const linkMin = quantizeMs(minMs * (0.5 + rng.float(`link-${from}-${to}-min`)));
      const linkMean = quantizeMs(meanMs * (0.5 + rng.float(`link-${from}-${to}-mean`)));
      links.push({ from, to, minMs: linkMin, meanMs: linkMean });
    }
  }
  const tail = kinds["latency-tail"];
  const tailFactor = rng.logUniform("tail-factor", 5, 100);
  const breakAtOnce = rng.chance("partition-break-at-once", 0.25);
  const breakMs = rng.logUniform("partition-break-ms", 10, 30_000);
  const connectTimeoutMs = rng.logUniform("connect-timeout-ms", 1, 10_000);
  return {
    defaultLink: { minMs: quantizeMs(minMs), meanMs: quantizeMs(meanMs) },
    links,
    tailProbability: tail === null ? 0 : tail.magnitude,
    tailFactor: tail === null ? 1 : round6(tailFactor),
    partitionBreakMs: breakAtOnce ? 0 : Math.round(breakMs),
    connectTimeoutMs: Math.round(connectTimeoutMs),
  };
}

function drawClocks(rng: SimRng, setup: SwarmSetup, kinds: KindTable): ClockParams[] {
  const skew = kinds["clock-skew"];
  const drift = kinds["clock-drift"];
  return allNodes(setup).map((node) => {
    const stream = rng.derive(String(node));
    const skewMs = Math.round((stream.float("skew") * 2 - 1) * (skew?.magnitude ?? 0));
    const rate = 1 + round6((stream.float("drift") * 2 - 1) * (drift?.magnitude ?? 0));
    return { node, skewMs, rate };
  });
}

function drawDisk(rng: SimRng, node: NodeId, kinds: KindTable): DiskParams {
  const scale = rng.logUniform("scale", 0.5, 3);
  const ms = (name: string, lo: number, hi: number) => round6(scale * rng.logUniform(name, lo, hi));
  const p = (kind: FaultKind) => kinds[kind]?.magnitude ?? 0;
  const spikeMs = ms("spike-ms", 5, 2000);
  return {
    node,
    capacityBytes: null,
    latency: {
      readMs: ms("read-ms", 0.01, 1),
      writeMs: ms("write-ms", 0.005, 0.5),
      syncMs: ms("sync-ms", 0.05, 20),
      metadataMs: ms("metadata-ms", 0.01, 2),
      tailMeanMs: ms("tail-mean-ms", 0.01, 2),
      spikeProbability: p("disk-latency-spike"),
      spikeMs: kinds["disk-latency-spike"] === null ? 0 : spikeMs,
    },
    faults: {
      tornWriteProbability: p("disk-torn-write"),
      unsyncedFileVanishProbability: p("disk-unsynced-file-vanish"),
      readBitFlipProbability: p("disk-read-corruption"),
      bitRotProbability: p("disk-bit-rot"),
      syncFailureProbability: p("disk-sync-failure"),
      ioErrorProbability: p("disk-io-error"),
    },
  };
}

function round6(value: number): number {
  return Math.round(value * 1e6) / 1e6;
}

/** What a caller forces on top of the draw: kinds switched off or set, network fields replaced. */
export interface SwarmOverrides {
  readonly kinds?: Partial<Record<FaultKind, KindSetting | null>>;
  readonly network?: Partial<NetworkParams>;
}

/** The self-describing printout of a seed's weather: one `key=value` line per parameter. */
export function describeSwarm(params: SwarmParams): string[] {
  const lines = [
    `fault-phase-ms=${params.faultPhaseMs}`,
    `kind-on-probability=${params.kindOnProbability}`,
  ];
  for (const kind of faultKinds) {
    const setting = params.kinds[kind];
    const [, , unit] = kindRanges[kind];
    if (setting === null) lines.push(`kind.${kind}=off`);
    else if (staticKinds.has(kind)) lines.push(`kind.${kind}=on ${unit}=${setting.magnitude}`);
    else lines.push(`kind.${kind}=on per-minute=${setting.perMinute} ${unit}=${setting.magnitude}`);
  }
  const n = params.network;
  lines.push(
    `network.default-link=min ${n.defaultLink.minMs}ms mean ${n.defaultLink.meanMs}ms`,
    `network.tail=probability ${n.tailProbability} factor ${n.tailFactor}`,
    `network.partition-break-ms=${n.partitionBreakMs}`,
    `network.connect-timeout-ms=${n.connectTimeoutMs}`,
  );
  for (const link of n.links) {
    lines.push(`network.link.${link.from}->${link.to}=min ${link.minMs}ms mean ${link.meanMs}ms`);
  }
  for (const clock of params.clocks) {
    lines.push(`clock.${clock.node}=skew ${clock.skewMs}ms rate ${clock.rate}`);
  }
  for (const disk of params.disks) {
    lines.push(
      `disk.${disk.node}=${JSON.stringify({ latency: disk.latency, faults: disk.faults })}`,
    );
  }
  return lines;
}
