// Trace events of core/log/: what recovery found and did, and changes to a log's extent.

export type LogTraceEvent =
  | {
      readonly type: "log-recovered";
      readonly topic: string;
      readonly partition: number;
      readonly logStartOffset: number;
      readonly logEndOffset: number;
      /** Bytes cut from the tail because they were torn or failed their CRC. */
      readonly truncatedBytes: number;
      readonly reason: string;
    }
  | {
      readonly type: "log-truncated";
      readonly topic: string;
      readonly partition: number;
      readonly logEndOffset: number;
      readonly reason: string;
    };
