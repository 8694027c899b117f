// One classic group: its state machine (Empty -> PreparingRebalance -> CompletingRebalance ->
// Stable; Dead), generation, members, static members, pending members and protocol selection.
// Keeps: one state at a time, legal transitions only, generation never decreasing.

import { assert } from "../assert.ts";
import { decodeSubscription } from "../client/consumer-protocol.ts";
import { ErrorCode } from "../error-codes.ts";
import type { Millis } from "../ids.ts";
import { type GroupMember, type MemberProtocol, metadataFor, vote } from "./group-member.ts";

export const GroupState = {
  Empty: "Empty",
  PreparingRebalance: "PreparingRebalance",
  CompletingRebalance: "CompletingRebalance",
  Stable: "Stable",
  Dead: "Dead",
} as const;
export type GroupState = (typeof GroupState)[keyof typeof GroupState];

const validPrevious: Record<GroupState, readonly GroupState[]> = {
  Empty: ["PreparingRebalance"],
  PreparingRebalance: ["Stable", "CompletingRebalance", "Empty"],
  CompletingRebalance: ["PreparingRebalance"],
  Stable: ["CompletingRebalance"],
  Dead: ["Stable", "PreparingRebalance", "CompletingRebalance", "Empty", "Dead"],
};

/** The embedded consumer protocol's type: the only one whose subscriptions the coordinator reads. */
export const CONSUMER_PROTOCOL_TYPE = "consumer";

export class ClassicGroup<T> {
  readonly groupId: string;
  #state: GroupState;
  #previousState: GroupState = GroupState.Dead;
  /** When the group entered its state (KIP-211: offsets of an Empty group expire from here). */
  stateTimestamp: Millis;
  generationId: number;
  protocolType: string | null;
  protocolName: string | null;
  leaderId: string | null;
  readonly members = new Map<string, GroupMember<T>>();
  /** group.instance.id -> member id. */
  readonly staticMembers = new Map<string, string>();
  /** Member ids handed out with MEMBER_ID_REQUIRED that have not joined yet. */
  readonly pendingJoinMembers = new Set<string>();
  /** Members of the new generation that have not sent SyncGroup yet. */
  readonly pendingSyncMembers = new Set<string>();
  /** Protocol name -> how many members support it. */
  readonly #supportedProtocols = new Map<string, number>();
  /** A member joined during the initial rebalance delay, which may extend it. */
  newMemberAdded = false;
  /** The topics the consumer-protocol members subscribe to; null when unknown. */
  subscribedTopics: ReadonlySet<string> | null = null;
  /** A GroupMetadata record of this group is in the log (deleting it then needs a tombstone). */
  persisted = false;

  constructor(groupId: string, state: GroupState, now: Millis, generationId = 0) {
    assert(generationId >= 0, `generation ${generationId}`);
    this.groupId = groupId;
    this.#state = state;
    this.stateTimestamp = now;
    this.generationId = generationId;
    this.protocolType = null;
    this.protocolName = null;
    this.leaderId = null;
  }

  get state(): GroupState {
    return this.#state;
  }

  get previousState(): GroupState {
    return this.#previousState;
  }

  is(state: GroupState): boolean {
    return this.#state === state;
  }

