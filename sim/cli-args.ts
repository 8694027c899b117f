// `runnel sim` arguments: parsed into a scenario (what to run) and the tool's own options (seeds,
// jobs, trace, export, shrink). Invariant: bad input is an error value naming the argument; the
// scenario's arguments are exactly what scenarioArgs prints, so replay commands parse back.

import { FsyncBeforeAck } from "../core/broker/config.ts";
import { workloadKinds } from "../core/client/workload-kinds.ts";
import { err, ok, type Result } from "../core/result.ts";
import { type FaultKind, faultKinds } from "./faults.ts";
import { parseSeed, type Seed } from "./prng.ts";
import {
  checkScenario,
  defaultScenario,
  type FaultSelection,
  type SimScenario,
} from "./scenario.ts";
import { parseSchedule } from "./scenario-faults.ts";
import { parseOps } from "./scenario-ops.ts";

export type ExportFormat = "chrome" | "shiviz";

export interface CliOptions {
  readonly help: boolean;
  /** One seed, or a batch. */
  readonly seeds: readonly Seed[];
  readonly batch: boolean;
  readonly base: Omit<SimScenario, "seed">;
  readonly jobs: number;
  readonly trace: string | undefined;
  readonly traceLevel: "standard" | "full";
  readonly exportFormat: ExportFormat | undefined;
  readonly shrink: boolean;
  /** Simulation runs the shrinker may spend. */
  readonly shrinkBudget: number;
  readonly checkDeterminism: boolean;
  readonly quiet: boolean;
}

/** "60s", "500ms", "2m", or a bare number of ms. */
export function parseDuration(text: string): number | undefined {
  const m = /^(\d+(?:\.\d+)?)(ms|s|m)?$/.exec(text.trim());
  if (m === null) return undefined;
  const n = Number(m[1]);
  const unit = m[2] ?? "ms";
  return Math.round(unit === "ms" ? n : unit === "s" ? n * 1000 : n * 60_000);
}

/** `1..1000`, `0x10..0x20`, or a comma-separated list. At most 10 million seeds. */
export function parseSeedList(text: string): Result<Seed[], string> {
  const range = /^(\S+)\.\.(\S+)$/.exec(text.trim());
  if (range !== null) {
    const from = parseSeed(range[1]!);
    const to = parseSeed(range[2]!);
    if (from === undefined || to === undefined || to < from) return err(`bad seed range '${text}'`);
    if (to - from >= 10_000_000n)
      return err(`seed range '${text}' holds more than 10 million seeds`);
    const seeds: Seed[] = [];
    for (let s = from; s <= to; s++) seeds.push(s);
    return ok(seeds);
  }
  const seeds: Seed[] = [];
  for (const part of text.split(",")) {
    const seed = parseSeed(part);
    if (seed === undefined) return err(`bad seed '${part}'`);
    seeds.push(seed);
  }
  return ok(seeds);
}

function parseFaults(text: string): Result<FaultSelection, string> {
  if (text === "swarm") return ok({ mode: "swarm" });
  if (text === "none") return ok({ mode: "none" });
  const kinds = text.split(",");
  const unknown = kinds.filter((k) => !faultKinds.includes(k as FaultKind));
  if (unknown.length > 0) return err(`unknown fault kind(s): ${unknown.join(", ")} (see --help)`);
  return ok({ mode: "kinds", kinds: kinds as FaultKind[] });
}

const fsyncModes: readonly string[] = Object.values(FsyncBeforeAck);

type Mutable<T> = { -readonly [K in keyof T]: T[K] };

/** `--faults k,k` with `--schedule`: the schedule runs on weather narrowed to those kinds. */
function combineFaults(argv: readonly string[], faults: FaultSelection): FaultSelection {
  if (faults.mode !== "explicit") return faults;
  const at = argv.lastIndexOf("--faults");
  const kinds = at < 0 ? undefined : parseFaults(argv[at + 1] ?? "");
  if (kinds === undefined || !kinds.ok || kinds.value.mode !== "kinds") return faults;
  return { ...faults, kinds: kinds.value.kinds };
}

/** Splits a command line (single quotes group words) and parses what follows `runnel sim`. */
export function scenarioFromCommand(command: string): SimScenario {
  const words: string[] = [];
  for (const m of command.matchAll(/'([^']*)'|(\S+)/g)) words.push(m[1] ?? m[2]!);
  const start = words[0] === "runnel" && words[1] === "sim" ? 2 : 0;
  const parsed = parseCliArgs(words.slice(start));
  if (!parsed.ok) throw new Error(`bad command: ${parsed.error}`);
  const seed = parsed.value.seeds[0];
  if (parsed.value.batch || seed === undefined) throw new Error("the command must name one --seed");
  return { seed, ...parsed.value.base };
}

/** Parses everything after `runnel sim`. */
export function parseCliArgs(argv: readonly string[]): Result<CliOptions, string> {
  const base: Mutable<Omit<SimScenario, "seed">> = { ...defaultScenario };
  const options = {
    help: false,
    seeds: [] as Seed[],
    batch: false,
    jobs: 1,
    trace: undefined as string | undefined,
    traceLevel: "standard" as "standard" | "full",
    exportFormat: undefined as ExportFormat | undefined,
    shrink: false,
    shrinkBudget: 300,
    checkDeterminism: false,
    quiet: false,
  };
  for (let i = 0; i < argv.length; i++) {
    const flag = argv[i]!;
    const value = (): string | undefined => argv[++i];
    const problem = applyFlag(flag, value, base, options);
    if (problem !== undefined) return err(problem);
  }
  base.faults = combineFaults(argv, base.faults);
  if (options.help) return ok({ ...options, base });
  if (options.seeds.length === 0) return err("give --seed <n|0xhex> or --seeds <from..to>");
  if (options.batch && (options.trace !== undefined || options.shrink)) {
    return err("--trace and --shrink take one --seed, not --seeds");
  }
  if (options.exportFormat !== undefined && options.trace === undefined) {
    return err("--export needs --trace <file> (the export is written beside it)");
  }
  try {
    checkScenario({ seed: 0n, ...base });
  } catch (error) {
    return err(`bad scenario: ${(error as Error).message}`);
  }
  return ok({ ...options, base });
}

