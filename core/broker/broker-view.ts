// What checkers and the viewer see of a broker: its phase, the controller it knows, and each hosted
// partition replica with leader, leader epoch, ISR, log start offset, LEO, HW and durable offset.

import type { GroupView } from "../groups/group-view.ts";
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
  /** Bumped on every change of leader or ISR (KIP-497): orders two views of one partition. */
  readonly partitionEpoch: Epoch;
  readonly replicas: readonly NodeId[];
  readonly isr: readonly NodeId[];
  /** What this replica does: leads (LeaderPartition), follows, or neither (loading, offline). */
  readonly role: "leader" | "follower" | "none";
  /** Leader only: the committed ISR plus a pending expansion, which the HW waits for. */
  readonly maximalIsr: readonly NodeId[];
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
  /** process.roles: broker, controller, or both (combined mode). */
  readonly roles: readonly string[];
  readonly phase: BrokerPhase;
  readonly ready: boolean;
  /** The metadata quorum leader this broker knows, or -1. */
  readonly controllerId: number;
  /** This node is the active controller (quorum leader with its image caught up). */
  readonly activeController: boolean;
  /** This incarnation's broker epoch (-1 before registration) and incarnation id. */
  readonly brokerEpoch: Offset;
  readonly incarnationId: string;
  /** Fenced as this node's committed image says (or not registered). */
  readonly fenced: boolean;
  /** A hosted log went offline after a disk error: in a cluster the broker asked to be fenced. */
  readonly logDirFailed: boolean;
  /** Every registered broker as this node's committed image says. */
  readonly brokers: readonly {
    readonly brokerId: NodeId;
    readonly brokerEpoch: Offset;
    readonly fenced: boolean;
  }[];
  /** The offset after the last metadata record this broker applied. */
  readonly metadataOffset: Offset;
  readonly topics: readonly string[];
  readonly partitions: readonly PartitionView[];
  readonly connections: number;
  readonly pendingProduces: number;
  readonly parkedFetches: number;
  /** The consumer groups this broker coordinates, sorted by group id (core/groups/group-view.ts). */
  readonly groups: readonly GroupView[];
  readonly raft: RaftView;
}
