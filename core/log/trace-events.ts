// Trace events of core/log/: what recovery found and did, and every change to a log's extent or
// health (roll, deletion, truncation, compaction, corrupt reads, going offline).

interface LogEventBase {
  readonly topic: string;
  readonly partition: number;
}

export type LogTraceEvent =
  | (LogEventBase & {
      readonly type: "log-recovered";
      readonly logStartOffset: number;
      readonly logEndOffset: number;
      /** Bytes cut from the tail because they were torn or failed their CRC. */
      readonly truncatedBytes: number;
      readonly reason: string;
      /** Where the scan began: everything below was trusted without reading it. */
      readonly recoveryPoint: number;
      /** Bytes of segments read and validated from the recovery point on. */
      readonly scannedBytes: number;
      readonly segments: number;
      /** Closed segments whose .index/.timeindex were missing, torn or stale and were rebuilt. */
      readonly rebuiltIndexes: number;
    })
  | (LogEventBase & {
      readonly type: "log-truncated";
      readonly logEndOffset: number;
      readonly reason: string;
    })
  | (LogEventBase & {
      readonly type: "log-segment-rolled";
      /** Base offset of the new active segment. */
      readonly baseOffset: number;
      readonly closedSizeBytes: number;
    })
  | (LogEventBase & {
      readonly type: "log-segments-deleted";
      readonly baseOffsets: readonly number[];
      readonly reason: "retention-ms" | "retention-bytes" | "log-start-offset";
      readonly logStartOffset: number;
    })
  | (LogEventBase & {
      readonly type: "log-compacted";
      readonly segments: number;
      readonly bytesBefore: number;
      readonly bytesAfter: number;
      /** The new cleaner checkpoint: offsets below it are clean. */
      readonly cleanedUpTo: number;
    })
  | (LogEventBase & {
      readonly type: "log-corrupt-batch";
      readonly segmentBaseOffset: number;
      readonly position: number;
      readonly reason: string;
    })
  | (LogEventBase & {
      readonly type: "log-offline";
      readonly reason: string;
    });
