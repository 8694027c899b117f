// Command-line arguments of cluster runs (the part of `runnel sim` that --nodes 3/5 selects): the
// seed or a range of seeds, and the scenario fields clusterArgs prints. Bad input is a value.

import { workloadKinds } from "../core/client/workload-kinds.ts";
import { err, ok, type Result } from "../core/result.ts";
import {
  type ClusterScenario,
  clusterScenario,
  type defaultClusterScenario,
} from "./cluster-scenario.ts";
import { type FaultKind, faultKinds } from "./faults.ts";
import { parseSeed } from "./prng.ts";

export interface ClusterArgs {
  readonly scenarios: ClusterScenario[];
  readonly stopOnFailure: boolean;
}

function millis(text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  const match = /^(\d+)(ms|s)?$/.exec(text);
  if (match === null) return undefined;
  return Number(match[1]) * (match[2] === "s" ? 1_000 : 1);
}

export function parseClusterArgs(argv: readonly string[]): Result<ClusterArgs, string> {
  let seed = 1n;
  let seeds = 1;
  let stopOnFailure = true;
  const o: {
    -readonly [K in keyof typeof defaultClusterScenario]?: (typeof defaultClusterScenario)[K];
  } = {};
  for (let i = 0; i < argv.length; i++) {
    const flag = argv[i];
    const value = argv[i + 1];
    const next = () => {
      i++;
      return value;
    };
    switch (flag) {
      case "--seed": {
        const parsed = parseSeed(next() ?? "");
        if (parsed === undefined) return err(`--seed ${value}: not a seed`);
        seed = parsed;
        break;
      }
      case "--seeds":
        seeds = Number(next());
        if (!Number.isSafeInteger(seeds) || seeds < 1) return err(`--seeds ${value}`);
        break;
      case "--keep-going":
        stopOnFailure = false;
        break;
      case "--nodes":
        o.nodes = Number(next());
        break;
      case "--duration": {
        const ms = millis(next());
        if (ms === undefined) return err(`--duration ${value}`);
        o.durationMs = ms;
        break;
      }
      case "--liveness-bound": {
        const ms = millis(next());
        if (ms === undefined) return err(`--liveness-bound ${value}`);
        o.livenessBoundMs = ms;
        break;
      }
      case "--profile":
        if (value !== "light" && value !== "heavy") return err(`--profile ${value}`);
        o.profile = next() as "light" | "heavy";
        break;
      case "--workload": {
        const kind = workloadKinds.find((k) => k === value);
        if (kind === undefined)
          return err(`--workload ${value}: one of ${workloadKinds.join(", ")}`);
        o.workload = kind;
        next();
        break;
      }
      case "--partitions":
        o.partitions = Number(next());
        break;
      case "--rf":
        o.replicationFactor = Number(next());
        break;
      case "--min-isr":
        o.minInsyncReplicas = Number(next());
        break;
      case "--unclean":
        o.unclean = true;
        break;
      case "--acks":
        if (value !== "1" && value !== "all" && value !== "-1") return err(`--acks ${value}`);
        o.acks = next() === "1" ? 1 : -1;
        break;
      case "--faults": {
        const text = next() ?? "";
        if (text === "none") o.faults = { mode: "none" };
        else {
          const kinds = text.split(",") as FaultKind[];
          const unknown = kinds.find((k) => !faultKinds.includes(k));
          if (unknown !== undefined) return err(`--faults: unknown kind ${unknown}`);
          o.faults = { mode: "kinds", kinds };
        }
        break;
      }
      default:
        return err(`unknown argument ${flag}`);
    }
  }
  const scenarios: ClusterScenario[] = [];
  for (let n = 0; n < seeds; n++) scenarios.push(clusterScenario(seed + BigInt(n), o));
  return ok({ scenarios, stopOnFailure });
}
