// Carries out one effect of one node step. Invariant: an effect that breaks the node contract
// (a peer message to a non-server or to itself, an answer on someone else's connection) fails the
// run as a contract violation; legal races (an answer on a connection that just broke) are dropped.

import { assertNever } from "../core/assert.ts";
import type { DiskOp } from "../core/disk.ts";
import type { DiskOpId, NodeId } from "../core/ids.ts";
import type { Effect } from "../core/node.ts";
import type { TraceEvent } from "../core/trace.ts";
import type { Network } from "./network.ts";
import type { NodeSlot } from "./process.ts";

export interface EffectHost {
  readonly now: number;
  readonly network: Network;
  trace(node: NodeId, event: TraceEvent): void;
  isServer(node: NodeId): boolean;
  /** Queues the completion of a disk operation at `at` for the slot's current incarnation. */
  diskDoneAt(slot: NodeSlot, at: number, id: DiskOpId, op: DiskOp): void;
  contractViolation(message: string, node: NodeId): void;
}

export function carryOut(host: EffectHost, slot: NodeSlot, effect: Effect): void {
  const self = slot.id;
  switch (effect.type) {
    case "send":
      if (!host.isServer(self) || !host.isServer(effect.to) || effect.to === self) {
        host.contractViolation(
          `node ${self} sent a peer message to ${effect.to}: peer messages go between two servers`,
          self,
        );
        return;
      }
      host.network.sendPeer(self, effect.to, effect.message);
      return;
    case "request":
      if (!host.isServer(effect.to) || effect.to === self) {
        host.contractViolation(`node ${self} sent a request to ${effect.to}, not a server`, self);
        return;
      }
      host.network.sendRequest(self, effect.to, effect.correlationId, effect.request);
      return;
    case "respond": {
      const { connection, correlationId, response } = effect;
      if (host.network.respond(self, connection, correlationId, response) === "foreign") {
        host.contractViolation(
          `node ${self} answered on connection ${connection}, not its own`,
          self,
        );
      }
      return;
    }
    case "close":
      if (host.network.close(self, effect.connection, effect.reason) === "foreign") {
        host.contractViolation(
          `node ${self} closed connection ${effect.connection}, not its own`,
          self,
        );
      }
      return;
    case "disk":
      host.diskDoneAt(slot, slot.disk.submit(host.now, effect.id, effect.op), effect.id, effect.op);
      return;
    case "trace":
      host.trace(self, effect.event);
      return;
    default:
      assertNever(effect, "effect");
  }
}
