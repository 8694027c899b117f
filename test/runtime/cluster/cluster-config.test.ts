// The network shape of a node from its properties: the client and controller listeners, the peer
// map from controller.quorum.voters, and the clear errors for a bad voters string or a listener
// that does not match this node's voter entry.

import { describe, expect, it } from "vitest";
import { parseBrokerPropertyEntries } from "../../../core/broker/config-parser.ts";
import { nodeId } from "../../../core/ids.ts";
import {
  defaultRuntimeProperties,
  resolveNodeNetwork,
  takeRuntimeProperties,
} from "../../../runtime/cluster-config.ts";

const VOTERS = "1@127.0.0.1:19092,2@127.0.0.1:19093,3@127.0.0.1:19094";

/** Resolves properties as `runnel broker` does; the error lines when any step fails. */
function resolve(props: Record<string, string>) {
  const entries = Object.entries(props).map(([key, value]) => ({ key, value }));
  const split = takeRuntimeProperties(entries);
  if (!split.ok) return { errors: split.error };
  const config = parseBrokerPropertyEntries(split.value.rest);
  if (!config.ok) return { errors: config.error };
  const network = resolveNodeNetwork(config.value, split.value.runtime);
  return network.ok
    ? { network: network.value, runtime: split.value.runtime }
    : { errors: network.error };
}

const node1 = {
  "node.id": "1",
  listeners: "PLAINTEXT://127.0.0.1:9092,CONTROLLER://127.0.0.1:19092",
  "controller.quorum.voters": VOTERS,
};

describe("resolveNodeNetwork", () => {
  it("finds the client listener, the controller listener and every other voter", () => {
    const { network } = resolve(node1);
    expect(network?.client).toEqual({ name: "PLAINTEXT", host: "127.0.0.1", port: 9092 });
    expect(network?.peer?.listen).toEqual({ host: "127.0.0.1", port: 19092 });
    expect([...(network?.peer?.peers ?? new Map())]).toEqual([
      [nodeId(2), { host: "127.0.0.1", port: 19093 }],
      [nodeId(3), { host: "127.0.0.1", port: 19094 }],
    ]);
    // Clients are never told about the controller listener.
    expect(network?.config.advertisedListeners).toEqual([
      { name: "PLAINTEXT", host: "127.0.0.1", port: 9092 },
    ]);
  });

  it("advertises advertised.listeners, not the bind address", () => {
    const { network } = resolve({ ...node1, "advertised.listeners": "PLAINTEXT://kafka-1:9092" });
    expect(network?.config.advertisedListeners).toEqual([
      { name: "PLAINTEXT", host: "kafka-1", port: 9092 },
    ]);
    expect(network?.client?.host).toBe("127.0.0.1");
  });

  it("needs no peer links on a single node", () => {
    const { network } = resolve({ listeners: "PLAINTEXT://127.0.0.1:9092" });
    expect(network?.peer).toBeUndefined();
    expect(network?.client?.port).toBe(9092);
  });

  it("reads controller.listener.names and the shutdown properties", () => {
    const { network, runtime } = resolve({
      ...node1,
      listeners: "PLAINTEXT://127.0.0.1:9092,PEERS://127.0.0.1:19092",
      "controller.listener.names": "peers",
      "controlled.shutdown.enable": "false",
      "runnel.controlled.shutdown.timeout.ms": "5000",
    });
    expect(network?.peer?.listen.port).toBe(19092);
    expect(runtime).toEqual({
      ...defaultRuntimeProperties,
      controllerListenerNames: ["PEERS"],
      controlledShutdownEnable: false,
      controlledShutdownTimeoutMs: 5000,
    });
  });

  it.each([
    [
      "a voters entry without id@",
      { "controller.quorum.voters": "127.0.0.1:19092" },
      "is not id@host:port",
    ],
    [
      "a voters entry without a port",
      { "controller.quorum.voters": "1@127.0.0.1" },
      "is not host:port",
    ],
    [
      "a node id twice",
      { "controller.quorum.voters": "1@127.0.0.1:19092,1@127.0.0.1:19093" },
      "appears twice",
    ],
    [
      "one address twice",
      { "controller.quorum.voters": "1@127.0.0.1:19092,2@127.0.0.1:19092" },
      "is given twice",
    ],
    ["this node not a voter", { "node.id": "4" }, "is a controller but not a voter"],
    [
      "no controller listener",
      { listeners: "PLAINTEXT://127.0.0.1:9092" },
      "needs exactly one listener named in controller.listener.names",
    ],
    [
      "a controller port that is not its voter entry",
      { listeners: "PLAINTEXT://127.0.0.1:9092,CONTROLLER://127.0.0.1:19999" },
      "does not match this node's controller.quorum.voters entry 1@127.0.0.1:19092",
    ],
    [
      "a controller host that is not its voter entry",
      { listeners: "PLAINTEXT://127.0.0.1:9092,CONTROLLER://10.0.0.9:19092" },
      "does not match",
    ],
    [
      "two client listeners",
      {
        listeners: "PLAINTEXT://127.0.0.1:9092,OTHER://127.0.0.1:9093,CONTROLLER://127.0.0.1:19092",
      },
      "exactly one Kafka listener",
    ],
    [
      "only a controller listener advertised",
      { "advertised.listeners": "CONTROLLER://127.0.0.1:19092" },
      "cannot be advertised",
    ],
    [
      "a broker-only node",
      { "node.id": "4", "process.roles": "broker" },
      "broker-only nodes are not supported",
    ],
    [
      "a bad shutdown timeout",
      { "runnel.controlled.shutdown.timeout.ms": "5" },
      "must be 100..600000",
    ],
    [
      "a bad listener name list",
      { "controller.listener.names": "A B" },
      "not a list of listener names",
    ],
  ])("refuses %s", (_, change, message) => {
    const { errors } = resolve({ ...node1, ...change });
    expect(errors?.join("\n")).toContain(message);
  });

  it("refuses to advertise a wildcard bind address to clients", () => {
    const wildcard = {
      ...node1,
      listeners: "PLAINTEXT://0.0.0.0:9092,CONTROLLER://127.0.0.1:19092",
    };
    expect(resolve(wildcard).errors?.join("\n")).toContain("clients cannot connect to a wildcard");
    const told = { ...wildcard, "advertised.listeners": "PLAINTEXT://kafka-1:9092" };
    expect(resolve(told).errors).toBeUndefined();
  });

  it("accepts localhost for 127.0.0.1 and a wildcard bind for the voter's host", () => {
    expect(
      resolve({ ...node1, listeners: "PLAINTEXT://localhost:9092,CONTROLLER://localhost:19092" })
        .errors,
    ).toBeUndefined();
    expect(
      resolve({
        ...node1,
        listeners: "PLAINTEXT://0.0.0.0:9092,CONTROLLER://0.0.0.0:19092",
        "advertised.listeners": "PLAINTEXT://127.0.0.1:9092",
      }).errors,
    ).toBeUndefined();
  });
});
