// The workload values a Produce request carries (records whose value decodes as a workload
// integer): counting them per value tells a client's resend (no idempotence) from a broker's fault.

import { decodeInt } from "../../core/client/workload-keys.ts";
import { batchSizeBytes, decodeRecords, readBatchHeader } from "../../core/log/record-batch.ts";
import type { ProduceRequest } from "../../core/protocol/index.ts";

export function valuesOfProduce(body: ProduceRequest): number[] {
  const out: number[] = [];
  for (const topic of body.topicData) {
    for (const p of topic.partitionData) {
      const bytes = p.records;
      if (bytes === null) continue;
      let at = 0;
      while (at < bytes.length) {
        const header = readBatchHeader(bytes, at);
        if (!header.ok) break;
        const size = batchSizeBytes(header.value);
        if (size <= 0 || at + size > bytes.length) break;
        const records = decodeRecords(bytes, at);
        if (records.ok) {
          for (const r of records.value) {
            const value = decodeInt(r.value);
            if (value !== undefined) out.push(value);
          }
        }
        at += size;
      }
    }
  }
  return out;
}
