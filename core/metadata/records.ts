// The records of the metadata log (KIP-631's cluster metadata), as plain typed values. The quorum
// replicates them without reading them; the controller and brokers fold them into their image.

import type { Epoch, NodeId, Offset, PartitionIndex, TopicName } from "../ids.ts";

/** A listener a broker advertises (Kafka's `listeners` / `advertised.listeners` entries). */
export interface BrokerListener {
  readonly name: string;
  readonly host: string;
  readonly port: number;
}

/** Kafka's topic id is a UUID; here any short opaque string chosen by the controller. */
export type TopicId = string;

export type MetadataRecord =
  | {
      readonly type: "register-broker";
      readonly brokerId: NodeId;
      /** A fresh id per broker process start: a restart is a new incarnation. */
      readonly incarnationId: string;
      /** The offset of this very record (KIP-631): the controller stamps the offset it proposes at. */
      readonly brokerEpoch: Offset;
      readonly listeners: readonly BrokerListener[];
    }
  | { readonly type: "fence-broker"; readonly brokerId: NodeId; readonly brokerEpoch: Offset }
  | { readonly type: "unfence-broker"; readonly brokerId: NodeId; readonly brokerEpoch: Offset }
  | { readonly type: "topic"; readonly name: TopicName; readonly topicId: TopicId }
  | {
      readonly type: "partition";
      readonly topicId: TopicId;
      readonly partition: PartitionIndex;
      readonly replicas: readonly NodeId[];
      readonly isr: readonly NodeId[];
      /** -1 when the partition has no leader. */
      readonly leader: number;
      readonly leaderEpoch: Epoch;
      readonly partitionEpoch: Epoch;
    }
  | {
      readonly type: "partition-change";
      readonly topicId: TopicId;
      readonly partition: PartitionIndex;
      /** Absent when the change leaves the ISR as it was. */
      readonly isr?: readonly NodeId[];
      /** Absent when the leader is unchanged; -1 for "no leader". */
      readonly leader?: number;
      readonly leaderEpoch: Epoch;
      readonly partitionEpoch: Epoch;
    }
  | {
      readonly type: "config";
      /** Kafka's ConfigResource type: 2 topic, 4 broker. */
      readonly resourceType: number;
      readonly resourceName: string;
      readonly name: string;
      /** null deletes the override. */
      readonly value: string | null;
    }
  | { readonly type: "remove-topic"; readonly topicId: TopicId }
  | {
      readonly type: "producer-ids";
      readonly brokerId: NodeId;
      readonly brokerEpoch: Offset;
      /** The first producer id of the next block to hand out. */
      readonly nextProducerId: number;
    }
  /** Control record: the first record of every leader's epoch (KIP-595). */
  | {
      readonly type: "leader-change";
      readonly leaderId: NodeId;
      readonly voters: readonly NodeId[];
    }
  | { readonly type: "no-op" };

export type MetadataRecordType = MetadataRecord["type"];

/** Bytes the quorum replicates without any type (tests, future record kinds). */
export interface OpaqueRecord {
  readonly type: "opaque";
  readonly bytes: Uint8Array;
}

/** What one entry of the metadata log carries. */
export type RaftRecord = MetadataRecord | OpaqueRecord;
