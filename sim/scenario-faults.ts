// A compact text form of fault schedules, for replay commands and text scenarios:
// `1200 crash 1; 3400 restart 1; 5000 clog 1->1001`. Invariant: parseSchedule(formatSchedule(s))
// gives back s exactly, and anything unparseable is an error value naming the entry.

import { assertNever } from "../core/assert.ts";
import { type NodeId, nodeId } from "../core/ids.ts";
import { err, ok, type Result } from "../core/result.ts";
import type { DiskErrorMode, Fault, PartitionShape, ScheduledFault } from "./faults.ts";

const list = (nodes: readonly NodeId[]) => `[${nodes.join(",")}]`;

/** One fault as text (the inverse of parseFault). */
export function formatFault(fault: Fault): string {
  switch (fault.type) {
    case "crash":
    case "restart":
    case "wipe":
    case "pause":
    case "resume":
      return `${fault.type} ${fault.node}`;
    case "partition": {
      const arrow = fault.oneWay ? "-/->" : "<-/->";
      return `partition#${fault.id} ${fault.shape} ${list(fault.sides[0])}${arrow}${list(fault.sides[1])}`;
    }
    case "heal":
      return `heal#${fault.id}`;
    case "clog":
    case "unclog":
      return `${fault.type} ${fault.from}->${fault.to}`;
    case "break":
      return fault.b === null ? `break ${fault.a}` : `break ${fault.a}<->${fault.b}`;
    case "slow":
      return `slow ${fault.from}->${fault.to} x${fault.factor}`;
    case "bandwidth":
      return `bandwidth ${fault.from}->${fault.to} ${fault.bytesPerMs ?? "unlimited"}`;
    case "clock-jump":
      return `clock-jump ${fault.node} ${fault.deltaMs >= 0 ? "+" : ""}${fault.deltaMs}`;
    case "clock-rate":
      return `clock-rate ${fault.node} ${fault.rate}`;
    case "disk-stall":
      return `disk-stall ${fault.node} x${fault.factor}`;
    case "disk-errors":
      return `disk-errors ${fault.node} ${fault.mode}`;
    case "stabilize":
      return `stabilize ${list(fault.core)}`;
    default:
      return assertNever(fault, "fault");
  }
}

export function formatSchedule(schedule: readonly ScheduledFault[]): string {
  return schedule.map(({ atMs, fault }) => `${atMs} ${formatFault(fault)}`).join("; ");
}

const num = (text: string | undefined): number | undefined => {
  if (text === undefined || !/^[+-]?\d+(\.\d+)?(e[+-]?\d+)?$/.test(text)) return undefined;
  return Number(text);
};
const node = (text: string | undefined): NodeId | undefined => {
  const n = num(text);
  return n !== undefined && Number.isSafeInteger(n) && n >= 0 ? nodeId(n) : undefined;
};
const link = (text: string | undefined): [NodeId, NodeId] | undefined => {
  const m = /^(\d+)->(\d+)$/.exec(text ?? "");
  return m === null ? undefined : [nodeId(Number(m[1])), nodeId(Number(m[2]))];
};
const nodeList = (text: string): NodeId[] | undefined => {
  const m = /^\[([\d,]*)\]$/.exec(text);
  if (m === null) return undefined;
  return m[1] === "" ? [] : m[1]!.split(",").map((n) => nodeId(Number(n)));
};

/** Parses one fault's text; undefined when it is not a fault. */
export function parseFault(text: string): Fault | undefined {
  const words = text.trim().split(/\s+/);
  const [verb = "", a, b] = words;
  switch (verb) {
    case "crash":
    case "restart":
    case "wipe":
    case "pause":
    case "resume": {
      const n = node(a);
      return n === undefined || words.length !== 2 ? undefined : { type: verb, node: n };
    }
    case "clog":
    case "unclog": {
      const l = link(a);
      return l === undefined ? undefined : { type: verb, from: l[0], to: l[1] };
    }
    case "break": {
      const m = /^(\d+)(?:<->(\d+))?$/.exec(a ?? "");
      if (m === null) return undefined;
      return {
        type: "break",
        a: nodeId(Number(m[1])),
        b: m[2] === undefined ? null : nodeId(Number(m[2])),
      };
    }
    case "slow":
    case "disk-stall": {
      const factor = num(b?.startsWith("x") ? b.slice(1) : undefined);
      if (factor === undefined) return undefined;
      if (verb === "disk-stall") {
        const n = node(a);
        return n === undefined ? undefined : { type: verb, node: n, factor };
      }
      const l = link(a);
      return l === undefined ? undefined : { type: verb, from: l[0], to: l[1], factor };
    }
    case "bandwidth": {
      const l = link(a);
      const bytesPerMs = b === "unlimited" ? null : num(b);
      if (l === undefined || bytesPerMs === undefined) return undefined;
      return { type: verb, from: l[0], to: l[1], bytesPerMs };
    }
    case "clock-jump":
    case "clock-rate": {
      const n = node(a);
      const value = num(b);
      if (n === undefined || value === undefined) return undefined;
      return verb === "clock-jump"
        ? { type: verb, node: n, deltaMs: value }
        : { type: verb, node: n, rate: value };
    }
    case "disk-errors": {
      const n = node(a);
      const modes: readonly DiskErrorMode[] = ["none", "eio", "enospc"];
      const mode = modes.find((m) => m === b);
      return n === undefined || mode === undefined ? undefined : { type: verb, node: n, mode };
    }
    case "stabilize": {
      const core = nodeList(words.slice(1).join(""));
      return core === undefined ? undefined : { type: verb, core };
    }
    default:
      return parsePartition(text.trim());
  }
}

function parsePartition(text: string): Fault | undefined {
  const heal = /^heal#(\d+)$/.exec(text);
  if (heal !== null) return { type: "heal", id: Number(heal[1]) };
  const m =
    /^partition#(\d+)\s+(isolate|halves|random)\s+(\[[\d,]*\])\s*(<-\/->|-\/->)\s*(\[[\d,]*\])$/.exec(
      text,
    );
  if (m === null) return undefined;
  const left = nodeList(m[3]!);
  const right = nodeList(m[5]!);
  if (left === undefined || right === undefined) return undefined;
  return {
    type: "partition",
    id: Number(m[1]),
    shape: m[2] as PartitionShape,
    oneWay: m[4] === "-/->",
    sides: [left, right],
  };
}

/** Parses `1200 crash 1; 3400 restart 1`; entries need not be sorted. */
export function parseSchedule(text: string): Result<ScheduledFault[], string> {
  const schedule: ScheduledFault[] = [];
  for (const entry of text.split(";")) {
    const trimmed = entry.trim();
    if (trimmed === "") continue;
    const m = /^(\d+(?:\.\d+)?)\s+(.+)$/.exec(trimmed);
    const fault = m === null ? undefined : parseFault(m[2]!);
    if (m === null || fault === undefined) return err(`bad schedule entry '${trimmed}'`);
    schedule.push({ atMs: Number(m[1]), fault });
  }
  return ok(schedule);
}
