// What the world's event queue holds, and small helpers of the loop. Invariant: every item aimed at
// a node names the incarnation it was made for, so nothing outlives the process it belonged to.

import { AssertionFailure } from "../core/assert.ts";
import type { DiskOp } from "../core/disk.ts";
import type { DiskOpId } from "../core/ids.ts";
import type { Input } from "../core/node.ts";
import type { Fault } from "./faults.ts";
import type { NetItem } from "./network.ts";
import type { NodeSlot } from "./process.ts";

/** Everything the world's agenda holds; node events carry the incarnation they were made for. */
export type QueueItem =
  | NetItem
  | {
      readonly type: "input";
      readonly slot: NodeSlot;
      readonly incarnation: number;
      readonly input: Input;
    }
  | {
      readonly type: "timer";
      readonly slot: NodeSlot;
      readonly incarnation: number;
      readonly gen: number;
    }
  | {
      readonly type: "disk";
      readonly slot: NodeSlot;
      readonly incarnation: number;
      /** The disk queue's generation when scheduled (a re-timed completion makes it stale). */
      readonly gen: number;
      readonly id: DiskOpId;
      readonly op: DiskOp;
    }
  | { readonly type: "fault"; readonly fault: Fault }
  | { readonly type: "boot"; readonly slot: NodeSlot };

/** Inputs telling a node that a connection broke (the network tracks when each is stepped). */
export function isBreakNotice(input: Input): boolean {
  const type = input.type;
  return (
    type === "peer-unreachable" || type === "client-connection-lost" || type === "connection-closed"
  );
}

/** "assertion failed: …" for core's asserts, "<Name>: …" for other errors, with the stack. */
export function describeThrown(error: unknown): { text: string; stack: string | undefined } {
  if (error instanceof AssertionFailure) {
    return { text: `assertion failed: ${error.message}`, stack: error.stack };
  }
  if (error instanceof Error)
    return { text: `${error.name}: ${error.message}`, stack: error.stack };
  return { text: `thrown: ${String(error)}`, stack: undefined };
}
