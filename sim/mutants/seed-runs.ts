// One seed of a mutation run, whatever its setting: a cluster of --nodes brokers or the single
// broker (nodes 1), on the default, groups or idempotent workload; and the shrinking of a failing
// seed's fault schedule (greedy chunk removal for clusters, the simulator's shrinker for one broker).

import { clusterFaultPlan } from "../cluster-faults.ts";
import { runCluster } from "../cluster-run.ts";
import { type ClusterScenario, clusterLayout, clusterScenario } from "../cluster-scenario.ts";
import type { ScheduledFault } from "../faults.ts";
import type { Seed } from "../prng.ts";
import { type SimScenario, scenario } from "../scenario.ts";
import { runSeed } from "../seeds.ts";
import { shrinkScenario } from "../shrink.ts";
import type { MutantWorkload } from "./mutations.ts";

export interface MutantSetting {
  readonly nodes: number;
  readonly durationMs: number;
  readonly workload: MutantWorkload;
}

export interface MutantSeedOutcome {
  readonly ok: boolean;
  readonly kind: string | undefined;
  readonly message: string | undefined;
  readonly replay: string;
}

export interface ShrunkSchedule {
  readonly size: number;
  readonly from: number;
  readonly runs: number;
}

type Case =
  | { readonly type: "cluster"; readonly scenario: ClusterScenario }
  | { readonly type: "single"; readonly scenario: SimScenario };

function caseOf(seed: Seed, setting: MutantSetting): Case {
  const workload = workloadOverrides(setting.workload);
  if (setting.nodes === 1) {
    return {
      type: "single",
      scenario: scenario(seed, { durationMs: setting.durationMs, ...workload }),
    };
  }
  return {
    type: "cluster",
    scenario: clusterScenario(seed, {
      nodes: setting.nodes,
      durationMs: setting.durationMs,
      ...workload,
    }),
  };
}

/** The scenario fields that select a workload. */
function workloadOverrides(workload: MutantWorkload): { readonly workload: MutantWorkload } {
  return { workload };
}

export function runMutantSeed(seed: Seed, setting: MutantSetting): MutantSeedOutcome {
  const c = caseOf(seed, setting);
  if (c.type === "single") {
    const report = runSeed(c.scenario);
    return {
      ok: report.ok,
      kind: report.failureKind,
      message: report.message,
      replay: report.replay,
    };
  }
  const outcome = runCluster(c.scenario);
  return {
    ok: outcome.ok,
    kind: outcome.failure?.kind,
    message: outcome.failure?.message,
    replay: outcome.replay,
  };
}

export function shrinkMutantSeed(seed: Seed, setting: MutantSetting, runs: number): ShrunkSchedule {
  const c = caseOf(seed, setting);
  if (c.type === "single") {
    const result = shrinkScenario(c.scenario, { budget: runs });
    return {
      size: result.minimal.schedule.length,
      from: result.original.schedule.length,
      runs: result.runs,
    };
  }
  return shrinkCluster(c.scenario, runs);
}

function clusterFails(s: ClusterScenario): boolean {
  return !runCluster(s).ok;
}

/** Greedy chunk removal (ddmin-like) within a budget of runs; the smallest failing schedule. */
function shrinkCluster(s: ClusterScenario, shrinkRuns: number): ShrunkSchedule {
  const plan = clusterFaultPlan(s, clusterLayout(s));
  if (plan.mode !== "explicit") return { size: 0, from: 0, runs: 0 };
  let schedule: ScheduledFault[] = [...plan.schedule];
  const params = plan.params;
  const withSchedule = (list: ScheduledFault[]): ClusterScenario => ({
    ...s,
    faults:
      params === undefined
        ? { mode: "explicit", schedule: list }
        : { mode: "explicit", schedule: list, params },
  });
  let runs = 1;
  if (!clusterFails(withSchedule(schedule)))
    return { size: schedule.length, from: schedule.length, runs };
  const original = schedule.length;
  for (let chunk = Math.ceil(schedule.length / 2); chunk >= 1 && runs < shrinkRuns; ) {
    let removed = false;
    for (let at = 0; at < schedule.length && runs < shrinkRuns; ) {
      const candidate = [...schedule.slice(0, at), ...schedule.slice(at + chunk)];
      runs++;
      if (clusterFails(withSchedule(candidate))) {
        schedule = candidate;
        removed = true;
      } else {
        at += chunk;
      }
    }
    if (!removed) chunk = Math.floor(chunk / 2);
  }
  return { size: schedule.length, from: original, runs };
}
