// Branded identifiers and named units. Ids are branded so a NodeId never passes for a
// ConnectionId; units are plain aliases (arithmetic on them stays natural) named by what they count.

declare const brand: unique symbol;
export type Brand<T, B extends string> = T & { readonly [brand]: B };

/** A Kafka node.id: a broker, a controller, or both (combined mode). Simulated clients get ids too. */
export type NodeId = Brand<number, "NodeId">;
/** One client connection to a node, chosen by the driver (runtime socket or simulated link). */
export type ConnectionId = Brand<number, "ConnectionId">;
/** One disk operation in flight, chosen by the node that issued it. */
export type DiskOpId = Brand<number, "DiskOpId">;

export const nodeId = (value: number): NodeId => value as NodeId;
export const connectionId = (value: number): ConnectionId => value as ConnectionId;
export const diskOpId = (value: number): DiskOpId => value as DiskOpId;

/** Milliseconds on the node's clock: simulated time in sim/, wall-clock-derived in runtime/. */
export type Millis = number;
/** A position in a partition log (Kafka offsets are int64; core keeps them as safe integers). */
export type Offset = number;
/** A leader epoch (per partition) or a Raft epoch (metadata quorum). -1 means "none". */
export type Epoch = number;
/** A count of bytes. */
export type Bytes = number;

export type TopicName = string;
export type PartitionIndex = number;

/** "topic-partition", the key Kafka uses for partition folders and maps. */
export function topicPartitionKey(topic: TopicName, partition: PartitionIndex): string {
  return `${topic}-${partition}`;
}
