// Known bugs of Kafka and its peers, re-created as source mutations of core/ (the production code
// carries no bug flags): each is a list of text patches with an exact anchor, applied to a scratch
// copy by sim/mutants/main.ts. An anchor that no longer matches exactly once fails the run loudly.

export interface Patch {
  /** Path from the repository root. */
  readonly file: string;
  /** Text that must occur exactly once in the file. */
  readonly anchor: string;
  readonly replacement: string;
}

import type { WorkloadKind } from "../../core/client/workload-kinds.ts";

/** Which workload exposes a mutation: the default Jepsen workload, consumer groups, idempotence. */
export type MutantWorkload = WorkloadKind;

export interface Mutation {
  readonly name: string;
  /** The published bug it re-creates (docs and sim-anchors §3) and what should catch it. */
  readonly about: string;
  readonly patches: readonly Patch[];
  /** The workload its seeds run (default: the Jepsen workload). */
  readonly workload?: MutantWorkload;
  /** Brokers its seeds run (default: the command line's --nodes); 1 is the single-broker run. */
  readonly nodes?: number;
  /** Seeds it must be caught within (default: the command line's --budget). */
  readonly budget?: number;
}

const followerPartition = "core/replication/follower-partition.ts";
const leaderPartition = "core/replication/leader-partition.ts";
const election = "core/replication/election.ts";

