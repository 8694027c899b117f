// One Runnel node serving in this process: the Kafka listener, the peer links (in a cluster), the
// host driving the core Broker, and how it stops: controlled shutdown first (leaderships moved away
// while clients are still answered), then the listener, the links and the disk, files synced.

import { Broker } from "../core/broker/broker.ts";
import type { BrokerConfig } from "../core/broker/config.ts";
import { partitionLogFactory } from "../core/broker/partition-log-adapter.ts";
import type { TraceEvent } from "../core/trace.ts";
import type { NodeNetwork, RuntimeProperties } from "./cluster-config.ts";
import { loadCompressionCodecs } from "./compression/compression-codecs.ts";
import { RuntimeDisk } from "./disk.ts";
import type { Logger } from "./logger.ts";
import { nativeCrc32c } from "./native-crc32c.ts";
import { NodeHost } from "./node-host.ts";
import type { PeerInput } from "./peer/link-options.ts";
import { PeerLinks } from "./peer/links.ts";
import { runtimeRng } from "./random.ts";
import { KafkaServer } from "./server.ts";
import { syncTree } from "./sync-tree.ts";

/** Inputs from peers before the node started, replayed once it has (at most this many). */
const EARLY_INPUTS_MAX = 10_000;
/** After the controller's go-ahead: time for the last messages (EndQuorumEpoch) to leave. */
const FAREWELL_MS = 100;
/** No quorum leader known this long during a controlled shutdown: give it up (3 election timeouts). */
const LEADERLESS_GIVE_UP_MS = 3_000;

export interface StartedNode {
  readonly broker: Broker;
  readonly host: NodeHost;
  /** Controlled shutdown (in a cluster, when enabled), then everything closed; never throws. */
  stop(reason: string): Promise<void>;
}

export async function startNode(
  network: NodeNetwork,
  runtime: RuntimeProperties,
  logger: Logger,
): Promise<{ ok: true; value: StartedNode } | { ok: false; error: string }> {
  const config = network.config;
  const disk = new RuntimeDisk(config.logDirs);
  const broker = new Broker({
    config,
    rng: runtimeRng,
    crc: nativeCrc32c,
    codecs: await loadCompressionCodecs(),
    logFactory: partitionLogFactory,
  });
  const watchers = new Set<(event: TraceEvent) => void>();
  const watch = (watcher: (event: TraceEvent) => void) => {
    watchers.add(watcher);
    return () => watchers.delete(watcher);
  };
  let started = false;
  const early: PeerInput[] = [];
  const client = network.client;
  const bindHost = client?.host === "localhost" ? "127.0.0.1" : client?.host;
  const server =
    client === undefined
      ? undefined
      : new KafkaServer({ host: bindHost!, port: client.port, logger });
  let links: PeerLinks | undefined;
  const host: NodeHost = new NodeHost(broker, {
    disk,
    connections: server ?? { respond: () => undefined, close: () => undefined },
    // Sends start with host.start(), once the links listen.
    ...(network.peer === undefined ? {} : { peers: { send: (to, m) => links?.send(to, m) } }),
    logger,
    onTrace: (event) => {
      for (const watcher of watchers) watcher(event);
    },
  });
  server?.attach(host);
  try {
    const peer = network.peer;
    if (peer !== undefined) {
      links = await listening(`controller listener ${address(peer.listen)}`, () =>
        PeerLinks.listen({
          nodeId: config.nodeId,
          clusterId: config.clusterId,
          listen: peer.listen,
          peers: peer.peers,
          logger,
          onInput: (input) => {
            if (started) host.deliver(input);
            else if (early.length < EARLY_INPUTS_MAX) early.push(input);
          },
        }),
      );
    }
    if (server !== undefined && client !== undefined) {
      await listening(`${client.host}:${client.port}`, () => server.listen());
    }
  } catch (error) {
    await server?.shutdown();
    await links?.close();
    disk.close();
    return { ok: false, error: (error as Error).message };
  }
  watch((event) => {
    if (event.type === "node-ready") logger.info(`node ${config.nodeId} is ready for clients`);
  });
  host.start();
  started = true;
  for (const input of early.splice(0)) host.deliver(input);
  const parts: Parts = { broker, host, server, links, disk };
  return {
    ok: true,
    value: {
      broker,
      host,
      stop: (reason) => stopNode(parts, reason, { config, runtime, logger, watch }),
    },
  };
}

