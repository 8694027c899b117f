// Builds and runs one cluster scenario: N brokers in combined mode, the admin client creating the
// workload's topics (RF 3, min.insync.replicas 2), producers (acks=all) and consumers driven by the
// seed's workload, faults within the cluster contract, then the final reader. Checked: cluster
// invariants after every step, replica logs periodically, liveness and the history at the end.

import { Broker } from "../core/broker/broker.ts";
import type { BrokerView } from "../core/broker/broker-view.ts";
import { brokerConfig, FsyncBeforeAck } from "../core/broker/config.ts";
import type { HistoryOp } from "../core/client/history.ts";
import { Workload, type WorkloadEvent } from "../core/client/workload.ts";
import type { KeyMap } from "../core/client/workload-keys.ts";
import type { NodeId } from "../core/ids.ts";
import type { Effect } from "../core/node.ts";
import { AckedDurability } from "./checks-cluster/acked-durability.ts";
import { excusedKeys, leaderlessPartitions } from "./checks-cluster/cluster-liveness.ts";
import { type ClusterVerdict, clusterVerdict } from "./checks-cluster/cluster-verdict.ts";
import { brokerViews, ClusterInvariants } from "./checks-cluster/invariants.ts";
import { valuesOfProduce } from "./checks-cluster/produce-values.ts";
import { checkReplicaLogs, ReplicaLogChecker } from "./checks-cluster/replica-logs.ts";
import { ClusterAdminNode } from "./cluster-admin.ts";
import { ClusterBrokerNode } from "./cluster-broker-node.ts";
import { ClusterClientNode, eventsBySlot } from "./cluster-clients.ts";
import { ClusterDisk } from "./cluster-disk.ts";
import { clusterFaultModel, clusterFaultPlan } from "./cluster-faults.ts";
import {
  type ClusterLayout,
  type ClusterScenario,
  clusterArgs,
  clusterClient,
  clusterLayout,
  clusterReplay,
} from "./cluster-scenario.ts";
import type { SimDisk } from "./disk.ts";
import { type DrawLog, formatSeed, rootRng } from "./prng.ts";
import type { NodeSpec } from "./process.ts";
import type { TraceObserver, TraceWriter } from "./trace-writer.ts";
import { World } from "./world.ts";
import { simDiskFactory } from "./world-setup.ts";
import type { WorldCheck, WorldView } from "./world-types.ts";

/** How long after a broker halts its supervisor starts it again. */
const SUPERVISOR_RESTART_MS = 2_000;

export interface ClusterRunOptions {
  readonly trace?: TraceWriter;
  /** Records or checks every named draw (the determinism check). */
  readonly draws?: DrawLog;
  readonly observers?: readonly TraceObserver[];
  readonly commit?: string;
}

export interface ClusterOutcome {
  readonly ok: boolean;
  readonly scenario: ClusterScenario;
  readonly replay: string;
  /** What failed: an invariant, liveness, the history; undefined when ok. */
  readonly failure:
    | { readonly kind: string; readonly message: string; readonly t: number }
    | undefined;
  readonly verdict: ClusterVerdict | undefined;
  readonly stats: {
    readonly events: number;
    readonly simulatedMs: number;
    readonly traceHash: string;
    readonly faultsApplied: number;
    readonly valuesAcked: number;
    readonly valuesRead: number;
    readonly elections: number;
    readonly uncleanElections: number;
    readonly finalReadsDoneMs: number | null;
  };
}

export interface ClusterRun {
  readonly scenario: ClusterScenario;
  readonly layout: ClusterLayout;
  readonly world: World;
  /** Each broker's simulated disk (for checks and debugging). */
  readonly disks: ReadonlyMap<NodeId, SimDisk>;
  readonly keyMap: KeyMap;
  readonly describe: () => string[];
  readonly run: () => ClusterOutcome;
}

