// The durability settings a run uses: the scenario's own, or drawn from the seed (swarm testing of
// configurations: acks, runnel.fsync.before.ack, flush.messages, flush.ms, segment size). Invariant:
// drawn settings depend on the seed alone (their own stream), so a replay draws the same.

import { FsyncBeforeAck } from "../../core/broker/config.ts";
import type { Acks } from "../../core/client/client-config.ts";
import type { CreatableTopicConfig } from "../../core/protocol/index.ts";
import { rootRng } from "../prng.ts";
import type { SimScenario } from "../scenario.ts";

export interface RunSettings {
  readonly acks: Acks;
  readonly fsync: FsyncBeforeAck;
  readonly flushMessages: number | null;
  readonly flushMs: number | null;
  /** Topic segment.bytes: small, so that segments roll and recovery crosses files. */
  readonly segmentBytes: number;
}

const acksOf = { all: -1, "1": 1, "0": 0 } as const;

export function resolveSettings(s: SimScenario): RunSettings {
  if (!s.drawSettings) {
    return {
      acks: acksOf[s.acks],
      fsync: s.fsync,
      flushMessages: s.flushMessages,
      flushMs: s.flushMs,
      segmentBytes: 16_384,
    };
  }
  const rng = rootRng(s.seed).derive("settings");
  const acks = rng.pick<Acks>("acks", [-1, -1, -1, 1, 1, 0]);
  const fsync = rng.pick<FsyncBeforeAck>("fsync", [
    FsyncBeforeAck.acksAll,
    FsyncBeforeAck.acksAll,
    FsyncBeforeAck.none,
    FsyncBeforeAck.acksAllAndOne,
  ]);
  const flushMessages = rng.pick<number | null>("flush-messages", [null, null, 1, 7, 50]);
  const flushMs = rng.pick<number | null>("flush-ms", [null, null, 0, 20, 1_000]);
  const segmentBytes = rng.pick("segment-bytes", [2_048, 16_384, 1_048_576]);
  return { acks, fsync, flushMessages, flushMs, segmentBytes };
}

/** Whether every acknowledgement of the run waits for its records to be synced. */
export function acksPromiseDurability(settings: RunSettings): boolean {
  if (settings.acks === 0) return false;
  if (settings.flushMessages === 1) return true;
  if (settings.fsync === FsyncBeforeAck.acksAllAndOne) return true;
  return settings.fsync === FsyncBeforeAck.acksAll && settings.acks === -1;
}

export function topicConfigs(settings: RunSettings): CreatableTopicConfig[] {
  const configs: CreatableTopicConfig[] = [
    { name: "segment.bytes", value: String(settings.segmentBytes) },
  ];
  if (settings.flushMessages !== null) {
    configs.push({ name: "flush.messages", value: String(settings.flushMessages) });
  }
  if (settings.flushMs !== null)
    configs.push({ name: "flush.ms", value: String(settings.flushMs) });
  return configs;
}

export function describeSettings(settings: RunSettings): string[] {
  const acks = settings.acks === -1 ? "all" : String(settings.acks);
  return [
    `settings.acks=${acks}`,
    `settings.runnel.fsync.before.ack=${settings.fsync}`,
    `settings.flush.messages=${settings.flushMessages ?? "never"}`,
    `settings.flush.ms=${settings.flushMs ?? "never"}`,
    `settings.segment.bytes=${settings.segmentBytes}`,
  ];
}