  transitionTo(next: GroupState, now: Millis): void {
    assert(
      validPrevious[next].includes(this.#state),
      `group ${this.groupId}: illegal transition ${this.#state} -> ${next}`,
    );
    this.#previousState = this.#state;
    this.#state = next;
    this.stateTimestamp = now;
  }

  /** A failed DeleteGroups puts the group back as it was: Empty since `stateTimestamp`. */
  reviveFromDead(stateTimestamp: Millis): void {
    assert(this.#state === GroupState.Dead && this.members.size === 0, "revive a dead empty group");
    this.#state = GroupState.Empty;
    this.stateTimestamp = stateTimestamp;
  }

  /** Kafka's canRebalance: PreparingRebalance may follow the current state. */
  canRebalance(): boolean {
    return validPrevious.PreparingRebalance.includes(this.#state);
  }

  add(member: GroupMember<T>): void {
    assert(!this.members.has(member.memberId), `member ${member.memberId} already in group`);
    if (member.groupInstanceId !== null) {
      assert(!this.staticMembers.has(member.groupInstanceId), "static member already mapped");
      this.staticMembers.set(member.groupInstanceId, member.memberId);
    }
    if (this.members.size === 0) this.protocolType = member.protocolType;
    assert(this.protocolType === member.protocolType, "member protocol type differs from group's");
    if (this.leaderId === null) this.leaderId = member.memberId;
    this.members.set(member.memberId, member);
    this.#count(member.protocols, 1);
    this.pendingJoinMembers.delete(member.memberId);
  }

  remove(memberId: string): GroupMember<T> | undefined {
    const member = this.members.get(memberId);
    if (member !== undefined) {
      this.members.delete(memberId);
      this.#count(member.protocols, -1);
      if (member.groupInstanceId !== null) this.staticMembers.delete(member.groupInstanceId);
    }
    if (this.leaderId === memberId) {
      this.leaderId = this.members.keys().next().value ?? null;
    }
    this.pendingJoinMembers.delete(memberId);
    this.pendingSyncMembers.delete(memberId);
    return member;
  }

  /** KIP-345: the static member keeps everything but gets `newMemberId`; returns the old record. */
  replaceStaticMember(groupInstanceId: string, oldMemberId: string, newMemberId: string): void {
    const member = this.members.get(oldMemberId);
    assert(member !== undefined, `no member ${oldMemberId} to replace`);
    assert(member.groupInstanceId === groupInstanceId, "instance id does not match the member");
    this.members.delete(oldMemberId);
    member.memberId = newMemberId;
    this.members.set(newMemberId, member);
    if (this.leaderId === oldMemberId) this.leaderId = newMemberId;
    this.staticMembers.set(groupInstanceId, newMemberId);
    if (this.pendingSyncMembers.delete(oldMemberId)) this.pendingSyncMembers.add(newMemberId);
  }

  updateProtocols(member: GroupMember<T>, protocols: readonly MemberProtocol[]): void {
    this.#count(member.protocols, -1);
    member.protocols = protocols;
    this.#count(protocols, 1);
  }

  #count(protocols: readonly MemberProtocol[], delta: number): void {
    for (const p of protocols) {
      const next = (this.#supportedProtocols.get(p.name) ?? 0) + delta;
      assert(next >= 0, `protocol count of ${p.name} went negative`);
      if (next === 0) this.#supportedProtocols.delete(p.name);
      else this.#supportedProtocols.set(p.name, next);
    }
  }

  /** Whether a member with this protocol type and protocols may join (Kafka's supportsProtocols). */
  supportsProtocols(protocolType: string, protocols: readonly MemberProtocol[]): boolean {
    if (this.is(GroupState.Empty)) return protocolType !== "" && protocols.length > 0;
    if (this.protocolType !== protocolType) return false;
    return protocols.some((p) => this.#supportedProtocols.get(p.name) === this.members.size);
  }

  /**
   * Kafka's selectProtocol: among the protocols every member supports, each member votes for its
   * most preferred one and the most votes win. Kafka breaks a tie by its hash map's order of the
   * names, which depends on the names only; here the tie goes to the smallest name, so it too
   * never depends on the order members joined (a static member's new id must not flip it).
   */
  selectProtocol(): string {
    assert(this.members.size > 0, "cannot select a protocol for an empty group");
    const candidates = new Set<string>();
    for (const [name, count] of this.#supportedProtocols) {
      if (count === this.members.size) candidates.add(name);
    }
    const votes = new Map<string, number>();
    for (const member of this.members.values()) {
      const choice = vote(member, candidates);
      assert(choice !== undefined, `member ${member.memberId} supports no candidate protocol`);
      votes.set(choice, (votes.get(choice) ?? 0) + 1);
    }
    let winner: string | undefined;
    for (const [name, count] of votes) {
      const best = winner === undefined ? -1 : (votes.get(winner) ?? 0);
      if (count > best || (count === best && winner !== undefined && name < winner)) winner = name;
    }
    assert(winner !== undefined, "the most-voted protocol is one every member supports");
    return winner;
  }

  hasAllMembersJoined(): boolean {
    if (this.pendingJoinMembers.size > 0) return false;
    for (const member of this.members.values()) if (member.awaitingJoin === undefined) return false;
    return true;
  }

  awaitingJoinCount(): number {
    let count = 0;
    for (const member of this.members.values()) if (member.awaitingJoin !== undefined) count++;
    return count;
  }

  /** The largest rebalance timeout over the members (0 for no members). */
  rebalanceTimeoutMs(): Millis {
    let max = 0;
    for (const member of this.members.values()) max = Math.max(max, member.rebalanceTimeoutMs);
    return max;
  }

  /**
   * If the leader did not rejoin, the first member that did becomes leader. false when nobody
   * rejoined (the group cannot move to the next generation yet) or the group has no leader.
   */
  maybeElectNewJoinedLeader(): boolean {
    if (this.leaderId === null) return false;
    const leader = this.members.get(this.leaderId);
    if (leader !== undefined && leader.awaitingJoin !== undefined) return true;
    for (const member of this.members.values()) {
      if (member.awaitingJoin !== undefined) {
        this.leaderId = member.memberId;
        return true;
      }
    }
    return false;
  }

  /** Kafka's validateMember: the instance id maps to this member id, and the member exists. */
  validateMember(memberId: string, groupInstanceId: string | null): ErrorCode {
    if (groupInstanceId !== null) {
      const existing = this.staticMembers.get(groupInstanceId);
      if (existing === undefined) return ErrorCode.UNKNOWN_MEMBER_ID;
      if (existing !== memberId) return ErrorCode.FENCED_INSTANCE_ID;
    }
    return this.members.has(memberId) ? ErrorCode.NONE : ErrorCode.UNKNOWN_MEMBER_ID;
  }

  /** Bumps the generation; CompletingRebalance with a selected protocol, or Empty without members. */
  initNextGeneration(now: Millis): void {
    this.generationId++;
    assert(this.generationId < 2 ** 31, "generation overflows int32");
    if (this.members.size > 0) {
      this.protocolName = this.selectProtocol();
      this.subscribedTopics = this.computeSubscribedTopics();
      this.transitionTo(GroupState.CompletingRebalance, now);
    } else {
      this.protocolName = null;
      this.subscribedTopics = this.computeSubscribedTopics();
      this.transitionTo(GroupState.Empty, now);
    }
    this.pendingSyncMembers.clear();
  }

  /** Union of the members' subscribed topics (consumer protocol, v0 prefix); null when unknown. */
  computeSubscribedTopics(): ReadonlySet<string> | null {
    if (this.protocolType !== CONSUMER_PROTOCOL_TYPE) return null;
    if (this.members.size === 0) return new Set();
    if (this.protocolName === null) return null;
    const topics = new Set<string>();
    for (const member of this.members.values()) {
      const decoded = decodeSubscription(metadataFor(member, this.protocolName));
      if (!decoded.ok) return null;
      for (const topic of decoded.value.topics) topics.add(topic);
    }
    return topics;
  }

  /** Kafka's isSubscribedToTopic: unknown subscriptions count as subscribed for consumer groups. */
  isSubscribedToTopic(topic: string): boolean {
    if (this.subscribedTopics !== null) return this.subscribedTopics.has(topic);
    return this.protocolType === CONSUMER_PROTOCOL_TYPE;
  }

  staticMemberId(groupInstanceId: string): string | undefined {
    return this.staticMembers.get(groupInstanceId);
  }
}
