// Builds consumer-group and idempotent-producer histories by hand for the group checker tests:
// members with stamps, rebalance callbacks, group polls and commits, idempotent sends.

import type {
  GroupStamp,
  HistoryKey,
  HistoryPhase,
  HistoryValue,
  OffsetValue,
  ProcessId,
  RebalanceProtocol,
} from "../../../core/client/history.ts";
import { HistoryBuilder } from "./history-builder.ts";

export const GROUP = "g";

/** A member's stamp in group "g". */
export function stamp(
  memberId: string,
  generation: number,
  instance: string | null = null,
): GroupStamp {
  return { groupId: GROUP, memberId, groupInstanceId: instance, generation };
}

export class GroupHistoryBuilder extends HistoryBuilder {
  join(
    process: ProcessId,
    keys: HistoryKey[],
    protocol: RebalanceProtocol = "eager",
    instance: string | null = null,
  ): this {
    const body = {
      type: "subscribe" as const,
      keys,
      group: { groupId: GROUP, groupInstanceId: instance, protocol, assignors: ["range"] },
    };
    this.complete(process, this.invoke(process, body), "ok", body);
    return this;
  }

  rebalance(
    process: ProcessId,
    callback: "revoked" | "lost" | "assigned",
    group: GroupStamp,
    keys: HistoryKey[],
    owned: HistoryKey[],
    protocol: RebalanceProtocol = "eager",
  ): this {
    const body = { type: "rebalance" as const, callback, group, protocol, keys, owned };
    this.complete(process, this.invoke(process, body), "ok", body);
    return this;
  }

  groupPoll(
    process: ProcessId,
    group: GroupStamp,
    reads: Record<number, readonly OffsetValue[]>,
  ): this {
    const opId = this.invoke(process, { type: "poll", reads: [] });
    const list = Object.entries(reads).map(([key, records]) => ({ key: Number(key), records }));
    this.complete(process, opId, "ok", { type: "poll", reads: list, group });
    return this;
  }

  /** An OffsetCommit invoke; complete it with commitDone (so other events can come between). */
  commitStart(process: ProcessId, group: GroupStamp, offsets: Record<number, number>): number {
    return this.invoke(process, { type: "commit", offsets: offsetList(offsets), group });
  }

  commitDone(
    process: ProcessId,
    opId: number,
    group: GroupStamp,
    offsets: Record<number, number>,
    phase: Exclude<HistoryPhase, "invoke"> = "ok",
    errorCode?: number,
  ): this {
    const body = {
      type: "commit" as const,
      offsets: offsetList(offsets),
      group,
      ...(errorCode === undefined ? {} : { errorCode }),
    };
    this.complete(process, opId, phase, body);
    return this;
  }

  groupCommit(
    process: ProcessId,
    group: GroupStamp,
    offsets: Record<number, number>,
    phase: Exclude<HistoryPhase, "invoke"> = "ok",
    errorCode?: number,
  ): this {
    const opId = this.commitStart(process, group, offsets);
    return this.commitDone(process, opId, group, offsets, phase, errorCode);
  }

  /** An idempotent send of [key, value, offset] records (sequence from `sequence` on). */
  idempotentSend(
    process: ProcessId,
    records: readonly (readonly [HistoryKey, HistoryValue, number | null])[],
    sequence: number,
    phase: Exclude<HistoryPhase, "invoke"> = "ok",
  ): this {
    const invoked = records.map(([key, value]) => ({ key, value, offset: null }));
    const opId = this.invoke(process, { type: "send", sends: invoked, idempotent: true });
    const done = records.map(([key, value, offset], i) => ({
      key,
      value,
      offset: phase === "ok" ? offset : null,
      sequence: { producerId: 1000, producerEpoch: 0, sequence: sequence + i },
    }));
    this.complete(process, opId, phase, { type: "send", sends: done, idempotent: true });
    return this;
  }
}

function offsetList(offsets: Record<number, number>) {
  return Object.entries(offsets).map(([key, offset]) => ({ key: Number(key), offset }));
}
