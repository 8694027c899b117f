// `runnel broker [server.properties] [--override key=value]...`: one node, as Kafka's
// kafka-server-start.sh takes it. With no file, the embedded default: node 1, combined controller,
// localhost:9092, data in ./data, auto topic creation on.

import fs from "node:fs";
import {
  type BrokerConfig,
  defaultBrokerConfig,
  singleNodeProperties,
} from "../core/broker/config.ts";
import {
  type PropertyEntry,
  parseBrokerPropertyEntries,
  splitProperties,
} from "../core/broker/config-parser.ts";
import {
  type NodeNetwork,
  type RuntimeProperties,
  resolveNodeNetwork,
  takeRuntimeProperties,
} from "./cluster-config.ts";
import { openDataDir } from "./data-dir.ts";
import { Logger, LogLevel, type LogLevelName } from "./logger.ts";
import { startNode } from "./running-node.ts";

const usage = `usage: runnel broker [server.properties] [--override key=value]... [options]

Runs one Runnel node (broker and metadata controller). Properties use Kafka's names:
node.id, listeners, advertised.listeners, log.dirs, num.partitions, default.replication.factor,
min.insync.replicas, log.retention.ms, log.segment.bytes, auto.create.topics.enable, ...

options:
  --override key=value   set one property (repeatable; wins over the file)
  --log-level LEVEL      debug, info (default), warn or error
  --log-format FORMAT    text (default) or json
  --stop-on-stdin-eof    stop as on SIGTERM when standard input closes (for supervisors)
  --help                 show this help

With no file: node.id=1, listeners=PLAINTEXT://localhost:9092, log.dirs=./data.

A cluster: give every node the same controller.quorum.voters (id@host:port of each node's
CONTROLLER listener) and a CONTROLLER listener of its own, e.g. for node 1 of 3:
  node.id=1
  listeners=PLAINTEXT://127.0.0.1:9092,CONTROLLER://127.0.0.1:19092
  controller.listener.names=CONTROLLER
  controller.quorum.voters=1@127.0.0.1:19092,2@127.0.0.1:19093,3@127.0.0.1:19094
Clients are told advertised.listeners (default: the non-controller listener). Every node must
be a voter (process.roles=broker,controller); \`runnel cluster\` starts such a cluster locally.

Stopping: SIGTERM or SIGINT runs a controlled shutdown (the controller moves this node's
leaderships away while clients are still answered; at most runnel.controlled.shutdown.timeout.ms,
default 30000; controlled.shutdown.enable=false skips it), then closes the listener, syncs the
data folder and exits 0. A second signal exits at once (130).`;

interface BrokerArgs {
  readonly file: string | undefined;
  readonly overrides: readonly PropertyEntry[];
  readonly level: LogLevelName;
  readonly json: boolean;
  /** Stop (as on SIGTERM) when standard input closes: a supervisor that died cannot signal. */
  readonly stopOnStdinEof: boolean;
}

export function parseBrokerArgs(
  args: readonly string[],
): { ok: true; value: BrokerArgs } | { ok: false; error: string } {
  let file: string | undefined;
  const overrides: PropertyEntry[] = [];
  let level: LogLevelName = "info";
  let json = false;
  let stopOnStdinEof = false;
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    const [flag, inline] =
      arg.startsWith("--") && arg.includes("=")
        ? [arg.slice(0, arg.indexOf("=")), arg.slice(arg.indexOf("=") + 1)]
        : [arg, undefined];
    const value = (): string | undefined => inline ?? args[++i];
    if (flag === "--override") {
      const pair = value();
      const at = pair?.indexOf("=") ?? -1;
      if (pair === undefined || at <= 0)
        return { ok: false, error: `--override needs key=value, got '${pair ?? ""}'` };
      overrides.push({ key: pair.slice(0, at).trim(), value: pair.slice(at + 1).trim() });
    } else if (flag === "--log-level") {
      const name = value();
      if (name === undefined || !(name in LogLevel))
        return { ok: false, error: `--log-level must be debug, info, warn or error` };
      level = name as LogLevelName;
    } else if (flag === "--log-format") {
      const name = value();
      if (name !== "text" && name !== "json")
        return { ok: false, error: "--log-format must be text or json" };
      json = name === "json";
    } else if (flag === "--stop-on-stdin-eof") {
      stopOnStdinEof = true;
    } else if (flag.startsWith("-")) {
      return { ok: false, error: `unknown option ${flag}` };
    } else if (file === undefined) {
      file = arg;
    } else {
      return { ok: false, error: `unexpected argument '${arg}' (one properties file at most)` };
    }
  }
  return { ok: true, value: { file, overrides, level, json, stopOnStdinEof } };
}

