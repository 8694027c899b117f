// The workload values a Produce request carries (records whose value decodes as a workload
// integer): counting them per value tells a client's resend (no idempotence) from a broker's fault.

import { decodeInt } from "../../core/client/workload-keys.ts";
import { decodeRecords } from "../../core/log/record-batch.ts";
import type { ProduceRequest } from "../../core/protocol/index.ts";
import { batchesOf } from "../checks/observations.ts";

export function valuesOfProduce(body: ProduceRequest): number[] {
  const out: number[] = [];
  for (const topic of body.topicData) {
    for (const p of topic.partitionData) {
      for (const { position } of batchesOf(p.records)) {
        const records = decodeRecords(p.records!, position);
        if (!records.ok) continue;
        for (const r of records.value) {
          const value = decodeInt(r.value);
          if (value !== undefined) out.push(value);
        }
      }
    }
  }
  return out;
}
