// A minimal eager consumer for the group model test: joins (answering MEMBER_ID_REQUIRED), lets
// its leader assign with a real assignor from core/client/assignors, syncs, heartbeats, fetches its
// partitions' committed offsets on assignment and commits increasing positions. Reacts to every
// coordinator error as Kafka's clients do.

import { assignorByName } from "../../../../core/client/assignors/index.ts";
import {
  decodeAssignment,
  decodeSubscription,
  encodeAssignment,
} from "../../../../core/client/consumer-protocol.ts";
import { ErrorCode } from "../../../../core/error-codes.ts";
import type { JoinGroupResponse } from "../../../../core/protocol/index.ts";
import type { CoordinatorHarness } from "./coordinator-harness.ts";
import { commit, fetchOffsets, heartbeat, join, leave, sync } from "./requests.ts";

export const PARTITIONS = new Map([
  ["t", 6],
  ["u", 3],
]);

export type ConsumerState = "stopped" | "joining" | "syncing" | "stable" | "fenced";

export interface Ownership {
  /** generation -> "topic-partition" -> owner (instance id for static members, else member id). */
  readonly byGeneration: Map<number, Map<string, string>>;
  readonly violations: string[];
}

export class ModelConsumer {
  readonly index: number;
  readonly instanceId: string | null;
  readonly protocols: readonly string[];
  readonly topics: readonly string[];
  state: ConsumerState = "stopped";
  memberId = "";
  generation = -1;
  /** "topic\0partition" -> next offset to commit. */
  positions = new Map<string, number>();
  paused = false;
  lastHeartbeat = 0;
  #pending: { readonly id: number; readonly kind: "join" | "sync" } | undefined;

  constructor(
    index: number,
    instanceId: string | null,
    protocols: readonly string[],
    topics: readonly string[],
  ) {
    this.index = index;
    this.instanceId = instanceId;
    this.protocols = protocols;
    this.topics = topics;
  }

  get ownerKey(): string {
    return this.instanceId ?? this.memberId;
  }

  start(h: CoordinatorHarness): void {
    this.memberId = "";
    this.generation = -1;
    this.positions = new Map();
    this.paused = false;
    this.#join(h);
  }

  /** The process dies (no LeaveGroup); whatever it had in flight is lost. */
  crash(): void {
    this.state = "stopped";
    this.#pending = undefined;
  }

  /** A clean close: dynamic members leave; static members do not (KIP-345). */
  close(h: CoordinatorHarness): void {
    if (this.instanceId === null && this.memberId !== "") {
      h.send(leave("g", [{ memberId: this.memberId, groupInstanceId: null }]));
    }
    this.crash();
  }

