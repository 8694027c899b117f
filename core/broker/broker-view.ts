// What checkers and the viewer see of a broker: its phase, the controller it knows, and each hosted
// partition replica with leader, leader epoch, ISR, log start offset, LEO, HW and durable offset.

import type { Epoch, NodeId, Offset } from "../ids.ts";
import type { RaftView } from "../metadata/raft/raft-core.ts";
import type { NodeView } from "../node.ts";
import type { BrokerPhase } from "./broker-context.ts";

export interface PartitionView {
  readonly topic: string;
  readonly topicId: string;
  readonly partition: number;
  /** -1 when the partition has no leader. */
  readonly leader: number;
  readonly leaderEpoch: Epoch;
  readonly isr: readonly NodeId[];
  /** Whether this replica's log is recovered and serving ("loading", "online", "offline"). */
  readonly status: string;
  readonly logStartOffset: Offset;
  readonly logEndOffset: Offset;
  readonly highWatermark: Offset;
  /** Every offset below it is synced on this broker's disk. */
  readonly durableOffset: Offset;
}

export interface BrokerView extends NodeView {
  readonly kind: "broker";
  readonly nodeId: NodeId;
  readonly phase: BrokerPhase;
  readonly ready: boolean;
  /** The metadata quorum leader this broker knows, or -1. */
  readonly controllerId: number;
  /** The offset after the last metadata record this broker applied. */
  readonly metadataOffset: Offset;
  readonly topics: readonly string[];
  readonly partitions: readonly PartitionView[];
  readonly connections: number;
  readonly pendingProduces: number;
  readonly parkedFetches: number;
  readonly raft: RaftView;
}