/** The config from the file (if any) and the overrides, on Kafka's defaults; errors as lines. */
export function loadBrokerConfig(
  args: BrokerArgs,
): { ok: true; value: BrokerConfig; runtime: RuntimeProperties } | { ok: false; errors: string[] } {
  const entries: PropertyEntry[] = [];
  if (args.file !== undefined) {
    let text: string;
    try {
      text = fs.readFileSync(args.file, "utf8");
    } catch (error) {
      return { ok: false, errors: [`cannot read ${args.file}: ${(error as Error).message}`] };
    }
    const parsed = splitProperties(text);
    if (!parsed.ok) return { ok: false, errors: parsed.error.map((e) => `${args.file}: ${e}`) };
    // An override replaces the file's value rather than repeating the key.
    const overridden = new Set(args.overrides.map((o) => o.key));
    entries.push(...parsed.value.filter((entry) => !overridden.has(entry.key)));
  } else if (!namesSeveralVoters(args.overrides)) {
    // No file: what Kafka's single-node server.properties sets (one-replica internal topics).
    // Not for a cluster member: its internal topics must be replicated like Kafka's default (3).
    const overridden = new Set(args.overrides.map((o) => o.key));
    for (const [key, value] of Object.entries(singleNodeProperties)) {
      if (!overridden.has(key)) entries.push({ key, value });
    }
  }
  entries.push(...args.overrides);
  const split = takeRuntimeProperties(entries);
  if (!split.ok) return { ok: false, errors: split.error };
  const config = parseBrokerPropertyEntries(split.value.rest, defaultBrokerConfig);
  return config.ok
    ? { ok: true, value: config.value, runtime: split.value.runtime }
    : { ok: false, errors: config.error };
}

function namesSeveralVoters(overrides: readonly PropertyEntry[]): boolean {
  const voters = overrides.find((o) => o.key === "controller.quorum.voters");
  return voters !== undefined && voters.value.split(",").filter((v) => v.trim() !== "").length > 1;
}

export async function runBroker(args: readonly string[]): Promise<number> {
  if (args.includes("--help") || args.includes("-h")) {
    process.stdout.write(`${usage}\n`);
    return 0;
  }
  const parsed = parseBrokerArgs(args);
  if (!parsed.ok) {
    process.stderr.write(`runnel broker: ${parsed.error}\n\n${usage}\n`);
    return 2;
  }
  const loaded = loadBrokerConfig(parsed.value);
  const network = loaded.ok ? resolveNodeNetwork(loaded.value, loaded.runtime) : undefined;
  if (!loaded.ok || network === undefined || !network.ok) {
    const errors = !loaded.ok
      ? loaded.errors
      : network !== undefined && !network.ok
        ? network.error
        : [];
    process.stderr.write(
      `runnel broker: bad configuration:\n${errors.map((e) => `  ${e}`).join("\n")}\n`,
    );
    return 2;
  }
  const config = network.value.config;
  const logger = new Logger(
    { level: parsed.value.level, json: parsed.value.json },
    { node: config.nodeId },
  );
  const dataDir = openDataDir(config.logDirs, {
    clusterId: config.clusterId,
    nodeId: config.nodeId,
  });
  if (!dataDir.ok) {
    process.stderr.write(`runnel broker: ${dataDir.error}\n`);
    return 1;
  }
  const started = await startNode(network.value, loaded.runtime, logger);
  if (!started.ok) {
    process.stderr.write(`runnel broker: ${started.error}\n`);
    dataDir.release();
    return 1;
  }
  announce(network.value, logger);
  return new Promise<number>((resolve) => {
    let stopping = false;
    const stop = (signal: string) => {
      if (stopping) {
        logger.warn("second signal: exiting without waiting", { signal });
        process.exit(130);
      }
      stopping = true;
      void started.value.stop(signal).then(() => {
        dataDir.release();
        if (parsed.value.stopOnStdinEof) process.stdin.destroy(); // nothing left to wait for
        resolve(0);
      });
    };
    process.on("SIGINT", () => stop("SIGINT"));
    process.on("SIGTERM", () => stop("SIGTERM"));
    if (parsed.value.stopOnStdinEof) {
      process.stdin.on("data", () => undefined); // read (and ignore) until the supervisor is gone
      process.stdin.once("end", () => {
        if (!stopping) stop("stdin closed");
      });
    }
  });
}

function announce(network: NodeNetwork, logger: Logger): void {
  const config = network.config;
  const client = network.client;
  const peer = network.peer;
  logger.info(
    `Runnel node ${config.nodeId} (${config.processRoles.join(",")}) ${client === undefined ? "serves no clients" : `listening on ${client.host}:${client.port}`}`,
    {
      data: config.logDirs,
      ...(peer === undefined
        ? {}
        : {
            controller: `${peer.listen.host}:${peer.listen.port}`,
            voters: config.controllerQuorumVoters
              .map((v) => `${v.id}@${v.host}:${v.port}`)
              .join(","),
          }),
    },
  );
  if (client === undefined) return;
  const advertised = config.advertisedListeners[0]!;
  logger.info(
    `connect with any Kafka client: bootstrap.servers=${advertised.host}:${advertised.port} (e.g. kcat -b ${advertised.host}:${advertised.port} -L)`,
  );
}