export function buildClusterRun(s: ClusterScenario, options: ClusterRunOptions = {}): ClusterRun {
  const layout = clusterLayout(s);
  const root = rootRng(s.seed);
  const workload = new Workload(root.derive("workload"), layout.workload);
  const keyMap = workload.keyMap;
  const all: WorkloadEvent[] = [];
  for (let e = workload.next(); e !== undefined; e = workload.next()) all.push(e);
  const bySlot = eventsBySlot(all, workload.finalReads(layout.finalStartMs), layout);
  const disks = new Map<NodeId, SimDisk>();
  const clusterDisks = new Map<NodeId, ClusterDisk>();
  const history: HistoryOp[] = [];
  const sends = new Map<number, number>();
  const uncleanKeys = new Set<number>();
  /** With acks=1, keys whose partition changed leader: the history may lose acknowledged writes. */
  const acksOneLossKeys = new Set<number>();
  let uncleanElections = 0;
  let core: readonly NodeId[] = layout.brokers;
  const invariants = new ClusterInvariants();
  const durability = new AckedDurability(s.minInsyncReplicas);
  let world: World | undefined;
  let diskFaultsOn = false;
  const observer: TraceObserver = (_seq, t, node, event) => {
    durability.observe(node, event);
    if (!diskFaultsOn && t >= layout.setupMs) {
      // The calm setup is over: the disks' per-operation faults begin (the core's end at quiet).
      diskFaultsOn = true;
      for (const disk of clusterDisks.values()) disk.quiet = false;
    }
    if (event.type === "history") history.push(event.op);
    else if (
      event.type === "leader-elected" &&
      s.acks === 1 &&
      !event.unclean &&
      event.previousLeader !== -1
    ) {
      // acks=1: what the old leader acknowledged alone may be gone with it (the contract's excuse).
      const key = keyMap.keyOf(event.topic, event.partition);
      if (key !== undefined) acksOneLossKeys.add(key);
    } else if (event.type === "leader-elected" && event.unclean) {
      uncleanElections++;
      const key = keyMap.keyOf(event.topic, event.partition);
      if (key !== undefined) uncleanKeys.add(key);
    } else if (event.type === "phase" && event.phase === "quiet") {
      core = event.core;
    }
  };
  const countSends = (effects: readonly Effect[]) => {
    for (const e of effects) {
      if (e.type !== "request" || e.request.api !== "Produce") continue;
      for (const value of valuesOfProduce(e.request.body))
        sends.set(value, (sends.get(value) ?? 0) + 1);
    }
  };
  const excused = (topic: string, partition: number) => {
    const key = keyMap.keyOf(topic, partition);
    return key !== undefined && uncleanKeys.has(key);
  };
  // A broker that halts (its metadata log or its log directory failed) exits, as Kafka does; its
  // supervisor starts it again a little later, on whatever its disk then holds.
  const supervise = (node: NodeId) => {
    const at = world?.now ?? 0;
    world?.inject({ type: "crash", node }, at);
    world?.inject({ type: "restart", node }, at + SUPERVISOR_RESTART_MS);
  };
  // After every step: each replica's log below its HW against the leader's, and the quorum's
  // logs below their HW against each other, read from the disks and compared incrementally. A
  // client's step changes no broker's disk or view, so there is nothing new to compare after it.
  const logChecker = new ReplicaLogChecker({
    disks,
    excused,
    shrinkPending: (node, folder) => world?.diskShrinkPending(node, folder) === true,
  });
  const replicaLogs: WorldCheck = {
    name: "replica logs",
    check: (view: WorldView) => {
      const stepped = view.lastStep?.node;
      if (stepped !== undefined && !layout.brokers.includes(stepped)) return undefined;
      return logChecker.check(brokerViews(view));
    },
  };
  const nodes: NodeSpec[] = [
    ...layout.brokers.map((id) => brokerSpec(s, layout, id, supervise)),
    {
      id: layout.admin,
      role: "client",
      create: () => new ClusterAdminNode(layout.admin, layout.brokers, topicsOf(s, keyMap)),
    },
    ...Array.from({ length: layout.slots + 1 }, (_, slot): NodeSpec => {
      const id = clusterClient(slot);
      return {
        id,
        role: "client",
        create: ({ rng }) => {
          const node = new ClusterClientNode({
            id,
            slot,
            events: bySlot.get(slot) ?? [],
            layout,
            keyMap,
            rng,
            trueNow: () => world?.now ?? 0,
          });
          return {
            step: (now, input) => {
              const effects = node.step(now, input);
              countSends(effects);
              return effects;
            },
            nextWakeup: () => node.nextWakeup(),
            view: () => node.view(),
            checkInvariants: () => node.checkInvariants(),
          };
        },
      };
    }),
  ];
  world = new World({
    seed: s.seed,
    nodes,
    durationMs: layout.endMs,
    maxEvents: 500_000_000,
    faultPhaseMs: layout.faultPhaseMs,
    faults: clusterFaultPlan(s, layout),
    faultModel: clusterFaultModel(s),
    createDisk: (context) => {
      if (!layout.brokers.includes(context.node)) return simDiskFactory(context);
      const disk = new ClusterDisk(context.rng, context.params);
      disk.quiet = !diskFaultsOn;
      disks.set(context.node, disk.disk);
      clusterDisks.set(context.node, disk);
      return disk;
    },
    invariants: [
      invariants,
      { name: "acknowledged records synced", check: () => durability.violation },
      replicaLogs,
    ],
    observers: [observer, ...(options.observers ?? [])],
    replayArgs: clusterArgs(s).join(" "),
    scenario: { kind: "cluster", ...s, seed: formatSeed(s.seed) },
    ...(options.trace === undefined ? {} : { trace: options.trace }),
    ...(options.commit === undefined ? {} : { commit: options.commit }),
    ...(options.draws === undefined ? {} : { draws: options.draws }),
  });
  const w = world;
  const finalReader = clusterClient(layout.slots);
  const finalDone = (): number | null => {
    const view = w.view(finalReader) as
      | { client: { finalPolls?: { state: string; doneMs: number | null } } | null }
      | undefined;
    const polls = view?.client?.finalPolls;
    return polls?.state === "done" ? (polls.doneMs ?? null) : null;
  };
  const run = (): ClusterOutcome => {
    let failure: ClusterOutcome["failure"];
    const fail = (kind: string, message: string) => {
      failure ??= { kind, message, t: w.now };
    };
    const settled = () =>
      finalDone() !== null && leaderlessPartitions(brokerViews(w), core).length === 0;
    let alive = w.runUntil(layout.finalStartMs);
    while (alive && w.now < layout.endMs && !settled()) {
      alive = w.runUntil(Math.min(layout.endMs, w.now + 500));
    }
    const result = w.result();
    if (!result.ok) fail(result.failure.kind, result.failure.message);
    let verdict: ClusterVerdict | undefined;
    if (failure === undefined) {
      const views = brokerViews(w);
      const shrinkPending = (node: NodeId, folder: string) => w.diskShrinkPending(node, folder);
      const logs = checkReplicaLogs(views, { disks, excused, shrinkPending });
      if (logs !== undefined) fail("replica-logs", logs);
      const offline = excusedKeys(views, core, keyMap, s.minInsyncReplicas);
      const leaderless = leaderlessPartitions(views, core);
      if (leaderless.length > 0) {
        fail(
          "liveness",
          `partitions without a serving leader after the bound: ${leaderless.join(", ")}`,
        );
      }
      if (finalDone() === null) {
        const view = w.view(finalReader) as
          | { client: { finalPolls?: { lagging: readonly { key: number }[] } } | null }
          | undefined;
        const polls = view?.client?.finalPolls;
        const lagging = (polls?.lagging ?? []).filter((l) => !offline.has(l.key));
        if (polls === undefined) {
          fail("liveness", "the final reader never started its final reads");
        } else if (lagging.length > 0) {
          fail(
            "liveness",
            `final reads not done within ${s.livenessBoundMs} ms: lagging ${JSON.stringify(lagging)}`,
          );
        }
      }
      const lossAllowed = new Set([...uncleanKeys, ...acksOneLossKeys]);
      verdict = clusterVerdict({ history, sends, uncleanKeys: lossAllowed, offlineKeys: offline });
      if (!verdict.ok && verdict.message !== undefined) fail("history", verdict.message);
    }
    const stats = verdict?.result.stats;
    return {
      ok: failure === undefined,
      scenario: s,
      replay: clusterReplay(s),
      failure,
      verdict,
      stats: {
        events: result.stats.events,
        simulatedMs: result.stats.simulatedMs,
        traceHash: result.stats.traceHash,
        faultsApplied: result.stats.faultsApplied,
        valuesAcked: stats?.valuesAcked ?? 0,
        valuesRead: stats?.valuesRead ?? 0,
        elections: invariants.elections,
        uncleanElections,
        finalReadsDoneMs: finalDone(),
      },
    };
  };
  return { scenario: s, layout, world: w, disks, keyMap, describe: () => w.describe(), run };
}

