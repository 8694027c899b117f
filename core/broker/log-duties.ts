// The periodic duties of hosted logs on the broker's deadlines: one maintenance tick (retention,
// compaction, checkpoint: the first of their intervals), per-log flush.ms deadlines when shorter,
// and the background sync standing in for the operating system's writeback.

import type { Millis } from "../ids.ts";
import type { BrokerContext } from "./broker-context.ts";
import type { HostedPartition } from "./hosted-partition.ts";

const MAINTAIN_ALL = "maintain-logs";
const BACKGROUND_SYNC = "background-sync";
const FLUSH = "flush:";
/** How often the partition log wants its checkpoint written (core/log's default). */
const LOG_CHECKPOINT_INTERVAL_MS = 5_000;

export class LogDuties {
  readonly #ctx: BrokerContext;
  readonly #touch: (p: HostedPartition) => void;

  constructor(ctx: BrokerContext, touch: (p: HostedPartition) => void) {
    this.#ctx = ctx;
    this.#touch = touch;
  }

  start(): void {
    const { deadlines, now, config } = this.#ctx;
    deadlines.set(MAINTAIN_ALL, now + this.#maintainIntervalMs());
    deadlines.set(BACKGROUND_SYNC, now + config.logBackgroundSyncMs);
  }

  #maintainIntervalMs(): Millis {
    const c = this.#ctx.config;
    const cleaner = c.logCleanerEnable ? c.logCleanerBackoffMs : Number.POSITIVE_INFINITY;
    return Math.min(c.logRetentionCheckIntervalMs, cleaner, LOG_CHECKPOINT_INTERVAL_MS);
  }

  /** A flush.ms shorter than the maintenance tick gets a deadline of its own. */
  scheduleFlush(p: HostedPartition, flushMs: Millis): void {
    if (flushMs >= this.#maintainIntervalMs()) return;
    const key = `${FLUSH}${p.key}`;
    const deadlines = this.#ctx.deadlines;
    if (!deadlines.has(key)) deadlines.set(key, this.#ctx.now + flushMs);
  }

  forget(p: HostedPartition): void {
    this.#ctx.deadlines.clear(`${FLUSH}${p.key}`);
  }

  /** Handles a due deadline if it is one of ours; false otherwise. */
  onDeadline(
    key: string,
    hosted: (key: string) => HostedPartition | undefined,
    all: Iterable<HostedPartition>,
  ): boolean {
    const { config, deadlines, now } = this.#ctx;
    if (key === MAINTAIN_ALL) {
      this.#forOnline(all, (p) => p.log.maintain(now));
      deadlines.set(MAINTAIN_ALL, now + this.#maintainIntervalMs());
    } else if (key === BACKGROUND_SYNC) {
      this.#forOnline(all, (p) => {
        p.unflushedRecords = 0;
        p.log.sync();
      });
      deadlines.set(BACKGROUND_SYNC, now + config.logBackgroundSyncMs);
    } else if (key.startsWith(FLUSH)) {
      const p = hosted(key.slice(FLUSH.length));
      if (p !== undefined && p.log.status === "online" && !p.removed) {
        p.log.maintain(now);
        this.#touch(p);
      }
    } else {
      return false;
    }
    return true;
  }

  #forOnline(all: Iterable<HostedPartition>, action: (p: HostedPartition) => void): void {
    for (const p of all) {
      if (p.log.status !== "online" || p.removed) continue;
      action(p);
      this.#touch(p);
    }
  }
}
