// The network shape of one `runnel broker` process: which listener serves Kafka clients, which one
// carries peer traffic (the CONTROLLER listener, checked against this node's controller.quorum.voters
// entry), and every other voter's peer address. Also the properties only the runtime reads.

import type { BrokerConfig, ListenerConfig } from "../core/broker/config.ts";
import { brokerConfig, quorumVoterIds } from "../core/broker/config.ts";
import type { PropertyEntry } from "../core/broker/config-parser.ts";
import type { NodeId } from "../core/ids.ts";
import { err, ok, type Result } from "../core/result.ts";
import type { PeerAddress } from "./peer/link-options.ts";

/** Properties the runtime reads itself (the core's table does not know them). */
export interface RuntimeProperties {
  /** controller.listener.names: listeners that carry peer traffic, never Kafka clients. */
  readonly controllerListenerNames: readonly string[];
  /** controlled.shutdown.enable: on SIGTERM, ask the controller to move leaderships away first. */
  readonly controlledShutdownEnable: boolean;
  /** runnel.controlled.shutdown.timeout.ms: the longest wait for the controller's go-ahead. */
  readonly controlledShutdownTimeoutMs: number;
}

export const defaultRuntimeProperties: RuntimeProperties = {
  controllerListenerNames: ["CONTROLLER"],
  controlledShutdownEnable: true,
  controlledShutdownTimeoutMs: 30_000,
};

/** Bounds of runnel.controlled.shutdown.timeout.ms (one heartbeat round up to ten minutes). */
const SHUTDOWN_TIMEOUT_MIN_MS = 100;
const SHUTDOWN_TIMEOUT_MAX_MS = 600_000;

/** Splits the runtime's own properties off `entries`; the rest goes to the core's parser. */
export function takeRuntimeProperties(
  entries: readonly PropertyEntry[],
): Result<{ rest: PropertyEntry[]; runtime: RuntimeProperties }, string[]> {
  const rest: PropertyEntry[] = [];
  const errors: string[] = [];
  let runtime = defaultRuntimeProperties;
  for (const entry of entries) {
    const where = entry.line === undefined ? entry.key : `line ${entry.line}: ${entry.key}`;
    const value = entry.value.trim();
    if (entry.key === "controller.listener.names") {
      const names = value.split(",").map((n) => n.trim().toUpperCase());
      if (names.some((n) => !/^[A-Z0-9_]+$/.test(n))) {
        errors.push(`${where}: "${value}" is not a list of listener names`);
      } else runtime = { ...runtime, controllerListenerNames: names };
    } else if (entry.key === "controlled.shutdown.enable") {
      if (value !== "true" && value !== "false") errors.push(`${where}: must be true or false`);
      else runtime = { ...runtime, controlledShutdownEnable: value === "true" };
    } else if (entry.key === "runnel.controlled.shutdown.timeout.ms") {
      const ms = /^\d+$/.test(value) ? Number(value) : Number.NaN;
      if (!(ms >= SHUTDOWN_TIMEOUT_MIN_MS && ms <= SHUTDOWN_TIMEOUT_MAX_MS)) {
        errors.push(`${where}: must be ${SHUTDOWN_TIMEOUT_MIN_MS}..${SHUTDOWN_TIMEOUT_MAX_MS}`);
      } else runtime = { ...runtime, controlledShutdownTimeoutMs: ms };
    } else rest.push(entry);
  }
  return errors.length === 0 ? ok({ rest, runtime }) : err(errors);
}

export interface PeerNetwork {
  /** Where this node accepts peer connections (its controller listener). */
  readonly listen: PeerAddress;
  /** Every other voter's peer address. */
  readonly peers: ReadonlyMap<NodeId, PeerAddress>;
}

export interface NodeNetwork {
  /** The config with the controller listeners left out of advertised.listeners. */
  readonly config: BrokerConfig;
  /** The Kafka listener clients use; undefined on a controller-only node. */
  readonly client: ListenerConfig | undefined;
  /** Peer links; undefined on a single node (no other voters). */
  readonly peer: PeerNetwork | undefined;
}