interface Parts {
  readonly broker: Broker;
  readonly host: NodeHost;
  readonly server: KafkaServer | undefined;
  readonly links: PeerLinks | undefined;
  readonly disk: RuntimeDisk;
}

interface StopContext {
  readonly config: BrokerConfig;
  readonly runtime: RuntimeProperties;
  readonly logger: Logger;
  readonly watch: (watcher: (event: TraceEvent) => void) => () => void;
}

async function stopNode(parts: Parts, reason: string, ctx: StopContext): Promise<void> {
  const { logger } = ctx;
  logger.info("shutting down", { reason });
  if (parts.links !== undefined && ctx.runtime.controlledShutdownEnable) {
    await controlledShutdown(parts, ctx);
  }
  await parts.server?.shutdown();
  parts.host.stop();
  await parts.links?.close();
  parts.disk.close();
  const synced = syncTree(ctx.config.logDirs);
  if (!synced.ok) logger.warn("could not sync every file", { error: synced.error });
  logger.info("stopped", { filesSynced: synced.ok ? synced.value : 0 });
}

/** Asks the controller to move this broker's leaderships away; waits for its go-ahead, bounded. */
async function controlledShutdown(parts: Parts, ctx: StopContext): Promise<void> {
  // Only a running (unfenced) broker can lead anything; one still starting just stops.
  if (parts.broker.view().phase !== "ready") return;
  const startedAt = Date.now();
  const timeoutMs = ctx.runtime.controlledShutdownTimeoutMs;
  let resolveDone: (done: boolean) => void = () => undefined;
  const done = new Promise<boolean>((resolve) => {
    resolveDone = resolve;
  });
  const unwatch = ctx.watch((event) => {
    if (event.type === "broker-stopped" || event.type === "broker-halted") resolveDone(true);
  });
  const timer = setTimeout(() => resolveDone(false), timeoutMs);
  // With no quorum leader for a while (the other voters stopped too, or are cut off), nobody can
  // answer: stop waiting rather than sit out the whole bound.
  let leaderlessSince: number | undefined;
  const quorumCheck = setInterval(() => {
    const known = parts.broker.view().controllerId >= 0;
    leaderlessSince = known ? undefined : (leaderlessSince ?? Date.now());
    if (leaderlessSince !== undefined && Date.now() - leaderlessSince >= LEADERLESS_GIVE_UP_MS) {
      ctx.logger.warn("controlled shutdown: no controller reachable; stopping without it", {
        ms: Date.now() - leaderlessSince,
      });
      resolveDone(false);
    }
  }, 100);
  ctx.logger.info("controlled shutdown: asking the controller to move leaderships away");
  parts.host.invoke((now) => parts.broker.beginControlledShutdown(now));
  const completed = await done;
  clearTimeout(timer);
  clearInterval(quorumCheck);
  unwatch();
  if (completed) {
    ctx.logger.info("controlled shutdown complete", { ms: Date.now() - startedAt });
    await new Promise((resolve) => setTimeout(resolve, FAREWELL_MS));
  } else if (leaderlessSince === undefined) {
    ctx.logger.warn(
      `controlled shutdown did not complete within ${timeoutMs} ms (runnel.controlled.shutdown.timeout.ms); stopping anyway`,
    );
  }
}

async function listening<T>(what: string, open: () => Promise<T>): Promise<T> {
  try {
    return await open();
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const why =
      code === "EADDRINUSE"
        ? "is already in use"
        : `cannot be opened (${(error as Error).message})`;
    throw new Error(`${what} ${why}`);
  }
}

function address(a: { host: string; port: number }): string {
  return `${a.host}:${a.port}`;
}