export const mutations: readonly Mutation[] = [
  {
    name: "truncate-to-local-hw",
    about:
      "KIP-101 (KAFKA-1211): a follower that learns a new leader truncates to its local high watermark instead of by leader epoch; elected next, it lacks acknowledged records",
    patches: [
      {
        file: followerPartition,
        anchor: `    if (!changed || this.#phase.type === "truncating") return;
    this.#phase = leaderId === -1 ? { type: "no-leader" } : { type: "idle" };`,
        replacement: `    if (!changed || this.#phase.type === "truncating") return;
    this.#phase = leaderId === -1 ? { type: "no-leader" } : { type: "idle" };
    const hw = this.#log.highWatermark;
    const from = this.#log.logEndOffset;
    if (leaderId !== -1 && hw < from) {
      this.#phase = { type: "truncating", from, target: hw };
      this.#log.truncateTo(hw, (end) => this.#onTruncated(from, hw, end, "diverging-epoch", null));
    }`,
      },
    ],
  },
  {
    name: "elect-outside-isr",
    about:
      "Jepsen 2013 (K1): the controller elects a live replica outside the ISR as if it were clean; it lacks what the ISR acknowledged",
    patches: [
      {
        file: election,
        anchor: "  const online = state.replicas.find(valid);",
        replacement: "  const online = state.replicas.find((id) => isAcceptableLeader(id));",
      },
      {
        file: election,
        anchor: "  const isr = elected.unclean ? [elected.leader as NodeId] : [...targetIsr];",
        replacement: `  const isr = elected.unclean
    ? [elected.leader as NodeId]
    : targetIsr.includes(elected.leader as NodeId) || elected.leader === NO_LEADER
      ? [...targetIsr]
      : [elected.leader as NodeId, ...targetIsr];`,
      },
    ],
  },
  {
    name: "acks-all-below-min-isr",
    about:
      "K1: acks=all is acknowledged while the ISR is below min.insync.replicas (no refusal before the append, the HW moves with the leader alone)",
    patches: [
      {
        file: "core/broker/produce-purgatory.ts",
        anchor: "    if (pending.acks === -1 && isrTooSmall) {",
        replacement: "    if (pending.acks === -1 && isrTooSmall && pending.acks !== -1) {",
      },
      {
        file: leaderPartition,
        anchor: "    if (this.isr.length < this.#effectiveMinIsr()) return false;",
        replacement: "",
      },
      {
        file: leaderPartition,
        anchor: "      const enough = this.maximalIsr.length >= minIsr;",
        replacement: "      const enough = minIsr > 0;",
      },
      {
        file: leaderPartition,
        anchor: "    if (this.isr.length < minIsr) {",
        replacement: "    if (this.isr.length < 0) {",
      },
    ],
  },
  {
    name: "skip-leader-epoch-check-on-fetch",
    about:
      "KIP-101 / KIP-595: the leader never answers a diverging epoch, so a follower keeps a divergent tail (an old leader's unacknowledged records) under the new leader's records",
    patches: [
      {
        file: leaderPartition,
        anchor: `    if (position.type === "diverging") {`,
        replacement: `    if (position.type === "diverging" && position.type !== "diverging") {`,
      },
    ],
  },
  {
    name: "vote-for-stale-log",
    about:
      "Raft election safety (KIP-595): a voter grants its (pre-)vote to a candidate whose log is behind its own; the new controller lacks committed metadata",
    patches: [
      {
        file: "core/metadata/raft/election.ts",
        anchor: `  const ours = ctx.log.lastEpoch;
  if (lastEpoch !== ours) return lastEpoch > ours;
  return lastEndOffset >= ctx.log.logEndOffset;`,
        replacement: `  return lastEpoch >= -1 || lastEndOffset >= ctx.log.logEndOffset;`,
      },
    ],
  },
  {
    name: "hw-on-uncommitted-isr",
    about:
      "KIP-497 / KAFKA-13091: the HW advances over a proposed ISR shrink before the controller committed it; a leader change to the dropped member loses records",
    patches: [
      {
        file: "core/replication/leader-isr.ts",
        anchor: `    if (proposal === null || proposal.kind === "shrink") return this.#committed;`,
        replacement: `    if (proposal === null) return this.#committed;
    if (proposal.kind === "shrink") return proposal.isr;`,
      },
    ],
  },
  {
    name: "serve-reads-past-hw",
    about:
      "Consumers read past the high watermark: they see records a leader change then truncates (R2-like inconsistent offsets)",
    patches: [
      {
        file: "core/broker/fetch-reader.ts",
        anchor: "  const upperBound = follower ? log.logEndOffset : log.highWatermark;",
        replacement: "  const upperBound = follower ? log.logEndOffset : log.logEndOffset;",
      },
    ],
  },
  {
    name: "no-epoch-bump-on-leader-change",
    about:
      "KIP-101 / KIP-279: a new leader keeps the old leader epoch, so epochs no longer tell two leaders' records apart",
    patches: [
      {
        file: election,
        anchor: "    leaderEpoch: leaderChanged ? state.leaderEpoch + 1 : state.leaderEpoch,",
        replacement: "    leaderEpoch: state.leaderEpoch,",
      },
    ],
  },
  {
    name: "follower-acks-before-sync",
    about:
      "K7 (the 'why fsync' demonstration) and KIP-966: a follower acknowledges records before they are on its disk; a crash of that replica loses what the ISR acknowledged",
    patches: [
      {
        file: followerPartition,
        anchor: "    if (this.#config.ackRequiresSync && log.durableOffset < log.logEndOffset) {",
        replacement: "    if (this.#config.ackRequiresSync && log.durableOffset < 0) {",
      },
    ],
  },
  {
    name: "no-generation-fencing-on-commit",
    about:
      "C1 (zombie consumer): OffsetCommit is accepted from any member id and generation; a member paused past its session timeout commits over its successor's offsets",
    workload: "groups",
    budget: 100,
    patches: [
      {
        file: "core/groups/offset-requests.ts",
        anchor: `    const error = group.validateMember(r.memberId, r.groupInstanceId);
    if (error !== ErrorCode.NONE) return error;
    if (r.generationId !== group.generationId) return ErrorCode.ILLEGAL_GENERATION;`,
        replacement: "",
      },
    ],
  },
  {
    name: "no-dedupe-window",
    about:
      "R1 (Redpanda #3039): the broker forgets the last five batches of each producer, so a retried batch is not recognised as a duplicate and is written again",
    workload: "idempotent",
    budget: 100,
    patches: [
      {
        file: "core/producers/producer-validation.ts",
        anchor:
          "  const duplicate = entry === undefined ? undefined : findDuplicate(entry, batch);",
        replacement:
          "  const duplicate = entry === undefined || batch !== null ? undefined : findDuplicate(entry, batch);",
      },
      {
        file: "core/producers/producer-validation.ts",
        anchor:
          "  if (currentEpoch === NO_PRODUCER_EPOCH || inSequence(last, first)) return undefined;",
        replacement:
          "  if (currentEpoch === NO_PRODUCER_EPOCH || inSequence(last, first) || first <= last) return undefined;",
      },
    ],
  },
  {
    name: "coordinator-serves-before-loaded",
    about:
      "A new group coordinator serves JoinGroup, OffsetFetch and OffsetCommit at once instead of answering COORDINATOR_LOAD_IN_PROGRESS until it replayed __consumer_offsets: after a failover its groups restart at generation 1 with no committed offsets",
    workload: "groups",
    budget: 100,
    patches: [
      {
        file: "core/broker/group-loader.ts",
        anchor:
          "    this.#read(hosted, token, hosted.log.logStartOffset, hosted.log.logEndOffset, 0);",
        replacement:
          "    this.#read(hosted, token, hosted.log.logEndOffset, hosted.log.logEndOffset, 0);",
      },
    ],
  },
  {
    name: "cooperative-assign-before-revoke",
    about:
      "KIP-429: the cooperative-sticky assignor hands a moved partition to its new owner in the same rebalance in which the old owner is asked to revoke it, so two members own it at once",
    workload: "groups",
    budget: 100,
    patches: [
      {
        file: "core/client/assignors/cooperative-sticky.ts",
        anchor: `    if (others.length === 0) now.add(memberId, topic, partition);
    else withheld.push({ topic, partition, to: memberId, ownedBy: others });`,
        replacement: `    now.add(memberId, topic, partition);
    if (others.length > 0) withheld.push({ topic, partition, to: memberId, ownedBy: others });`,
      },
    ],
  },
  {
    name: "sequence-reset-on-retriable-error",
    about:
      "K10 (KAFKA-14034, redpanda#5355): the idempotent producer answers a retriable error by bumping its epoch and resending the batch from sequence 0, although the failed attempt may already be in the log",
    workload: "idempotent",
    budget: 100,
    patches: [
      {
        file: "core/client/producer-sender.ts",
        anchor: `        return true;
      default:
        return false;
    }
  }
`,
        replacement: `        return true;
      default:
        if (isRetriable(errorCode)) idempotence.requestBump("retriable-error");
        return false;
    }
  }
`,
      },
      {
        file: "core/client/producer-idempotence.ts",
        anchor: "    if (batch.baseSequence >= 0 && batch.maybeAppended) {",
        replacement:
          "    if (batch.baseSequence >= 0 && batch.maybeAppended && batch.baseSequence < 0) {",
      },
    ],
  },
];