/** Checks listeners against controller.listener.names and the voters; every problem as a line. */
export function resolveNodeNetwork(
  config: BrokerConfig,
  runtime: RuntimeProperties,
): Result<NodeNetwork, string[]> {
  const isController = (l: ListenerConfig) => runtime.controllerListenerNames.includes(l.name);
  const errors: string[] = [];
  const clientListeners = config.listeners.filter((l) => !isController(l));
  const isBroker = config.processRoles.includes("broker");
  if (isBroker && clientListeners.length !== 1) {
    errors.push(
      `listeners: exactly one Kafka listener besides ${runtime.controllerListenerNames.join(",")} is needed, found ${clientListeners.length}`,
    );
  }
  const advertised = config.advertisedListeners.filter((l) => !isController(l));
  if (config.explicitProperties.includes("advertised.listeners") && advertised.length === 0) {
    errors.push("advertised.listeners: a controller listener cannot be advertised to clients");
  }
  const told = advertised.length > 0 ? advertised : clientListeners;
  if (told.some((l) => isWildcard(l.host))) {
    errors.push(
      "advertised.listeners: clients cannot connect to a wildcard address; with listeners on 0.0.0.0, set advertised.listeners to a reachable host",
    );
  }
  const peer = peerNetwork(config, config.listeners.filter(isController), runtime, errors);
  if (errors.length > 0) return err(errors);
  const client = clientListeners[0];
  const advertisedListeners = advertised.length > 0 ? advertised : clientListeners;
  return ok({
    config:
      advertisedListeners.length > 0 ? brokerConfig({ ...config, advertisedListeners }) : config,
    client,
    peer,
  });
}

function peerNetwork(
  config: BrokerConfig,
  controllerListeners: readonly ListenerConfig[],
  runtime: RuntimeProperties,
  errors: string[],
): PeerNetwork | undefined {
  const voters = config.controllerQuorumVoters;
  const ids = quorumVoterIds(config);
  if (new Set(ids).size !== ids.length) {
    errors.push(`controller.quorum.voters: a node id appears twice (${ids.join(",")})`);
    return undefined;
  }
  const own = voters.find((v) => v.id === config.nodeId);
  if (own === undefined) {
    if (voters.length > 0) {
      errors.push(
        "process.roles=broker: broker-only nodes are not supported by `runnel broker` yet (controllers could not reach them); make every node a voter (process.roles=broker,controller)",
      );
    }
    return undefined;
  }
  if (voters.length <= 1) return undefined;
  const names = runtime.controllerListenerNames.join(",");
  const listener = controllerListeners[0];
  if (listener === undefined || controllerListeners.length > 1) {
    errors.push(
      `listeners: a voter needs exactly one listener named in controller.listener.names (${names}), e.g. listeners=PLAINTEXT://${own.host}:9092,CONTROLLER://${own.host}:${own.port}`,
    );
    return undefined;
  }
  if (
    listener.port !== own.port ||
    (!isWildcard(listener.host) && !sameHost(listener.host, own.host))
  ) {
    errors.push(
      `listeners: ${listener.name}://${listener.host}:${listener.port} does not match this node's controller.quorum.voters entry ${own.id}@${own.host}:${own.port}`,
    );
    return undefined;
  }
  const addresses = new Set<string>();
  for (const v of voters) {
    const key = `${v.host.toLowerCase()}:${v.port}`;
    if (addresses.has(key)) errors.push(`controller.quorum.voters: ${key} is given twice`);
    addresses.add(key);
  }
  const peers = new Map<NodeId, PeerAddress>();
  for (const v of voters) if (v.id !== config.nodeId) peers.set(v.id, bindable(v));
  return { listen: bindable(listener), peers };
}

function isWildcard(host: string): boolean {
  return host === "" || host === "0.0.0.0" || host === "::";
}

function sameHost(a: string, b: string): boolean {
  const local = (h: string) => (h === "localhost" ? "127.0.0.1" : h.toLowerCase());
  return local(a) === local(b);
}

/** localhost as 127.0.0.1 (Node may resolve it to ::1 first, where nothing listens); "" as any. */
function bindable(address: { host: string; port: number }): PeerAddress {
  const host =
    address.host === "localhost" ? "127.0.0.1" : address.host === "" ? "0.0.0.0" : address.host;
  return { host, port: address.port };
}
