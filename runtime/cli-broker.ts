// `runnel broker [server.properties] [--override key=value]...`: one node, as Kafka's
// kafka-server-start.sh takes it. With no file, the embedded default: node 1, combined controller,
// localhost:9092, data in ./data, auto topic creation on.

import fs from "node:fs";
import { Broker } from "../core/broker/broker.ts";
import { type BrokerConfig, defaultBrokerConfig } from "../core/broker/config.ts";
import {
  type PropertyEntry,
  parseBrokerPropertyEntries,
  splitProperties,
} from "../core/broker/config-parser.ts";
import { partitionLogFactory } from "../core/broker/partition-log-adapter.ts";
import { loadCompressionCodecs } from "./compression/compression-codecs.ts";
import { openDataDir } from "./data-dir.ts";
import { RuntimeDisk } from "./disk.ts";
import { Logger, LogLevel, type LogLevelName } from "./logger.ts";
import { nativeCrc32c } from "./native-crc32c.ts";
import { NodeHost } from "./node-host.ts";
import { runtimeRng } from "./random.ts";
import { KafkaServer } from "./server.ts";

const usage = `usage: runnel broker [server.properties] [--override key=value]... [options]

Runs one Runnel node (broker and metadata controller). Properties use Kafka's names:
node.id, listeners, advertised.listeners, log.dirs, num.partitions, default.replication.factor,
min.insync.replicas, log.retention.ms, log.segment.bytes, auto.create.topics.enable, ...

options:
  --override key=value   set one property (repeatable; wins over the file)
  --log-level LEVEL      debug, info (default), warn or error
  --log-format FORMAT    text (default) or json
  --help                 show this help

With no file: node.id=1, listeners=PLAINTEXT://localhost:9092, log.dirs=./data.`;

interface BrokerArgs {
  readonly file: string | undefined;
  readonly overrides: readonly PropertyEntry[];
  readonly level: LogLevelName;
  readonly json: boolean;
}

export function parseBrokerArgs(
  args: readonly string[],
): { ok: true; value: BrokerArgs } | { ok: false; error: string } {
  let file: string | undefined;
  const overrides: PropertyEntry[] = [];
  let level: LogLevelName = "info";
  let json = false;
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
    } else if (flag.startsWith("-")) {
      return { ok: false, error: `unknown option ${flag}` };
    } else if (file === undefined) {
      file = arg;
    } else {
      return { ok: false, error: `unexpected argument '${arg}' (one properties file at most)` };
    }
  }
  return { ok: true, value: { file, overrides, level, json } };
}

/** The config from the file (if any) and the overrides, on Kafka's defaults; errors as lines. */
export function loadBrokerConfig(
  args: BrokerArgs,
): { ok: true; value: BrokerConfig } | { ok: false; errors: string[] } {
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
  }
  entries.push(...args.overrides);
  const config = parseBrokerPropertyEntries(entries, defaultBrokerConfig);
  return config.ok ? config : { ok: false, errors: config.error };
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
  if (!loaded.ok) {
    process.stderr.write(
      `runnel broker: bad configuration:\n${loaded.errors.map((e) => `  ${e}`).join("\n")}\n`,
    );
    return 2;
  }
  const config = loaded.value;
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
  return serve(config, logger, dataDir.release);
}

async function serve(
  config: BrokerConfig,
  logger: Logger,
  releaseDataDir: () => void,
): Promise<number> {
  const listener = config.listeners[0]!;
  const bindHost = listener.host === "localhost" ? "127.0.0.1" : listener.host;
  const disk = new RuntimeDisk(config.logDirs);
  const broker = new Broker({
    config,
    rng: runtimeRng,
    crc: nativeCrc32c,
    codecs: await loadCompressionCodecs(),
    logFactory: partitionLogFactory,
  });
  const server = new KafkaServer({ host: bindHost, port: listener.port, logger });
  const host = new NodeHost(broker, { disk, connections: server, logger });
  server.attach(host);
  try {
    await server.listen();
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const why =
      code === "EADDRINUSE"
        ? "is already in use"
        : `cannot be opened (${(error as Error).message})`;
    process.stderr.write(`runnel broker: ${listener.host}:${listener.port} ${why}\n`);
    disk.close();
    releaseDataDir();
    return 1;
  }
  host.start();
  const advertised = config.advertisedListeners[0]!;
  logger.info(`Runnel node ${config.nodeId} listening on ${listener.host}:${listener.port}`, {
    data: config.logDirs,
  });
  logger.info(
    `connect with any Kafka client: bootstrap.servers=${advertised.host}:${advertised.port} (e.g. kcat -b ${advertised.host}:${advertised.port} -L)`,
  );
  return new Promise<number>((resolve) => {
    let stopping = false;
    const stop = (signal: string) => {
      if (stopping) process.exit(130); // a second signal: do not wait
      stopping = true;
      logger.info("shutting down", { signal });
      void server.shutdown().then(() => {
        host.stop();
        disk.close();
        releaseDataDir();
        logger.info("stopped");
        resolve(0);
      });
    };
    process.once("SIGINT", () => stop("SIGINT"));
    process.once("SIGTERM", () => stop("SIGTERM"));
  });
}
