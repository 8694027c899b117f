// The hosted log as replication's FollowerLog port, with one addition: every change the
// replication components make to it (a follower append, a truncation finishing) is reported, so
// the broker emits partition state, wakes waiting produces and fetches, and reconciles roles.

import type { Epoch, Millis, Offset } from "../ids.ts";
import type { ValidatedRecords } from "../log/log-validate.ts";
import type { EpochEndOffset } from "../replication/messages.ts";
import type {
  FollowerAppendInfo,
  FollowerLog,
  FollowerLogError,
} from "../replication/replica-log.ts";
import type { Result } from "../result.ts";
import type { HostedLog } from "./hosted-log.ts";

export class ReplicaLogPort implements FollowerLog {
  readonly #log: HostedLog;
  readonly #changed: () => void;

  constructor(log: HostedLog, changed: () => void) {
    this.#log = log;
    this.#changed = changed;
  }

  get logStartOffset(): Offset {
    return this.#log.logStartOffset;
  }

  get logEndOffset(): Offset {
    return this.#log.logEndOffset;
  }

  get durableOffset(): Offset {
    return this.#log.durableOffset;
  }

  get highWatermark(): Offset {
    return this.#log.highWatermark;
  }

  latestEpoch(): Epoch {
    return this.#log.latestEpoch();
  }

  endOffsetForEpoch(epoch: Epoch): EpochEndOffset {
    return this.#log.endOffsetForEpoch(epoch);
  }

  setHighWatermark(offset: Offset): void {
    this.#log.setHighWatermark(offset);
    this.#changed();
  }

  appendAsFollower(
    now: Millis,
    records: ValidatedRecords,
  ): Result<FollowerAppendInfo, FollowerLogError> {
    const appended = this.#log.appendAsFollower(now, records);
    this.#changed();
    return appended;
  }

  truncateTo(offset: Offset, done: (logEndOffset: Offset) => void): void {
    this.#log.truncateTo(offset, (logEndOffset) => {
      done(logEndOffset);
      this.#changed();
    });
  }

  truncateFullyAndStartAt(offset: Offset): void {
    this.#log.truncateFullyAndStartAt(offset);
    this.#changed();
  }

  sync(): void {
    this.#log.sync();
  }
}
