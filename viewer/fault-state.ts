// Which injected faults are in force at a moment: partitions, clogs, slow or limited links, disk
// stalls and error episodes, clock rate changes. Invariant: a fault is active from its `fault` event
// until the event that lifts it (heal, unclog, factor 1, mode none, stabilize), and a fault the world
// reports as skipped is never shown as active.

import type { Fault } from "../sim/faults.ts";

export type FaultCategory = "network" | "disk" | "clock";

export interface ActiveFault {
  /** Stable identity: what lifts it has the same key ("partition#3", "clog 1->2"). */
  readonly key: string;
  readonly category: FaultCategory;
  readonly label: string;
  readonly nodes: readonly number[];
  readonly since: number;
  /** Clogs nest: an unclog lifts one level. */
  depth: number;
}

/** A fault that happens at one instant (clock jump, connection break). */
export interface InstantFault {
  readonly category: FaultCategory;
  readonly label: string;
  readonly nodes: readonly number[];
}

export type FaultEffect =
  | { readonly kind: "start"; readonly fault: ActiveFault }
  | { readonly kind: "end"; readonly key: string }
  | { readonly kind: "instant"; readonly fault: InstantFault }
  | { readonly kind: "stabilize"; readonly core: readonly number[] }
  | { readonly kind: "none" };

function start(key: string, category: FaultCategory, label: string, nodes: number[], t: number) {
  return { kind: "start", fault: { key, category, label, nodes, since: t, depth: 1 } } as const;
}

/** What one `fault` event does to the set of active faults (process faults show as proc-*). */
export function faultEffect(fault: Fault, t: number): FaultEffect {
  switch (fault.type) {
    case "crash":
    case "restart":
    case "wipe":
    case "pause":
    case "resume":
      return { kind: "none" };
    case "partition": {
      const [a, b] = fault.sides;
      const arrow = fault.oneWay ? "-/->" : "<-/->";
      const label = `partition#${fault.id} ${fault.shape} [${a.join(",")}] ${arrow} [${b.join(",")}]`;
      return start(`partition#${fault.id}`, "network", label, [...a, ...b], t);
    }
    case "heal":
      return { kind: "end", key: `partition#${fault.id}` };
    case "clog":
      return start(
        `clog ${fault.from}->${fault.to}`,
        "network",
        `clog ${fault.from}->${fault.to}`,
        [fault.from, fault.to],
        t,
      );
    case "unclog":
      return { kind: "end", key: `clog ${fault.from}->${fault.to}` };
    case "slow": {
      const key = `slow ${fault.from}->${fault.to}`;
      if (fault.factor === 1) return { kind: "end", key };
      return start(key, "network", `${key} x${fault.factor}`, [fault.from, fault.to], t);
    }
    case "bandwidth": {
      const key = `bandwidth ${fault.from}->${fault.to}`;
      if (fault.bytesPerMs === null) return { kind: "end", key };
      return start(key, "network", `${key} ${fault.bytesPerMs} B/ms`, [fault.from, fault.to], t);
    }
    case "break": {
      const label = `break ${fault.a}${fault.b === null ? " (all)" : `<->${fault.b}`}`;
      const nodes = fault.b === null ? [fault.a] : [fault.a, fault.b];
      return { kind: "instant", fault: { category: "network", label, nodes } };
    }
    case "clock-jump": {
      const sign = fault.deltaMs >= 0 ? "+" : "";
      const label = `clock-jump ${fault.node} ${sign}${fault.deltaMs}ms`;
      return { kind: "instant", fault: { category: "clock", label, nodes: [fault.node] } };
    }
    case "clock-rate": {
      const key = `clock-rate ${fault.node}`;
      if (fault.rate === 1) return { kind: "end", key };
      return start(key, "clock", `${key} x${fault.rate}`, [fault.node], t);
    }
    case "disk-stall": {
      const key = `disk-stall ${fault.node}`;
      if (fault.factor === 1) return { kind: "end", key };
      return start(key, "disk", `${key} x${fault.factor}`, [fault.node], t);
    }
    case "disk-errors": {
      const key = `disk-errors ${fault.node}`;
      if (fault.mode === "none") return { kind: "end", key };
      return start(key, "disk", `${key} ${fault.mode}`, [fault.node], t);
    }
    case "stabilize":
      return { kind: "stabilize", core: fault.core };
    default:
      return { kind: "none" };
  }
}

/**
 * Applies an effect to the active list; returns the keys that ended. Stabilize lifts every fault
 * whose nodes are all in the core or are clients (faults outside the core stay, as in the world).
 */
export function applyFaultEffect(
  active: ActiveFault[],
  effect: FaultEffect,
  clients: ReadonlySet<number>,
): string[] {
  switch (effect.kind) {
    case "start": {
      const existing = active.find((f) => f.key === effect.fault.key);
      if (existing === undefined) active.push({ ...effect.fault });
      else if (existing.key.startsWith("clog ")) existing.depth++;
      else {
        active.splice(active.indexOf(existing), 1, { ...effect.fault });
        return [existing.key];
      }
      return [];
    }
    case "end": {
      const i = active.findIndex((f) => f.key === effect.key);
      if (i < 0) return [];
      const f = active[i]!;
      if (f.depth > 1) {
        f.depth--;
        return [];
      }
      active.splice(i, 1);
      return [effect.key];
    }
    case "stabilize": {
      const core = new Set(effect.core);
      const ended: string[] = [];
      for (let i = active.length - 1; i >= 0; i--) {
        const f = active[i]!;
        if (f.nodes.every((n) => core.has(n) || clients.has(n))) {
          ended.push(f.key);
          active.splice(i, 1);
        }
      }
      return ended;
    }
    case "instant":
    case "none":
      return [];
  }
}

/** Undoes a fault the world skipped (it was traced before the world found it inapplicable). */
export function undoSkipped(active: ActiveFault[], effect: FaultEffect, t: number): string[] {
  if (effect.kind !== "start") return [];
  const i = active.findIndex((f) => f.key === effect.fault.key);
  if (i < 0) return [];
  const f = active[i]!;
  if (f.depth > 1) {
    f.depth--;
    return [];
  }
  if (f.since !== t) return [];
  active.splice(i, 1);
  return [f.key];
}
