// Builds the world of one scenario: the broker (node 1), the topic-creating admin client, producers
// and consumers driven by the workload plan, the final reader; faults within the single-broker
// contract; the checkers wired in as invariants, observers and final checks. Invariant: everything
// the run does follows from the scenario (and the commit), and describe() prints all of it.

import { Broker } from "../../core/broker/broker.ts";
import { brokerConfig } from "../../core/broker/config.ts";
import { consumerConfig, producerConfig } from "../../core/client/client-config.ts";
import { SimConsumer } from "../../core/client/consumer.ts";
import { SimProducer } from "../../core/client/producer.ts";
import { Workload } from "../../core/client/workload.ts";
import { KeyMap } from "../../core/client/workload-keys.ts";
import { slotConsumerConfig } from "../../core/client/workload-kinds.ts";
import type { NodeId } from "../../core/ids.ts";
import { Canary, isCanarySeed } from "../canary.ts";
import { HistoryJudge, type HistoryVerdict } from "../checks/history-verdict.ts";
import { LossLedger } from "../checks/loss-ledger.ts";
import { Observations } from "../checks/observations.ts";
import { RunWatch } from "../checks/run-watch.ts";
import type { ScheduledFault } from "../faults.ts";
import { Liveness } from "../liveness.ts";
import { rootRng } from "../prng.ts";
import type { NodeSpec } from "../process.ts";
import { type SimScenario, scenarioArgs } from "../scenario.ts";
import { type PlannedOp, workloadOps } from "../scenario-ops.ts";
import type { TraceObserver, TraceWriter } from "../trace-writer.ts";
import { World } from "../world.ts";
import { simDiskFactory } from "../world-setup.ts";
import type { DiskFactory, FaultPlan } from "../world-types.ts";
import { AdminNode, type AdminView } from "./admin-node.ts";
import { BrokerNode } from "./broker-node.ts";
import { type ClientHooks, ClientNode, type SimClient } from "./client-node.ts";
import { buildClientPlan, type ClientPlan, SlotCursor } from "./client-plan.ts";
import { ContractDisk } from "./contract-disk.ts";
import { type DrawnFaults, drawFaults } from "./fault-plan.ts";
import { adminId, brokerId, clientId, clientNodes, layoutOf, type RunLayout } from "./layout.ts";
import {
  acksPromiseDurability,
  type RunSettings,
  resolveSettings,
  topicConfigs,
} from "./settings.ts";

export interface BuildOptions {
  readonly trace?: TraceWriter;
  readonly observers?: readonly TraceObserver[];
  readonly commit?: string;
  readonly draws?: import("../prng.ts").DrawLog;
}

/** Everything a run is made of, for the driver (run.ts), the checkers and tools. */
export interface RunParts {
  readonly scenario: SimScenario;
  readonly settings: RunSettings;
  readonly layout: RunLayout;
  readonly keyMap: KeyMap;
  readonly faults: DrawnFaults;
  readonly ops: readonly PlannedOp[];
  readonly plan: ClientPlan;
  readonly world: World;
  readonly watch: RunWatch;
  readonly observations: Observations;
  readonly ledger: LossLedger;
  readonly canary: Canary | undefined;
  readonly liveness: Liveness;
  readonly disk: () => ContractDisk | undefined;
  /** The history verdict, once the final check ran. */
  readonly verdict: () => HistoryVerdict | undefined;
}

/** The seed's own workload (stream "workload"), as explicit ops. */
export function seedOps(s: SimScenario, layout: RunLayout = layoutOf(s)): PlannedOp[] {
  return workloadOps(new Workload(rootRng(s.seed).derive("workload"), layout.workload));
}

