// What the coordinator's handlers share: the outputs a call produces for the broker (responses,
// appends to __consumer_offsets, trace events), the timers, the clock and the Rng. The handlers are
// plain functions over a GroupContext so each concern stays in its own file.

import type { ErrorCode } from "../error-codes.ts";
import type { Millis } from "../ids.ts";
import type { ResponseOf } from "../protocol/index.ts";
import type { Rng } from "../rng.ts";
import type { TraceEvent } from "../trace.ts";
import type { ClassicGroup } from "./classic-group.ts";
import type { CoordinatorRecord } from "./coordinator-records.ts";
import type { DeadlineTimers } from "./deadline-timers.ts";
import type { GroupCoordinatorConfig } from "./group-config.ts";
import type { GroupTraceEvent } from "./trace-events.ts";

/** The client APIs the group coordinator answers. */
export type GroupApi =
  | "JoinGroup"
  | "SyncGroup"
  | "Heartbeat"
  | "LeaveGroup"
  | "OffsetCommit"
  | "OffsetFetch"
  | "OffsetDelete"
  | "DescribeGroups"
  | "ListGroups"
  | "DeleteGroups";

export type GroupResponse = {
  [N in GroupApi]: { readonly api: N; readonly body: ResponseOf<N> };
}[GroupApi];

/** What one call asks the broker to do, in order. `T` is the broker's handle of a parked request. */
export type GroupOutput<T> =
  | { readonly type: "respond"; readonly replyTo: T; readonly response: GroupResponse }
  | {
      /**
       * Append `batch` (one RecordBatch v2 holding `records`) to __consumer_offsets-`partition`
       * with acks=all semantics, then call `onAppendDone(appendId, error)`: NONE once the batch
       * is committed (below the high watermark), or the error that failed it.
       */
      readonly type: "append";
      readonly appendId: number;
      readonly partition: number;
      readonly records: readonly CoordinatorRecord[];
      readonly batch: Uint8Array;
    }
  | { readonly type: "trace"; readonly event: TraceEvent };

export type GroupTimer =
  | { readonly type: "heartbeat"; readonly groupId: string; readonly memberId: string }
  | { readonly type: "pending-member"; readonly groupId: string; readonly memberId: string }
  | { readonly type: "join"; readonly groupId: string }
  | {
      readonly type: "initial-join";
      readonly groupId: string;
      readonly delayMs: Millis;
      readonly remainingMs: Millis;
    }
  | { readonly type: "sync"; readonly groupId: string; readonly generationId: number }
  | { readonly type: "retention-check" };

export interface GroupContext<T> {
  readonly config: GroupCoordinatorConfig;
  readonly rng: Rng;
  readonly timers: DeadlineTimers<GroupTimer>;
  readonly now: Millis;
  respond(replyTo: T, response: GroupResponse): void;
  /**
   * Asks the broker to append `records` to the group's partition; `onDone` runs when the broker
   * reports the outcome. false (nothing asked) when too many appends are already in flight.
   */
  append(
    groupId: string,
    records: readonly CoordinatorRecord[],
    onDone: (error: ErrorCode) => void,
  ): boolean;
  trace(event: GroupTraceEvent): void;
  mark(name: string): void;
  /** The group may have changed: a group-state event follows when its summary differs. */
  touch(group: ClassicGroup<T>): void;
  /** Removes the group from the coordinator's map (after deletion or when it becomes Dead). */
  dropGroup(groupId: string): void;
}

/** Timer keys: a group's timers share the prefix `${groupId}\u0000`. */
export function timerKey(groupId: string, kind: string, memberId = ""): string {
  return `${groupId}\u0000${kind}\u0000${memberId}`;
}

export function groupTimerPrefix(groupId: string): string {
  return `${groupId}\u0000`;
}
