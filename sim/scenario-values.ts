// Record values of fetched batches as text, for text scenarios (whose values are words).

import { decodeRecords } from "../core/log/record-batch.ts";
import { batchesOf } from "./checks/observations.ts";

const decoder = new TextDecoder();

/** Every record of the whole batches in `bytes`, with its offset and its value as UTF-8 text. */
export function valuesOfText(bytes: Uint8Array | null): { offset: number; value: string }[] {
  const out: { offset: number; value: string }[] = [];
  if (bytes === null) return out;
  for (const { position } of batchesOf(bytes)) {
    const records = decodeRecords(bytes, position);
    if (!records.ok) {
      out.push({ offset: -1, value: `<${records.error.type}>` });
      continue;
    }
    for (const r of records.value) {
      out.push({ offset: r.offset, value: r.value === null ? "<null>" : decoder.decode(r.value) });
    }
  }
  return out;
}
