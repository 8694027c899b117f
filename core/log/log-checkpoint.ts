// The partition checkpoint: log start offset, recovery point, high watermark and cleaner checkpoint
// of one log, in one small text file replaced atomically. Recovery trusts the bytes below the
// recovery point without scanning them, so the log writes it only with offsets that are durable.

import { err, ok, type Result } from "../result.ts";
import { parseOffset, sealText, unsealText } from "./checkpoint-text.ts";
import type { Crc32c } from "./crc32c.ts";

export interface LogCheckpoint {
  readonly logStartOffset: number;
  /** Every batch below this offset was synced; recovery scans only from here. */
  readonly recoveryPoint: number;
  readonly highWatermark: number;
  /** First offset the compactor has not yet cleaned (Kafka's cleaner-offset-checkpoint). */
  readonly cleanerCheckpoint: number;
}

const HEADER = "runnel-log-checkpoint 1";
const FIELDS = [
  ["log-start-offset", "logStartOffset"],
  ["recovery-point", "recoveryPoint"],
  ["high-watermark", "highWatermark"],
  ["cleaner-checkpoint", "cleanerCheckpoint"],
] as const;

export function encodeLogCheckpoint(checkpoint: LogCheckpoint, crc: Crc32c): Uint8Array {
  return sealText([HEADER, ...FIELDS.map(([name, key]) => `${name} ${checkpoint[key]}`)], crc);
}

export function decodeLogCheckpoint(bytes: Uint8Array, crc: Crc32c): Result<LogCheckpoint, string> {
  const lines = unsealText(bytes, crc);
  if (!lines.ok) return lines;
  const [header, ...rest] = lines.value;
  if (header !== HEADER) return err(`unknown header ${JSON.stringify(header)}`);
  if (rest.length !== FIELDS.length) return err(`${rest.length} fields, expected ${FIELDS.length}`);
  const values: number[] = [];
  for (const [i, [name]] of FIELDS.entries()) {
    const [key, text, extra] = rest[i]!.split(" ");
    const value = parseOffset(text);
    if (key !== name || value === undefined || extra !== undefined) {
      return err(`bad line ${JSON.stringify(rest[i])}`);
    }
    values.push(value);
  }
  const [logStartOffset, recoveryPoint, highWatermark, cleanerCheckpoint] = values as [
    number,
    number,
    number,
    number,
  ];
  return ok({ logStartOffset, recoveryPoint, highWatermark, cleanerCheckpoint });
}
