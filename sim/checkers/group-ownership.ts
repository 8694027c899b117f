// partition-owned-twice: in one generation of a group, each key is owned by at most one member.
// A member owns in generation G what its assigned(G) callback leaves it with, and, under the
// cooperative protocol, what it revoked on learning G (it still held those when G began).

import { assertNever } from "../../core/assert.ts";
import type { GroupStamp, HistoryKey, RebalanceOp } from "../../core/client/history.ts";
import type { GroupAnomalyLog, Ownership } from "./group-history-types.ts";
import type { CompletedOp, HistoryIndex } from "./kafka-history-index.ts";

export interface OwnershipStats {
  readonly generations: number;
  readonly rebalances: number;
}

/** The identity the coordinator fences by: the static instance id, else the member id. */
export function memberOf(stamp: GroupStamp): string {
  return stamp.groupInstanceId === null
    ? `member:${stamp.memberId}`
    : `static:${stamp.groupInstanceId}`;
}

export function checkOwnership(index: HistoryIndex, log: GroupAnomalyLog): OwnershipStats {
  const owners = new Map<string, Ownership>();
  const generations = new Set<string>();
  let rebalances = 0;
  const claim = (op: CompletedOp, body: RebalanceOp, keys: Iterable<HistoryKey>) => {
    const { groupId, generation } = body.group;
    generations.add(`${groupId}\u0000${generation}`);
    const member = memberOf(body.group);
    for (const key of keys) {
      const slot = `${groupId}\u0000${generation}\u0000${key}`;
      const first = owners.get(slot);
      if (first === undefined) {
        owners.set(slot, { member, op: op.ref });
      } else if (first.member !== member) {
        log.add("partition-owned-twice", () => ({
          type: "partition-owned-twice",
          groupId,
          generation,
          key,
          first,
          second: { member, op: op.ref },
        }));
      }
    }
  };
  for (const ops of index.paired.byProcess.values()) {
    // Keys a cooperative member revoked since its last assignment: held when the next one began.
    let pendingRevoked = new Set<HistoryKey>();
    for (const op of ops) {
      const body = op.completion;
      if (body.type === "crash" || body.type === "close") pendingRevoked = new Set();
      if (body.type !== "rebalance" || op.phase !== "ok") continue;
      rebalances++;
      switch (body.callback) {
        case "revoked":
          if (body.protocol === "cooperative") for (const key of body.keys) pendingRevoked.add(key);
          break;
        case "lost":
          pendingRevoked = new Set();
          break;
        case "assigned":
          if (body.group.generation >= 0) claim(op, body, [...pendingRevoked, ...body.owned]);
          pendingRevoked = new Set();
          break;
        default:
          assertNever(body.callback, "rebalance callback");
      }
    }
  }
  return { generations: generations.size, rebalances };
}