/** Runs one scenario to its verdict. */
export function runCluster(s: ClusterScenario, options: ClusterRunOptions = {}): ClusterOutcome {
  return buildClusterRun(s, options).run();
}

function brokerSpec(
  s: ClusterScenario,
  layout: ClusterLayout,
  id: NodeId,
  onHalt: (node: NodeId) => void,
): NodeSpec {
  const voters = layout.brokers.map((b) => ({ id: b, host: `broker-${b}`, port: 9092 }));
  const config = brokerConfig({
    nodeId: id,
    processRoles: ["broker", "controller"],
    controllerQuorumVoters: voters,
    listeners: [{ name: "PLAINTEXT", host: `broker-${id}`, port: 9092 }],
    fsyncBeforeAck: FsyncBeforeAck.acksAll,
    autoCreateTopicsEnable: false,
    defaultReplicationFactor: s.replicationFactor,
    minInsyncReplicas: s.minInsyncReplicas,
    // Faults last seconds in a run of a minute: ISR changes and rebalances must fit in it.
    replicaLagTimeMaxMs: 10_000,
    leaderImbalanceCheckIntervalMs: 10_000,
    // Only the groups workload creates it: a few partitions keep its replication light.
    offsetsTopicNumPartitions: 4,
  });
  return {
    id,
    role: "server",
    create: ({ rng }) => new ClusterBrokerNode(new Broker({ config, rng }), () => onHalt(id)),
  };
}

function topicsOf(s: ClusterScenario, keyMap: KeyMap) {
  return keyMap.topics().map((t) => ({
    name: t.name,
    numPartitions: t.partitions,
    replicationFactor: s.replicationFactor,
    assignments: [],
    configs: [
      { name: "min.insync.replicas", value: String(s.minInsyncReplicas) },
      { name: "segment.bytes", value: "16384" },
      ...(s.unclean ? [{ name: "unclean.leader.election.enable", value: "true" }] : []),
    ],
  }));
}

export type { BrokerView };
