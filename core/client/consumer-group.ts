// The consumer's group side: a GroupMember (membership and rebalances) and GroupOffsets (commits
// and committed-offset fetches) wired to the consumer's positions, network and history. Keeps: the
// consumer's assigned partitions are exactly the member's owned ones, and a newly owned partition
// reads nothing until its committed offset (or auto.offset.reset) gives it a position.

import { assert, assertNever } from "../assert.ts";
import type { Millis, Offset } from "../ids.ts";
import type { Outbox } from "../outbox.ts";
import type { ClientResponse } from "../protocol/index.ts";
import type { Rng } from "../rng.ts";
import type { ConsumerConfig } from "./client-config.ts";
import type { ClientNetwork } from "./client-network.ts";
import type { ConsumerHistory } from "./consumer-history.ts";
import type { ConsumerPositions } from "./consumer-positions.ts";
import { GroupMember } from "./group-member.ts";
import { GroupOffsets } from "./group-offsets.ts";
import type { GroupTag, OwnedPartition } from "./group-requests.ts";
import type { CommittedOffset, GroupStamp } from "./history.ts";
import type { MetadataCache } from "./metadata-cache.ts";
import type { KeyMap } from "./workload-keys.ts";

export interface ConsumerGroupParts<Tag> {
  readonly config: ConsumerConfig;
  readonly rng: Rng;
  readonly network: ClientNetwork<Tag>;
  readonly metadata: MetadataCache;
  readonly outbox: Outbox;
  readonly keyMap: KeyMap;
  readonly history: ConsumerHistory;
  readonly positions: ConsumerPositions;
  readonly wrap: (tag: GroupTag) => Tag;
}

export class ConsumerGroup<Tag> {
  readonly member: GroupMember<Tag>;
  readonly offsets: GroupOffsets<Tag>;
  readonly #p: ConsumerGroupParts<Tag>;

  constructor(parts: ConsumerGroupParts<Tag>, now: Millis) {
    this.#p = parts;
    this.member = new GroupMember<Tag>({
      ...parts,
      host: {
        setOwned: (_now, owned, added) => this.#setOwned(owned, added),
        beforeRevoke: (at) => this.offsets.maybeAutoCommitNow(at, this.consumed()),
        commitsInFlight: () => this.offsets.commitsInFlight,
      },
    });
    this.offsets = new GroupOffsets<Tag>(
      {
        ...parts,
        member: this.member,
        applyCommitted: (p, offset) => this.#applyCommitted(p, offset),
      },
      now,
    );
  }

  subscribe(now: Millis, topics: readonly string[]): void {
    const wanted = new Set(topics);
    const keys = this.#p.keyMap
      .keys()
      .filter((k) => wanted.has(this.#p.keyMap.topicPartitionOf(k).topic));
    this.#p.history.subscribe(this.#p.outbox, now, keys, {
      groupId: this.member.groupId,
      groupInstanceId: this.#p.config.groupInstanceId,
      protocol: this.member.protocol,
      assignors: this.#p.config.partitionAssignmentStrategy,
    });
    this.member.subscribe(now, topics);
  }

  /** What the consumer has consumed: the position of every owned partition that has one. */
  consumed(): CommittedOffset[] {
    const out: CommittedOffset[] = [];
    for (const state of this.#p.positions.all()) {
      if (state.position !== undefined) out.push({ key: state.key, offset: state.position });
    }
    return out.sort((a, b) => a.key - b.key);
  }

  stamp(): GroupStamp {
    return this.member.stamp();
  }

  run(now: Millis): void {
    this.member.run(now);
    this.offsets.run(now);
  }

  #setOwned(owned: readonly OwnedPartition[], added: readonly OwnedPartition[]): void {
    const positions = this.#p.positions;
    positions.assign(owned, undefined, false);
    for (const p of added) {
      const state = positions.get(p.topic, p.partition);
      if (state !== undefined) positions.clearPosition(state);
    }
    this.offsets.assigned(owned, added);
  }

  #applyCommitted(p: OwnedPartition, offset: Offset | undefined): void {
    const state = this.#p.positions.get(p.topic, p.partition);
    if (state === undefined || state.position !== undefined || state.reset !== undefined) return;
    if (offset !== undefined) {
      this.#p.positions.seek(state, offset);
      return;
    }
    this.#p.outbox.mark("consumer-no-committed-offset");
    const policy = this.#p.config.autoOffsetReset;
    this.#p.positions.requestReset(state, policy === "none" ? undefined : policy);
  }

  onResponse(now: Millis, tag: GroupTag, response: ClientResponse): void {
    switch (tag.type) {
      case "find-coordinator":
        if (response.api === "FindCoordinator") this.member.onFindCoordinator(now, response.body);
        break;
      case "join-group":
        if (response.api === "JoinGroup") this.member.onJoinGroup(now, response.body);
        break;
      case "sync-group":
        if (response.api === "SyncGroup")
          this.member.onSyncGroup(now, tag.generation, response.body);
        break;
      case "heartbeat":
        if (response.api === "Heartbeat")
          this.member.onHeartbeat(now, tag.generation, response.body);
        break;
      case "leave-group":
        break;
      case "offset-commit":
        if (response.api === "OffsetCommit") {
          this.offsets.onOffsetCommit(now, tag.opId, tag.stamp, response.body);
        }
        break;
      case "offset-fetch":
        if (response.api === "OffsetFetch") {
          this.offsets.onOffsetFetch(now, tag.partitions, tag.generation, response.body);
        }
        break;
      default:
        assertNever(tag, "group tag");
    }
  }

  /** A group request lost with its connection (or timed out): its outcome is unknown. */
  lost(now: Millis, tag: GroupTag): void {
    switch (tag.type) {
      case "find-coordinator":
        this.member.lostFind(now);
        return;
      case "join-group":
      case "sync-group":
        this.member.lostRebalanceRequest();
        return;
      case "heartbeat":
        this.member.onHeartbeat(now, tag.generation, undefined);
        return;
      case "leave-group":
        return;
      case "offset-commit":
        this.offsets.onOffsetCommit(now, tag.opId, tag.stamp, undefined);
        return;
      case "offset-fetch":
        this.offsets.onOffsetFetch(now, tag.partitions, tag.generation, undefined);
        return;
      default:
        assertNever(tag, "group tag");
    }
  }

  nextWakeup(now: Millis): Millis | undefined {
    const a = this.member.nextWakeup(now);
    const b = this.offsets.nextWakeup(now);
    if (a === undefined) return b;
    return b === undefined ? a : Math.min(a, b);
  }

  checkInvariants(): void {
    this.member.checkInvariants();
    this.offsets.checkInvariants();
    const owned = new Set(this.member.owned.map((p) => `${p.topic}-${p.partition}`));
    let assigned = 0;
    for (const state of this.#p.positions.all()) {
      assigned++;
      const id = `${state.topic}-${state.partition}`;
      assert(owned.has(id), `consumer reads ${id} it does not own`);
    }
    assert(assigned === owned.size, "consumer assignment differs from the member's");
  }
}