export function buildRun(s: SimScenario, options: BuildOptions = {}): RunParts {
  const settings = resolveSettings(s);
  const layout = layoutOf(s);
  const keyMap = new KeyMap(layout.workload.keys);
  const ops = s.ops ?? seedOps(s, layout);
  const plan = buildClientPlan(
    ops,
    layout.workload.producers,
    layout.slots,
    keyMap.keys(),
    layout.finalStartMs,
  );
  const clients = clientNodes(layout);
  const faults = drawFaults(s.seed, s.faults, s.weatherOff, {
    broker: brokerId,
    clients: [adminId, ...clients],
    faultPhaseMs: layout.faultPhaseMs,
  });
  const ledger = new LossLedger(acksPromiseDurability(settings));
  const observations = new Observations(keyMap);
  const watch = new RunWatch({
    broker: brokerId,
    keyMap,
    fsync: settings.fsync,
    ledger,
    observations,
  });
  const canary = s.canary && isCanarySeed(s.seed) ? new Canary() : undefined;
  let disk: ContractDisk | undefined;
  let world: World | undefined;
  const hooks: ClientHooks = {
    trueNow: () => world!.now,
    rawNow: (node) => world!.localNow(node),
    setupDone: () => (world!.view(adminId) as AdminView | undefined)?.done === true,
    seq: () => world!.trace.seq,
    nextProcessId: (() => {
      let next = 0;
      return () => next++;
    })(),
    crashed: (node, restartAtMs) => {
      world!.inject({ type: "crash", node }, world!.now);
      if (restartAtMs !== undefined) {
        world!.inject({ type: "restart", node }, Math.max(world!.now, restartAtMs));
      }
    },
    observations,
  };
  const createDisk: DiskFactory = (context) => {
    if (context.node !== brokerId) return simDiskFactory(context);
    disk = new ContractDisk(context.rng, context.params, (rot) => {
      const key = keyMap.keyOf(rot.topic, rot.partition);
      if (key === undefined) return;
      const regions = new Map([[key, { from: rot.batchBaseOffset, to: Number.POSITIVE_INFINITY }]]);
      ledger.add({ seq: world!.trace.seq, kind: "rot", regions });
    });
    return disk;
  };
  const nodes: NodeSpec[] = [
    brokerSpec(settings, watch, canary),
    {
      id: adminId,
      role: "client",
      create: () =>
        new AdminNode(
          adminId,
          brokerId,
          keyMap.topics().map((t) => ({ ...t, configs: topicConfigs(settings) })),
        ),
    },
    ...clientSpecs(layout, plan, keyMap, settings, hooks),
  ];
  const liveness = new Liveness({
    broker: brokerId,
    admin: adminId,
    finalReader: clientId(plan.finalSlot),
    finalStartMs: layout.finalStartMs,
    boundMs: s.livenessBoundMs,
    ledger,
  });
  let verdict: HistoryVerdict | undefined;
  const history = {
    name: "history",
    check: () => {
      verdict = new HistoryJudge(watch.history, watch.historySeqs, observations, ledger).verdict();
      return verdict.message;
    },
  };
  world = new World({
    seed: s.seed,
    nodes,
    durationMs: layout.endMs,
    maxEvents: 200_000_000,
    faultPhaseMs: layout.faultPhaseMs,
    faults: worldFaultPlan(faults, layout),
    faultModel: faults.model,
    createDisk,
    invariants: [{ name: "run invariants", check: () => watch.violation }],
    finalChecks: [liveness, history],
    observers: [watch.observer, liveness.observer, ...(options.observers ?? [])],
    replayArgs: scenarioArgs(s).join(" "),
    scenario: { ...scenarioHeader(s), settings },
    ...(options.trace === undefined ? {} : { trace: options.trace }),
    ...(options.commit === undefined ? {} : { commit: options.commit }),
    ...(options.draws === undefined ? {} : { draws: options.draws }),
  });
  return {
    scenario: s,
    settings,
    layout,
    keyMap,
    faults,
    ops,
    plan,
    world,
    watch,
    observations,
    ledger,
    canary,
    liveness,
    disk: () => disk,
    verdict: () => verdict,
  };
}

function worldFaultPlan(faults: DrawnFaults, layout: RunLayout): FaultPlan {
  if (faults.calm) return { mode: "none" };
  const schedule: ScheduledFault[] = [...faults.schedule];
  if (!schedule.some((f) => f.fault.type === "stabilize")) {
    schedule.push({ atMs: layout.faultPhaseMs, fault: { type: "stabilize", core: [brokerId] } });
  }
  return { mode: "explicit", schedule, params: faults.params };
}

function scenarioHeader(s: SimScenario): Record<string, unknown> {
  return {
    kind: "single-broker",
    nodes: s.nodes,
    durationMs: s.durationMs,
    profile: s.profile,
    workload: s.workload,
    drawSettings: s.drawSettings,
    partitions: s.partitions,
    faults: s.faults.mode,
    weatherOff: s.weatherOff,
    explicitOps: s.ops !== null,
    canary: s.canary,
    livenessBoundMs: s.livenessBoundMs,
  };
}

function brokerSpec(settings: RunSettings, watch: RunWatch, canary: Canary | undefined): NodeSpec {
  const config = brokerConfig({
    nodeId: brokerId,
    fsyncBeforeAck: settings.fsync,
    autoCreateTopicsEnable: false,
    // One broker: the offsets topic has one replica (Kafka's single-node server.properties), and
    // a few partitions keep a groups run's disk work small (only groups ever create it).
    offsetsTopicReplicationFactor: 1,
    offsetsTopicNumPartitions: 4,
  });
  return {
    id: brokerId,
    role: "server",
    create: ({ rng }) =>
      new BrokerNode(new Broker({ config, rng }), {
        context: { fsync: settings.fsync, gapsAllowed: false },
        fail: (message) => watch.fail(message),
        canary,
      }),
  };
}

function clientSpecs(
  layout: RunLayout,
  plan: ClientPlan,
  keyMap: KeyMap,
  settings: RunSettings,
  hooks: ClientHooks,
): NodeSpec[] {
  const w = layout.workload;
  return Array.from({ length: layout.slots + 1 }, (_, slot) => {
    const id: NodeId = clientId(slot);
    const cursor = new SlotCursor(plan.segments.get(slot) ?? []);
    const producer = slot < w.producers;
    return {
      id,
      role: "client" as const,
      create: ({ rng }) => {
        const create = (processId: number): SimClient => {
          const common = { bootstrapNodes: [brokerId], clientId: `sim-${slot}` };
          if (producer) {
            // Kafka refuses enable.idempotence without acks=all.
            const acks = w.producerConfig.enableIdempotence === true ? -1 : settings.acks;
            const config = producerConfig({ ...w.producerConfig, ...common, acks });
            return {
              kind: "producer",
              node: new SimProducer({ nodeId: id, processId, config, keyMap, rng }),
            };
          }
          const config = consumerConfig({ ...slotConsumerConfig(w, slot), ...common });
          return {
            kind: "consumer",
            node: new SimConsumer({ nodeId: id, processId, config, keyMap, rng }),
          };
        };
        return new ClientNode(id, cursor, create, hooks);
      },
    };
  });
}
