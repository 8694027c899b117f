// What `runnel cluster` starts: its arguments, and for each node the ports, data folder and the
// `runnel broker` arguments that make N combined nodes one cluster (shared voters and cluster id).

import path from "node:path";
import { err, ok, type Result } from "../core/result.ts";

export interface ClusterArgs {
  readonly nodes: number;
  readonly basePort: number;
  readonly dataDir: string;
  readonly overrides: readonly string[];
  readonly logLevel: string;
}

export interface PlannedNode {
  readonly nodeId: number;
  readonly clientPort: number;
  readonly controllerPort: number;
  readonly dataDir: string;
  /** Arguments after the runnel executable: `broker --override ...`. */
  readonly argv: readonly string[];
}

export interface ClusterPlan {
  readonly nodes: readonly PlannedNode[];
}

export const NODES_MAX = 9;
/** A node's controller (peer) port is its client port plus this. */
export const CONTROLLER_PORT_OFFSET = 10_000;
/** Each node's controlled shutdown bound; the supervisor kills after its own, longer one. */
const CONTROLLED_SHUTDOWN_TIMEOUT_MS = 10_000;
const LOG_LEVELS = ["debug", "info", "warn", "error"];
/** Properties the plan sets per node; an --override of one would contradict it. */
const PER_NODE = [
  "node.id",
  "process.roles",
  "listeners",
  "advertised.listeners",
  "controller.listener.names",
  "controller.quorum.voters",
  "log.dirs",
];

export function parseClusterArgs(args: readonly string[]): Result<ClusterArgs, string> {
  let nodes = 3;
  let basePort = 9092;
  let dataDir = "./data";
  let logLevel = "info";
  const overrides: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    const eq = arg.indexOf("=");
    const [flag, inline] =
      arg.startsWith("--") && eq > 0 ? [arg.slice(0, eq), arg.slice(eq + 1)] : [arg, undefined];
    const value = inline ?? args[i + 1];
    if (inline === undefined) i++;
    if (value === undefined) return err(`${flag} needs a value`);
    switch (flag) {
      case "--nodes":
        nodes = Number(value);
        if (!Number.isInteger(nodes) || nodes < 1 || nodes > NODES_MAX) {
          return err(`--nodes must be 1..${NODES_MAX}, got '${value}'`);
        }
        break;
      case "--base-port":
        basePort = Number(value);
        if (!Number.isInteger(basePort) || basePort < 1) {
          return err(`--base-port must be a port number, got '${value}'`);
        }
        break;
      case "--data-dir":
        dataDir = value;
        break;
      case "--override":
        if (value.indexOf("=") <= 0) return err(`--override needs key=value, got '${value}'`);
        overrides.push(value);
        break;
      case "--log-level":
        if (!LOG_LEVELS.includes(value))
          return err("--log-level must be debug, info, warn or error");
        logLevel = value;
        break;
      default:
        return err(`unknown argument '${arg}'`);
    }
  }
  return ok({ nodes, basePort, dataDir, overrides, logLevel });
}

export function planCluster(args: ClusterArgs): Result<ClusterPlan, string> {
  const last = args.basePort + args.nodes - 1 + CONTROLLER_PORT_OFFSET;
  if (last > 65_535) {
    return err(
      `--base-port ${args.basePort} leaves no room for the controller ports (client port + ${CONTROLLER_PORT_OFFSET}, up to ${last})`,
    );
  }
  const ids = Array.from({ length: args.nodes }, (_, i) => i + 1);
  const clientPort = (id: number) => args.basePort + id - 1;
  const controllerPort = (id: number) => clientPort(id) + CONTROLLER_PORT_OFFSET;
  const voters = ids.map((id) => `${id}@127.0.0.1:${controllerPort(id)}`).join(",");
  const replication = String(Math.min(3, args.nodes));
  const given = new Set(args.overrides.map((o) => o.slice(0, o.indexOf("=")).trim()));
  // Kafka's single-node defaults would leave a cluster without redundancy; these follow the
  // usual production shape (RF 3, min ISR 2) as far as the node count allows.
  const defaults: Record<string, string> = {
    "cluster.id": "runnel-local-cluster",
    "default.replication.factor": replication,
    "min.insync.replicas": String(Math.min(2, args.nodes)),
    "offsets.topic.replication.factor": replication,
    "transaction.state.log.replication.factor": replication,
    "runnel.controlled.shutdown.timeout.ms": String(CONTROLLED_SHUTDOWN_TIMEOUT_MS),
  };
  const nodes = ids.map((id): PlannedNode => {
    const dataDir = path.join(args.dataDir, `node-${id}`);
    const fixed: Record<string, string> = {
      "node.id": String(id),
      "process.roles": "broker,controller",
      listeners: `PLAINTEXT://127.0.0.1:${clientPort(id)},CONTROLLER://127.0.0.1:${controllerPort(id)}`,
      "controller.listener.names": "CONTROLLER",
      "controller.quorum.voters": voters,
      "log.dirs": dataDir,
    };
    const chosen = Object.entries(defaults).filter(([key]) => !given.has(key));
    const argv = [
      "broker",
      "--log-level",
      args.logLevel,
      ...[...chosen.map(([k, v]) => `${k}=${v}`), ...args.overrides].flatMap((o) => [
        "--override",
        o,
      ]),
      ...Object.entries(fixed).flatMap(([k, v]) => ["--override", `${k}=${v}`]),
    ];
    return {
      nodeId: id,
      clientPort: clientPort(id),
      controllerPort: controllerPort(id),
      dataDir,
      argv,
    };
  });
  for (const key of given) {
    if (PER_NODE.includes(key))
      return err(`--override ${key}: runnel cluster sets it for each node`);
  }
  return ok({ nodes });
}
