// Trace events of idempotent producers: the controller committing a block of producer ids to a
// broker (KIP-730), and a partition leader recognising a retried batch as a duplicate (KIP-98).

import type { Offset } from "../ids.ts";

export type ProducerTraceEvent =
  /** The active controller committed a block of producer ids to a broker and answered it. */
  | {
      readonly type: "producer-ids-allocated";
      readonly brokerId: number;
      readonly brokerEpoch: Offset;
      readonly firstProducerId: number;
      readonly size: number;
    }
  /**
   * A leader received a batch it already has (same producer, epoch and sequence range as one of
   * the last five): nothing is appended, the Produce is answered with the original offsets.
   */
  | {
      readonly type: "producer-batch-deduplicated";
      readonly topic: string;
      readonly partition: number;
      readonly producerId: number;
      readonly producerEpoch: number;
      readonly baseSequence: number;
      readonly lastSequence: number;
      /** The offsets the batch got when it was first appended. */
      readonly firstOffset: Offset;
      readonly lastOffset: Offset;
    };
