// The client operations of a run as explicit data (what the shrinker removes, what a replay command
// carries): `120 s0 send 3=17,4=18; 200 s2 poll; 400 s0 crash; 1400 s0 start`; group members add
// `0 s3 subscribe jepsen-0; 210 s3 commit; 900 s3 pause 8000; 950 s3 close`. Invariant: any
// subset of a valid list is valid (a command for a client that is not running is dropped), and
// parseOps(formatOps(ops)) gives back ops exactly.

import { assertNever } from "../core/assert.ts";
import type { SendRecord } from "../core/client/producer-ops.ts";
import type { Workload, WorkloadEvent } from "../core/client/workload.ts";
import { err, ok, type Result } from "../core/result.ts";

interface OpBase {
  /** True simulated time at which the client is told (ms). */
  readonly atMs: number;
  /** Client slot: producers first, then consumers (the workload's numbering). */
  readonly slot: number;
}

export type PlannedOp =
  | (OpBase & { readonly type: "start" })
  | (OpBase & { readonly type: "crash" })
  | (OpBase & { readonly type: "send"; readonly records: readonly SendRecord[] })
  | (OpBase & { readonly type: "poll" })
  | (OpBase & {
      readonly type: "assign";
      readonly keys: readonly number[];
      readonly seekToBeginning: boolean;
    })
  | (OpBase & { readonly type: "subscribe"; readonly topics: readonly string[] })
  | (OpBase & { readonly type: "commit" })
  | (OpBase & { readonly type: "close" })
  | (OpBase & { readonly type: "pause"; readonly durationMs: number });

/** The workload's events until it ends, as planned ops (process ids are handed out at run time). */
export function workloadOps(workload: Workload): PlannedOp[] {
  const ops: PlannedOp[] = [];
  const limit = 10_000_000;
  for (let i = 0; i < limit; i++) {
    const event = workload.next();
    if (event === undefined) return ops;
    ops.push(toOp(event));
  }
  throw new Error(`workload produced more than ${limit} events`);
}

function toOp(event: WorkloadEvent): PlannedOp {
  switch (event.type) {
    case "start-client":
      return { atMs: event.atMs, slot: event.client.slot, type: "start" };
    case "crash-client":
      return { atMs: event.atMs, slot: event.client.slot, type: "crash" };
    case "producer":
      return { atMs: event.atMs, slot: event.slot, type: "send", records: event.command.records };
    case "consumer": {
      const c = event.command;
      if (c.type === "poll") return { atMs: event.atMs, slot: event.slot, type: "poll" };
      const base = { atMs: event.atMs, slot: event.slot };
      switch (c.type) {
        case "assign":
          return { ...base, type: "assign", keys: c.keys, seekToBeginning: c.seekToBeginning };
        case "subscribe":
          return { ...base, type: "subscribe", topics: c.topics };
        case "commit":
        case "close":
          return { ...base, type: c.type };
        case "pause":
          return { ...base, type: "pause", durationMs: c.durationMs };
        default:
          throw new Error(`the workload does not plan consumer command ${c.type}`);
      }
    }
    default:
      return assertNever(event, "workload event");
  }
}

export function formatOp(op: PlannedOp): string {
  const head = `${op.atMs} s${op.slot}`;
  switch (op.type) {
    case "start":
    case "crash":
    case "poll":
    case "commit":
    case "close":
      return `${head} ${op.type}`;
    case "subscribe":
      return `${head} subscribe ${op.topics.join(",")}`;
    case "pause":
      return `${head} pause ${op.durationMs}`;
    case "send":
      return `${head} send ${op.records.map((r) => `${r.key}=${r.value}`).join(",")}`;
    case "assign":
      return `${head} ${op.seekToBeginning ? "assign-from-start" : "assign"} ${op.keys.join(",")}`;
    default:
      return assertNever(op, "planned op");
  }
}

export function formatOps(ops: readonly PlannedOp[]): string {
  return ops.map(formatOp).join("; ");
}

const ints = (text: string): number[] | undefined => {
  if (!/^\d+(,\d+)*$/.test(text)) return undefined;
  return text.split(",").map(Number);
};

export function parseOp(text: string): PlannedOp | undefined {
  const m = /^(\d+(?:\.\d+)?)\s+s(\d+)\s+(\S+)(?:\s+(\S+))?$/.exec(text.trim());
  if (m === null) return undefined;
  const base = { atMs: Number(m[1]), slot: Number(m[2]) };
  const [verb, arg] = [m[3]!, m[4]];
  switch (verb) {
    case "start":
    case "crash":
    case "poll":
    case "commit":
    case "close":
      return arg === undefined ? { ...base, type: verb } : undefined;
    case "subscribe": {
      const topics = (arg ?? "").split(",");
      if (topics.some((t) => !/^[\w.-]+$/.test(t))) return undefined;
      return { ...base, type: "subscribe", topics };
    }
    case "pause": {
      const durationMs = Number(arg);
      if (arg === undefined || !/^\d+$/.test(arg) || durationMs < 1) return undefined;
      return { ...base, type: "pause", durationMs };
    }
    case "send": {
      const records: SendRecord[] = [];
      for (const pair of (arg ?? "").split(",")) {
        const kv = /^(\d+)=(\d+)$/.exec(pair);
        if (kv === null) return undefined;
        records.push({ key: Number(kv[1]), value: Number(kv[2]) });
      }
      return { ...base, type: "send", records };
    }
    case "assign":
    case "assign-from-start": {
      const keys = arg === undefined ? [] : ints(arg);
      if (keys === undefined) return undefined;
      return { ...base, type: "assign", keys, seekToBeginning: verb === "assign-from-start" };
    }
    default:
      return undefined;
  }
}

export function parseOps(text: string): Result<PlannedOp[], string> {
  const ops: PlannedOp[] = [];
  for (const entry of text.split(";")) {
    if (entry.trim() === "") continue;
    const op = parseOp(entry);
    if (op === undefined) return err(`bad client op '${entry.trim()}'`);
    ops.push(op);
  }
  return ok(ops);
}
