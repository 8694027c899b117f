// What each coordinator deadline does when it passes: a member's session (or a new member's join
// wait) ends, a pending member id lapses, a rebalance or the initial delay ends, a sync phase
// ends, or the periodic offset retention check comes round.

import { assertNever } from "../assert.ts";
import { type ClassicGroup, GroupState } from "./classic-group.ts";
import type { GroupContext, GroupTimer } from "./group-context.ts";
import {
  completeJoin,
  expireHeartbeat,
  expirePendingMember,
  expirePendingSync,
  tryCompleteInitialRebalance,
} from "./rebalance.ts";

export interface TimerDeps<T> {
  group(groupId: string): ClassicGroup<T> | undefined;
  maintain(): void;
  scheduleRetention(): void;
}

export function dispatchTimer<T>(
  ctx: GroupContext<T>,
  timer: GroupTimer,
  deps: TimerDeps<T>,
): void {
  if (timer.type === "retention-check") {
    deps.maintain();
    deps.scheduleRetention();
    return;
  }
  const group = deps.group(timer.groupId);
  if (group === undefined) {
    ctx.mark("group-timer-without-group");
    return;
  }
  switch (timer.type) {
    case "heartbeat": {
      expireHeartbeat(ctx, group, timer.memberId);
      return;
    }
    case "pending-member": {
      expirePendingMember(ctx, group, timer.memberId);
      return;
    }
    case "join":
      if (group.is(GroupState.PreparingRebalance)) completeJoin(ctx, group);
      return;
    case "initial-join":
      if (group.is(GroupState.PreparingRebalance)) {
        tryCompleteInitialRebalance(ctx, group, timer.delayMs, timer.remainingMs);
      }
      return;
    case "sync": {
      expirePendingSync(ctx, group, timer.generationId);
      return;
    }
    default: {
      assertNever(timer, "group timer");
      return;
    }
  }
}
