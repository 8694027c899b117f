// Small fixtures for the replication unit tests: a model log whose syncs and truncations finish
// when the test says, a broker registry, and readers for what an outbox collected.

import { type NodeId, nodeId } from "../../../../core/ids.ts";
import type { Outbox } from "../../../../core/outbox.ts";
import { type ReplicationConfig, replicationConfig } from "../../../../core/replication/config.ts";
import type { BrokerRegistry, BrokerState } from "../../../../core/replication/replica-log.ts";
import type { TraceEvent } from "../../../../core/trace.ts";
import { ModelLog, type PendingSync } from "./model-log.ts";

export const PID = { topic: "t", topicId: "t-id", partition: 0 };

/** A model log whose asynchronous work waits in lists until the test finishes it. */
export class ManualLog extends ModelLog {
  readonly syncs: PendingSync[];
  readonly pendingTruncations: (() => void)[];

  constructor() {
    const syncs: PendingSync[] = [];
    const truncations: (() => void)[] = [];
    super({
      sync: (_log, sync) => syncs.push(sync),
      truncated: (done, logEndOffset) => truncations.push(() => done(logEndOffset)),
    });
    this.syncs = syncs;
    this.pendingTruncations = truncations;
  }

  /** Completes every sync asked for so far. */
  syncAll(): void {
    for (const sync of this.syncs.splice(0)) this.completeSync(sync);
  }

  /** Completes every truncation in flight. */
  finishTruncations(): void {
    for (const done of this.pendingTruncations.splice(0)) done();
  }

  /** Appends `count` records as leader in `epoch` and syncs them. */
  fill(count: number, epoch: number, prefix = "r"): void {
    const start = this.logEndOffset;
    this.appendAsLeader(
      Array.from({ length: count }, (_, i) => `${prefix}${start + i}`),
      epoch,
    );
    this.sync();
    this.syncAll();
  }
}

export function registry(overrides: Record<number, Partial<BrokerState>> = {}): BrokerRegistry & {
  set(id: number, state: Partial<BrokerState>): void;
} {
  const states = new Map<number, Partial<BrokerState>>(
    Object.entries(overrides).map(([k, v]) => [Number(k), v]),
  );
  return {
    broker: (id: NodeId) => ({
      brokerEpoch: id * 100,
      fenced: false,
      inControlledShutdown: false,
      ...states.get(id),
    }),
    set: (id, state) => states.set(id, { ...states.get(id), ...state }),
  };
}

export function config(overrides: Partial<ReplicationConfig> = {}): ReplicationConfig {
  return replicationConfig({
    replicaLagTimeMaxMs: 1_000,
    alterPartitionTimeoutMs: 500,
    alterPartitionRetryBackoffMs: 50,
    replicaFetchBackoffMs: 100,
    ...overrides,
  });
}

export const ids = (...values: number[]): NodeId[] => values.map(nodeId);

export function traceEvents(outbox: Outbox): TraceEvent[] {
  return outbox.take().flatMap((e) => (e.type === "trace" ? [e.event] : []));
}

export function marks(events: readonly TraceEvent[]): string[] {
  return events.flatMap((e) => (e.type === "mark" ? [e.name] : []));
}
