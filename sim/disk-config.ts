// Configuration of the simulated disk: base latencies with an exponential tail and rare spikes, the
// probabilities of each injected fault, the capacity; and what a crash and the counters report.

import type { DiskOpType } from "../core/disk.ts";

export interface SimDiskLatency {
  readonly readMs: number;
  readonly writeMs: number;
  readonly syncMs: number;
  /** truncate, delete, rename, list. */
  readonly metadataMs: number;
  /** Mean of the exponential tail added to every operation. */
  readonly tailMeanMs: number;
  readonly spikeProbability: number;
  readonly spikeMs: number;
}

export interface SimDiskFaults {
  /** At a crash, per file with unsynced writes: keep a torn prefix of them instead of none. */
  readonly tornWriteProbability: number;
  /** At a crash, per file never synced (its directory entry not durable): it disappears. */
  readonly unsyncedFileVanishProbability: number;
  /** Per read: one bit of the returned copy is flipped (a transient read error). */
  readonly readBitFlipProbability: number;
  /** Per read of synced bytes: one of them rots for good (a latent sector error). */
  readonly bitRotProbability: number;
  /** Per sync: EIO, and the unsynced bytes stay unsynced. */
  readonly syncFailureProbability: number;
  /** Per operation other than sync: EIO and no effect. */
  readonly ioErrorProbability: number;
}

export type DiskErrorEpisode = "none" | "eio" | "enospc";

export interface SimDiskConfig {
  /** Total bytes all files may hold; a write past it fails with ENOSPC. */
  readonly capacityBytes: number;
  readonly latency: SimDiskLatency;
  readonly faults: SimDiskFaults;
}

export const noDiskFaults: SimDiskFaults = {
  tornWriteProbability: 0,
  unsyncedFileVanishProbability: 0,
  readBitFlipProbability: 0,
  bitRotProbability: 0,
  syncFailureProbability: 0,
  ioErrorProbability: 0,
};

export const defaultSimDiskConfig: SimDiskConfig = {
  capacityBytes: Number.POSITIVE_INFINITY,
  latency: {
    readMs: 0.1,
    writeMs: 0.05,
    syncMs: 1,
    metadataMs: 0.2,
    tailMeanMs: 0.2,
    spikeProbability: 0.001,
    spikeMs: 50,
  },
  faults: noDiskFaults,
};

export interface CrashReport {
  /** Files that disappeared because they were never synced. */
  readonly vanished: readonly string[];
  /** Files that kept part of their unsynced writes. */
  readonly torn: readonly { path: string; keptBytes: number; lostBytes: number }[];
  /** Unsynced bytes lost across all files. */
  readonly lostBytes: number;
}

export interface SimDiskStats {
  readonly ops: Readonly<Record<DiskOpType, number>>;
  readonly bytesRead: number;
  /** Bytes read per file path, for tests that check what a component looked at. */
  readonly bytesReadByPath: Readonly<Record<string, number>>;
  readonly bytesWritten: number;
  readonly failures: number;
}
