// Peer links on 127.0.0.1 for tests: start endpoints on ephemeral ports, wire their address maps,
// record every input they deliver, wait for a condition within a bound, and close everything
// that was started (each test's afterEach calls closeAll).

import net from "node:net";
import { type NodeId, nodeId } from "../../../../core/ids.ts";
import type { PeerMessage } from "../../../../core/peer-message.ts";
import { Logger } from "../../../../runtime/logger.ts";
import type { PeerInput, PeerLinksOptions } from "../../../../runtime/peer/link-options.ts";
import { PeerLinks } from "../../../../runtime/peer/links.ts";

export interface Endpoint {
  readonly id: NodeId;
  readonly links: PeerLinks;
  readonly inputs: PeerInput[];
  readonly logLines: string[];
}

const started: PeerLinks[] = [];

export type EndpointOptions = Partial<Omit<PeerLinksOptions, "nodeId" | "onInput" | "logger">>;

/** Records every input, then hands it to `forward` (e.g. a NodeHost's deliver). */
export async function startEndpoint(
  id: number,
  options: EndpointOptions = {},
  forward?: (input: PeerInput) => void,
): Promise<Endpoint> {
  const inputs: PeerInput[] = [];
  const logLines: string[] = [];
  const logger = new Logger({ level: "info", json: true, write: (line) => logLines.push(line) });
  const links = await PeerLinks.listen({
    nodeId: nodeId(id),
    clusterId: "test-cluster",
    listen: { host: "127.0.0.1", port: 0 },
    peers: new Map(),
    ...options,
    onInput: (input) => {
      inputs.push(input);
      forward?.(input);
    },
    logger,
  });
  started.push(links);
  return { id: nodeId(id), links, inputs, logLines };
}

/** Every endpoint learns every other's address. */
export function introduce(endpoints: readonly Endpoint[]): void {
  for (const a of endpoints) {
    for (const b of endpoints) if (a !== b) a.links.setPeerAddress(b.id, b.links.address);
  }
}

export async function closeAll(): Promise<void> {
  const all = started.splice(0, started.length);
  await Promise.all(all.map((links) => links.close()));
}

/** Polls `condition` every 5 ms; fails with `what` after `timeoutMs`. */
export async function waitFor(
  condition: () => boolean,
  what: string,
  timeoutMs = 5000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

/** Lets pending I/O callbacks and immediates run. */
export function settle(ms = 20): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

export function messagesFrom(endpoint: Endpoint, from: NodeId): PeerMessage[] {
  return endpoint.inputs.flatMap((i) =>
    i.type === "peer-message" && i.from === from ? [i.message] : [],
  );
}

export function unreachableCount(endpoint: Endpoint, peer: NodeId): number {
  return endpoint.inputs.filter((i) => i.type === "peer-unreachable" && i.peer === peer).length;
}

/** A small message whose correlation id numbers it. */
export function numbered(n: number, from: NodeId): PeerMessage {
  return {
    type: "raft-fetch-request",
    correlationId: n,
    epoch: 1,
    replicaId: from,
    fetchOffset: n,
    lastFetchedEpoch: 0,
    maxWaitMs: 500,
    maxBytes: 1024,
  };
}

/** A port nothing listens on (bound, then released). */
export async function deadPort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const address = server.address();
  const port = typeof address === "object" && address !== null ? address.port : 0;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}
