// `runnel cluster` arguments and plan: consecutive client ports, controller ports 10000 above,
// one data folder per node, shared voters, and refusals for what the plan sets itself.

import { describe, expect, it } from "vitest";
import { parseClusterArgs, planCluster } from "../../../runtime/cluster-plan.ts";

function plan(args: string[]) {
  const parsed = parseClusterArgs(args);
  if (!parsed.ok) return { error: parsed.error };
  const planned = planCluster(parsed.value);
  return planned.ok ? { plan: planned.value } : { error: planned.error };
}

function overridesOf(argv: readonly string[]): Record<string, string> {
  const out: Record<string, string> = {};
  argv.forEach((arg, i) => {
    if (arg !== "--override") return;
    const pair = argv[i + 1] ?? "";
    out[pair.slice(0, pair.indexOf("="))] = pair.slice(pair.indexOf("=") + 1);
  });
  return out;
}

describe("runnel cluster plan", () => {
  it("puts N combined nodes on consecutive ports with one voters list", () => {
    const { plan: p } = plan(["--nodes", "3", "--base-port=9092", "--data-dir", "/tmp/x"]);
    expect(p?.nodes.map((n) => [n.nodeId, n.clientPort, n.controllerPort, n.dataDir])).toEqual([
      [1, 9092, 19092, "/tmp/x/node-1"],
      [2, 9093, 19093, "/tmp/x/node-2"],
      [3, 9094, 19094, "/tmp/x/node-3"],
    ]);
    const props = overridesOf(p?.nodes[1]?.argv ?? []);
    expect(props).toMatchObject({
      "node.id": "2",
      "process.roles": "broker,controller",
      listeners: "PLAINTEXT://127.0.0.1:9093,CONTROLLER://127.0.0.1:19093",
      "controller.quorum.voters": "1@127.0.0.1:19092,2@127.0.0.1:19093,3@127.0.0.1:19094",
      "default.replication.factor": "3",
      "min.insync.replicas": "2",
      "log.dirs": "/tmp/x/node-2",
    });
    expect(p?.nodes[0]?.argv[0]).toBe("broker");
  });

  it("scales the replication defaults down to the node count, and lets overrides win", () => {
    const one = overridesOf(plan(["--nodes", "1"]).plan?.nodes[0]?.argv ?? []);
    expect(one["default.replication.factor"]).toBe("1");
    expect(one["min.insync.replicas"]).toBe("1");
    const given = plan(["--override", "min.insync.replicas=3"]).plan?.nodes[0]?.argv ?? [];
    expect(given.filter((a) => a.startsWith("min.insync.replicas="))).toEqual([
      "min.insync.replicas=3",
    ]);
  });

  it.each([
    [["--nodes", "0"], "--nodes must be 1..9"],
    [["--nodes", "ten"], "--nodes must be 1..9"],
    [["--base-port", "60000"], "leaves no room for the controller ports"],
    [["--override", "node.id=4"], "runnel cluster sets it for each node"],
    [["--override", "listeners"], "needs key=value"],
    [["--nodes"], "--nodes needs a value"],
    [["--bogus", "1"], "unknown argument"],
  ])("refuses %j", (args, message) => {
    expect(plan(args).error).toContain(message);
  });
});
