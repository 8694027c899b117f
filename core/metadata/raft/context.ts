// Everything one quorum member knows, shared by the modules that handle elections, replication,
// snapshots and applying. Only these modules mutate it; the owner sees it through RaftCore.

import type { DiskIo } from "../../disk-io.ts";
import type { Millis, NodeId, Offset } from "../../ids.ts";
import type { Outbox } from "../../outbox.ts";
import type { Rng } from "../../rng.ts";
import type { MetadataMessage } from "../messages.ts";
import type { RaftRecord } from "../records.ts";
import type { RaftConfig } from "./config.ts";
import { MetadataLog } from "./metadata-log.ts";
import { QuorumStore } from "./quorum-store.ts";
import type { Role } from "./roles.ts";
import { SnapshotStore } from "./snapshot-store.ts";

/**
 * The owner's state machine, fed by the quorum. `apply` sees every committed entry exactly once
 * per process life, in offset order, starting right after the last `restore` (or at offset 0).
 */
export interface MetadataStateMachine {
  apply(record: RaftRecord, offset: Offset, epoch: number): void;
  /** The state after every entry applied so far; restore(snapshot()) must reproduce it. */
  snapshot(): Uint8Array;
  restore(bytes: Uint8Array): void;
}

export interface RaftIo {
  readonly outbox: Outbox;
  readonly diskIo: DiskIo;
  readonly rng: Rng;
}

export class RaftContext {
  readonly config: RaftConfig;
  readonly outbox: Outbox;
  readonly diskIo: DiskIo;
  readonly rng: Rng;
  readonly stateMachine: MetadataStateMachine;
  readonly isVoter: boolean;
  readonly log: MetadataLog;
  readonly quorum: QuorumStore;
  readonly snapshots: SnapshotStore;
  now: Millis = 0;
  role: Role = { type: "recovering" };
  highWatermark: Offset = 0;
  /** The next offset to hand to the state machine. */
  applied: Offset = 0;
  /** Bumped whenever the state machine is restored: older apply reads are void. */
  applyGeneration = 0;
  applyReading = false;
  nextCorrelationId = 1;
  /** For checkInvariants: the vote this process cast last, and the highest watermark it saw. */
  lastVote: { epoch: number; votedFor: NodeId } | undefined;
  highWatermarkSeen: Offset = 0;
  /** Set by halt(); the halt is applied by the role module (avoids an import cycle here). */
  onFailure: (reason: string) => void = () => {};
  /** Hook run whenever syncedEndOffset moves (replication modules register here). */
  onSynced: () => void = () => {};

  constructor(config: RaftConfig, io: RaftIo, stateMachine: MetadataStateMachine) {
    this.config = config;
    this.outbox = io.outbox;
    this.diskIo = io.diskIo;
    this.rng = io.rng;
    this.stateMachine = stateMachine;
    this.isVoter = config.voters.includes(config.nodeId);
    const fail = (reason: string) => this.onFailure(reason);
    this.log = new MetadataLog({
      config,
      diskIo: io.diskIo,
      onSynced: () => this.onSynced(),
      onFailure: fail,
    });
    this.quorum = new QuorumStore(io.diskIo, config.crc, fail);
    this.snapshots = new SnapshotStore(io.diskIo, fail);
  }

  get nodeId(): NodeId {
    return this.config.nodeId;
  }

  send(to: NodeId, message: MetadataMessage): void {
    this.outbox.push({ type: "send", to, message });
  }

  correlationId(): number {
    return this.nextCorrelationId++;
  }

  majority(): number {
    return Math.floor(this.config.voters.length / 2) + 1;
  }

  otherVoters(): NodeId[] {
    return this.config.voters.filter((v) => v !== this.nodeId);
  }

  /** A fresh election timeout: the base plus up to as much again, from the named draw. */
  randomElectionTimeout(): Millis {
    const base = this.config.electionTimeoutMs;
    return base + this.rng.int("election-jitter", Math.max(1, base));
  }
}