function applyFlag(
  flag: string,
  value: () => string | undefined,
  base: Mutable<Omit<SimScenario, "seed">>,
  o: Mutable<Omit<CliOptions, "base">> & { seeds: Seed[] },
): string | undefined {
  const need = (name: string) => {
    const v = value();
    if (v === undefined) throw new Error(`${name} needs a value`);
    return v;
  };
  try {
    switch (flag) {
      case "--help":
      case "-h":
        o.help = true;
        return undefined;
      case "--seed": {
        const seed = parseSeed(need(flag));
        if (seed === undefined) return "--seed takes a decimal or 0x-hex 64-bit number";
        o.seeds = [seed];
        o.batch = false;
        return undefined;
      }
      case "--seeds": {
        const seeds = parseSeedList(need(flag));
        if (!seeds.ok) return seeds.error;
        o.seeds = seeds.value;
        o.batch = true;
        return undefined;
      }
      case "--duration":
      case "--liveness-bound": {
        const ms = parseDuration(need(flag));
        if (ms === undefined) return `${flag} takes a duration like 60s or 500ms`;
        if (flag === "--duration") base.durationMs = ms;
        else base.livenessBoundMs = ms;
        return undefined;
      }
      case "--profile": {
        const v = need(flag);
        if (v !== "light" && v !== "heavy") return "--profile is light or heavy";
        base.profile = v;
        return undefined;
      }
      case "--workload": {
        const v = need(flag);
        const kind = workloadKinds.find((k) => k === v);
        if (kind === undefined) return `--workload is ${workloadKinds.join(", ")}`;
        base.workload = kind;
        return undefined;
      }
      case "--acks": {
        const v = need(flag);
        if (v !== "all" && v !== "1" && v !== "0" && v !== "-1") return "--acks is all, 1 or 0";
        base.acks = v === "-1" ? "all" : v;
        return undefined;
      }
      case "--fsync": {
        const v = need(flag);
        if (!fsyncModes.includes(v)) return `--fsync is one of ${fsyncModes.join(", ")}`;
        base.fsync = v as FsyncBeforeAck;
        return undefined;
      }
      case "--flush-messages":
      case "--flush-ms": {
        const v = need(flag);
        const n = v === "never" ? null : Number(v);
        if (n !== null && !(Number.isSafeInteger(n) && n >= 0))
          return `${flag} takes a count or 'never'`;
        if (flag === "--flush-messages") base.flushMessages = n;
        else base.flushMs = n;
        return undefined;
      }
      case "--draw-settings":
        base.drawSettings = true;
        return undefined;
      case "--partitions": {
        const n = Number(need(flag));
        if (!Number.isSafeInteger(n) || n < 1 || n > 64) return "--partitions takes 1..64";
        base.partitions = n;
        return undefined;
      }
      case "--nodes": {
        const n = Number(need(flag));
        if (n === 1) return undefined;
        if (n === 3 || n === 5) {
          return `--nodes ${n}: clusters are not simulated yet (they come with replication); only --nodes 1 runs today`;
        }
        return "--nodes takes 1 (3 and 5 come with the cluster)";
      }
      case "--faults": {
        const faults = parseFaults(need(flag));
        if (!faults.ok) return faults.error;
        base.faults = faults.value;
        return undefined;
      }
      case "--schedule": {
        const schedule = parseSchedule(need(flag));
        if (!schedule.ok) return schedule.error;
        base.faults = { mode: "explicit", schedule: schedule.value };
        return undefined;
      }
      case "--weather-off": {
        const kinds = need(flag).split(",");
        const unknown = kinds.filter((k) => !faultKinds.includes(k as FaultKind));
        if (unknown.length > 0) return `unknown fault kind(s): ${unknown.join(", ")}`;
        base.weatherOff = kinds as FaultKind[];
        return undefined;
      }
      case "--ops": {
        const ops = parseOps(need(flag));
        if (!ops.ok) return ops.error;
        base.ops = ops.value;
        return undefined;
      }
      case "--canary":
        base.canary = true;
        return undefined;
      case "--jobs": {
        const n = Number(need(flag));
        if (!Number.isSafeInteger(n) || n < 1 || n > 64) return "--jobs takes 1..64";
        o.jobs = n;
        return undefined;
      }
      case "--trace":
        o.trace = need(flag);
        return undefined;
      case "--trace-level": {
        const v = need(flag);
        if (v !== "standard" && v !== "full") return "--trace-level is standard or full";
        o.traceLevel = v;
        return undefined;
      }
      case "--export": {
        const v = need(flag);
        if (v !== "chrome" && v !== "shiviz") return "--export is chrome or shiviz";
        o.exportFormat = v;
        return undefined;
      }
      case "--shrink":
        o.shrink = true;
        return undefined;
      case "--shrink-budget": {
        const n = Number(need(flag));
        if (!Number.isSafeInteger(n) || n < 1) return "--shrink-budget takes a number of runs";
        o.shrinkBudget = n;
        return undefined;
      }
      case "--check-determinism":
        o.checkDeterminism = true;
        return undefined;
      case "--quiet":
        o.quiet = true;
        return undefined;
      default:
        return `unknown argument '${flag}' (see runnel sim --help)`;
    }
  } catch (error) {
    return (error as Error).message;
  }
}