  #join(h: CoordinatorHarness): void {
    this.state = "joining";
    const request = join("g", {
      memberId: this.memberId,
      instanceId: this.instanceId,
      clientId: `c${this.index}`,
      protocols: this.protocols,
      topics: this.topics,
      // Sessions outlast rebalances, so a paused static member lingers in newer generations.
      sessionTimeoutMs: 10_000,
      rebalanceTimeoutMs: 3_000,
    });
    this.#pending = { id: h.send(request), kind: "join" };
  }

  /** Reacts to an answered JoinGroup/SyncGroup; true when something happened. */
  poll(h: CoordinatorHarness, ownership: Ownership): boolean {
    const pending = this.#pending;
    if (pending === undefined) return false;
    if (pending.kind === "join") {
      const answer = h.answer(pending.id, "JoinGroup");
      if (answer === undefined) return false;
      this.#pending = undefined;
      this.#onJoin(h, answer);
      return true;
    }
    const answer = h.answer(pending.id, "SyncGroup");
    if (answer === undefined) return false;
    this.#pending = undefined;
    if (answer.errorCode !== ErrorCode.NONE) {
      this.#onError(h, answer.errorCode);
      return true;
    }
    this.#onAssignment(h, answer.assignment, ownership);
    return true;
  }

  #onJoin(h: CoordinatorHarness, answer: JoinGroupResponse): void {
    if (answer.errorCode === ErrorCode.MEMBER_ID_REQUIRED) {
      this.memberId = answer.memberId;
      this.#join(h);
      return;
    }
    if (answer.errorCode !== ErrorCode.NONE) {
      this.#onError(h, answer.errorCode);
      return;
    }
    this.memberId = answer.memberId;
    this.generation = answer.generationId;
    this.state = "syncing";
    const assignments = answer.leader === answer.memberId ? leaderAssignments(answer) : [];
    const request = sync("g", this.memberId, this.generation, assignments, this.instanceId);
    this.#pending = { id: h.send(request), kind: "sync" };
  }

  #onAssignment(h: CoordinatorHarness, bytes: Uint8Array, ownership: Ownership): void {
    const decoded = decodeAssignment(bytes);
    const partitions = decoded.ok ? decoded.value.assignedPartitions : [];
    const owners = ownership.byGeneration.get(this.generation) ?? new Map<string, string>();
    ownership.byGeneration.set(this.generation, owners);
    const wanted = partitions.map((tp) => ({
      name: tp.topic,
      partitionIndexes: [...tp.partitions],
    }));
    for (const tp of partitions) {
      for (const p of tp.partitions) {
        const key = `${tp.topic}-${p}`;
        const owner = owners.get(key);
        if (owner !== undefined && owner !== this.ownerKey) {
          ownership.violations.push(
            `generation ${this.generation}: ${key} owned by ${owner} and ${this.ownerKey}`,
          );
        }
        owners.set(key, this.ownerKey);
      }
    }
    const fetched = h.answer(h.send(fetchOffsets("g", wanted)), "OffsetFetch");
    this.positions = new Map();
    for (const t of fetched?.topics ?? []) {
      for (const p of t.partitions)
        this.positions.set(`${t.name}\u0000${p.partitionIndex}`, Math.max(p.committedOffset, 0));
    }
    this.state = "stable";
    this.lastHeartbeat = h.now;
  }

  #onError(h: CoordinatorHarness, errorCode: number): void {
    switch (errorCode) {
      case ErrorCode.FENCED_INSTANCE_ID:
      case ErrorCode.GROUP_MAX_SIZE_REACHED:
        this.state = "fenced";
        this.#pending = undefined;
        return;
      case ErrorCode.UNKNOWN_MEMBER_ID:
      case ErrorCode.ILLEGAL_GENERATION:
        this.memberId = "";
        this.#join(h);
        return;
      default:
        this.#join(h);
    }
  }

  /** Heartbeats when due; a rebalance or fencing answer makes it rejoin or stop. */
  tick(h: CoordinatorHarness): void {
    if (this.paused || (this.state !== "stable" && this.state !== "syncing")) return;
    if (h.now - this.lastHeartbeat < 1_000) return;
    this.lastHeartbeat = h.now;
    const answer = h.answer(
      h.send(heartbeat("g", this.memberId, this.generation, this.instanceId)),
      "Heartbeat",
    );
    const errorCode = answer?.errorCode ?? ErrorCode.NONE;
    if (errorCode === ErrorCode.NONE || this.state === "syncing") return;
    this.positions = new Map();
    if (errorCode === ErrorCode.REBALANCE_IN_PROGRESS) this.#join(h);
    else this.#onError(h, errorCode);
  }

  /** Commits every owned partition one to three offsets further; the answer's codes. */
  commit(h: CoordinatorHarness, step: number): number[] {
    const offsets: [string, number, number][] = [];
    for (const [key, position] of this.positions) {
      const [topic = "", partition = "0"] = key.split("\u0000");
      this.positions.set(key, position + step);
      offsets.push([topic, Number(partition), position + step]);
    }
    if (offsets.length === 0) return [];
    const request = commit("g", offsets, {
      generationId: this.generation,
      memberId: this.memberId,
      instanceId: this.instanceId,
    });
    const answer = h.answer(h.send(request), "OffsetCommit");
    return answer?.topics.flatMap((t) => t.partitions.map((p) => p.errorCode)) ?? [];
  }
}

/** The leader runs the chosen assignor over every member's subscription. */
function leaderAssignments(answer: JoinGroupResponse) {
  const assignor = assignorByName(answer.protocolName);
  if (assignor === undefined) throw new Error(`no assignor ${answer.protocolName}`);
  const members = answer.members.map((m) => {
    const decoded = decodeSubscription(m.metadata);
    if (!decoded.ok) throw new Error("undecodable subscription");
    return {
      memberId: m.memberId,
      groupInstanceId: m.groupInstanceId,
      topics: decoded.value.topics,
      ownedPartitions: [],
      generation: -1,
    };
  });
  const plan = assignor.assign({ members, partitionsPerTopic: PARTITIONS });
  return [...plan].map(([memberId, partitions]) => ({
    memberId,
    assignment: encodeAssignment({ version: 0, assignedPartitions: partitions, userData: null }),
  }));
}
