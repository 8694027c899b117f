// Every bound in one place. Past a limit the core answers with the Kafka error or stops reading;
// nothing in core grows without bound. Kafka's defaults where Kafka has one.

export const limits = {
  /** Disk operations one node may have in flight. */
  diskOpsInFlightMax: 4096,
  /** socket.request.max.bytes: the largest request frame a broker accepts. */
  requestBytesMax: 104_857_600,
  /** message.max.bytes default: the largest record batch a broker accepts. */
  recordBatchBytesMax: 1_048_588,
  /** Bytes of recently appended record batches a partition log keeps in memory for fast reads. */
  tailCacheBytesPerPartition: 1_048_576,
  /** Bytes of recently appended record batches all partition logs of a node keep in memory. */
  tailCacheBytesPerNode: 67_108_864,
  /** Topics one cluster may hold. */
  topicsMax: 10_000,
  /** Partitions one topic may have. */
  partitionsPerTopicMax: 10_000,
  /** Client connections one node serves at once. */
  connectionsMax: 10_000,
  /** Produce requests waiting for acks (replication or fsync) on one node. */
  pendingProducesMax: 10_000,
  /** Fetch requests parked for long poll on one node. */
  parkedFetchesMax: 10_000,
  /** Members in one consumer group (group.max.size default is unbounded; ours is not). */
  groupMembersMax: 1_000,
} as const;
