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
  /** Largest single entry of the metadata log (one record plus its 20-byte header). */
  metadataEntryBytesMax: 1_048_576,
  /** Bytes of recent metadata log entries kept in memory beyond those not yet applied. */
  metadataTailCacheBytes: 1_048_576,
  /** Bytes a metadata leader may hold above its high watermark before propose pushes back. */
  metadataUncommittedBytesMax: 8_388_608,
  /** Largest metadata snapshot a node will write or install. */
  metadataSnapshotBytesMax: 268_435_456,
  /** Observers (non-voter brokers) a metadata leader tracks fetch state for. */
  metadataObserversMax: 1_000,
  /** Leader epochs kept in the metadata log's epoch cache (trimmed at each snapshot). */
  metadataEpochEntriesMax: 100_000,
  /** Segment files of the metadata log (each rolled at segmentBytes; snapshots delete old ones). */
  metadataSegmentsMax: 10_000,
  /** Requests one simulated client keeps in flight to one node (max.in.flight is at most this). */
  clientInFlightPerConnectionMax: 100,
  /** Nodes a simulated client tracks (bootstrap plus those named by Metadata). */
  clientNodesMax: 1_000,
  /** Partitions a simulated client tracks (producer accumulator, consumer assignment, metadata). */
  clientPartitionsMax: 10_000,
  /** Application operations a simulated client holds at once, queued or outstanding. */
  clientPendingOpsMax: 10_000,
  /** Records a simulated producer holds before they are acknowledged (buffer.memory, in records). */
  producerRecordsQueuedMax: 100_000,
  /** Fetched records a simulated consumer buffers before polls return them. */
  consumerBufferedRecordsMax: 10_000,
  /** Partitions one cluster may hold (the controller answers POLICY_VIOLATION past it). */
  partitionsMax: 100_000,
  /** Requests waiting on one connection behind the one in flight (clients pipeline a few). */
  requestsQueuedPerConnectionMax: 1_000,
  /** Requests waiting on all connections of one node (Kafka's queued.max.requests is 500). */
  requestsQueuedMax: 10_000,
  /** Bytes one read operation of a partition log asks for (a larger single batch is read whole). */
  logReadChunkBytes: 1_048_576,
  /** Entries of closed segments' offset and time indexes one partition log keeps in memory. */
  logIndexCacheEntriesPerPartition: 262_144,
  /** Leader epochs one partition log remembers (old ones go with the segments they started in). */
  logLeaderEpochEntriesMax: 100_000,
  /** Distinct keys one compaction pass maps; past it the pass cleans only what it mapped. */
  logCompactionKeysMax: 1_000_000,
  /** Key bytes one compaction pass maps (Kafka's log.cleaner.dedupe.buffer.size is 128 MiB). */
  logCompactionKeyBytesMax: 33_554_432,
  /**
   * Bytes one compressed record batch may inflate to when the broker reads its records (keys on
   * compacted topics, compaction); past it the batch is CORRUPT_MESSAGE (a decompression bomb).
   */
  decompressedBatchBytesMax: 67_108_864,
  /** Consumer groups one node coordinates (a new one past it: COORDINATOR_NOT_AVAILABLE). */
  groupsPerNodeMax: 100_000,
  /** Members and pending members of all groups one node coordinates (bounds its deadlines). */
  groupMembersPerNodeMax: 500_000,
  /** Committed offsets one node's coordinator holds (past it: INVALID_COMMIT_OFFSET_SIZE). */
  groupOffsetsPerNodeMax: 1_000_000,
  /** Appends to __consumer_offsets one coordinator has in flight (past it: retriable errors). */
  groupPendingAppendsMax: 10_000,
  /** Producer ids whose idempotence state one partition keeps (past it the idlest is evicted). */
  producersPerPartitionMax: 10_000,
  /** Producer state snapshots one partition keeps for truncation (oldest dropped first). */
  producerSnapshotsPerPartitionMax: 8,
} as const;
