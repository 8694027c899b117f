// The message type id of every PeerMessage variant on the wire. Ids are forever: a retired variant
// keeps its number unused, a new one takes a fresh number (and a codec version bump if old peers
// must not see it). The `satisfies` makes a new variant without an id a compile error.

import { assert } from "../../../core/assert.ts";
import type { PeerMessage } from "../../../core/peer-message.ts";

export type PeerMessageType = PeerMessage["type"];

export const peerTypeIds = {
  // Metadata quorum (KIP-595, KIP-630): 1-19.
  "raft-vote-request": 1,
  "raft-vote-response": 2,
  "raft-begin-quorum-epoch-request": 3,
  "raft-begin-quorum-epoch-response": 4,
  "raft-end-quorum-epoch-request": 5,
  "raft-end-quorum-epoch-response": 6,
  "raft-fetch-request": 7,
  "raft-fetch-response": 8,
  "raft-fetch-snapshot-request": 9,
  "raft-fetch-snapshot-response": 10,
  // Broker lifecycle (KIP-631, KIP-590): 20-39.
  "broker-registration-request": 20,
  "broker-registration-response": 21,
  "broker-heartbeat-request": 22,
  "broker-heartbeat-response": 23,
  "envelope-request": 24,
  "envelope-response": 25,
  "allocate-producer-ids-request": 26,
  "allocate-producer-ids-response": 27,
  // Data-partition replication: 40-59.
  "replica-fetch-request": 40,
  "replica-fetch-response": 41,
  "alter-partition-request": 42,
  "alter-partition-response": 43,
} as const satisfies { readonly [T in PeerMessageType]: number };

const byId = new Map<number, PeerMessageType>();
for (const [type, id] of Object.entries(peerTypeIds) as [PeerMessageType, number][]) {
  assert(!byId.has(id), `peer message type id ${id} is used twice`);
  assert(Number.isInteger(id) && id > 0 && id < 128, `type id ${id} fits one varint byte`);
  byId.set(id, type);
}

/** The variant a type id names, or undefined for an id this build does not know. */
export function peerTypeOf(id: number): PeerMessageType | undefined {
  return byId.get(id);
}
