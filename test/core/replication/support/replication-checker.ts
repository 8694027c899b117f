// The replication model's invariants after every event: component invariants, agreement below the HW,
// HW within ISR log ends, acknowledged records on every ISR member's disk and never truncated, the
// leader's ISR committed by the controller, HW monotonic per epoch; unclean elections excuse losses.

import { assert } from "../../../../core/assert.ts";
import type { NodeId } from "../../../../core/ids.ts";
import type { ModelNode } from "./model-node.ts";
import type { ReplicationWorld } from "./replication-world.ts";

export class ReplicationChecker {
  /** offset -> the value some replica had below its HW: all must agree. */
  readonly #committed = new Map<number, string>();
  /** `${node}:${leaderEpoch}` -> the last HW seen there. */
  readonly #highWatermarks = new Map<string, number>();
  readonly #truncationsSeen = new Map<NodeId, { log: object; count: number }>();
  /** Per node: the log object and truncation count when its prefix below `upTo` was checked. */
  readonly #agreedUpTo = new Map<NodeId, { log: object; truncations: number; upTo: number }>();
  /** What the last ISR check covered: redo it all when the ISR or a member's log changes. */
  #isrChecked: { isr: readonly NodeId[]; versions: string; acked: number } | null = null;
  #ackedSeen = 0;
  readonly #ackedByOffset = new Map<number, string>();
  readonly #ackedList: [number, string][] = [];
  checks = 0;

  check(world: ReplicationWorld): void {
    this.checks++;
    for (const node of world.nodes.values()) this.#checkComponents(world, node);
    for (const ack of world.acked.slice(this.#ackedSeen)) {
      const previous = this.#ackedByOffset.get(ack.offset);
      const excused = world.controller.uncleanHappened;
      assert(
        excused || previous === undefined || previous === ack.value,
        `offset ${ack.offset} acknowledged twice`,
      );
      this.#ackedByOffset.set(ack.offset, ack.value);
      this.#ackedList.push([ack.offset, ack.value]);
    }
    this.#ackedSeen = world.acked.length;
    if (world.controller.uncleanHappened) return;
    for (const node of world.nodes.values()) {
      this.#checkAgreement(world, node);
      this.#checkTruncations(world, node);
    }
    this.#checkIsrHoldsAcked(world);
    this.#checkLeader(world);
  }

  #checkComponents(world: ReplicationWorld, node: ModelNode): void {
    node.log.checkInvariants();
    if (!node.up) return;
    node.follower?.checkInvariants();
    node.fetcher?.checkInvariants();
    const leader = node.leader;
    if (leader === null) return;
    leader.checkInvariants();
    const history = world.controller.isrHistory.get(leader.partitionEpoch);
    assert(
      history !== undefined,
      `node ${node.id}: ISR at partition epoch ${leader.partitionEpoch} never committed`,
    );
    assert(
      sameSet(history, leader.isr),
      `node ${node.id}: ISR [${leader.isr}] is not the committed [${history}]`,
    );
    const key = `${node.id}:${node.incarnation}:${leader.leaderEpoch}`;
    const last = this.#highWatermarks.get(key) ?? -1;
    assert(
      leader.highWatermark >= last,
      `node ${node.id}: HW went back from ${last} to ${leader.highWatermark}`,
    );
    this.#highWatermarks.set(key, leader.highWatermark);
  }

  /** Below its HW, every replica holds the committed records, and they agree. */
  #checkAgreement(world: ReplicationWorld, node: ModelNode): void {
    const log = node.log;
    const memo = this.#agreedUpTo.get(node.id);
    const fresh =
      memo === undefined || memo.log !== log || memo.truncations !== log.truncations.length;
    const start = fresh ? log.logStartOffset : Math.max(memo.upTo, log.logStartOffset);
    for (let offset = start; offset < log.highWatermark; offset++) {
      const value = log.valueAt(offset);
      assert(value !== undefined, `node ${node.id}: offset ${offset} below its HW is missing`);
      const agreed = this.#committed.get(offset);
      if (agreed === undefined) this.#committed.set(offset, value);
      else
        assert(
          agreed === value,
          `node ${node.id} has ${value} at ${offset}, another replica ${agreed} (t=${world.now})`,
        );
    }
    const upTo = Math.max(start, log.highWatermark);
    this.#agreedUpTo.set(node.id, { log, truncations: log.truncations.length, upTo });
  }

  #checkTruncations(world: ReplicationWorld, node: ModelNode): void {
    const seen = this.#truncationsSeen.get(node.id);
    const from = seen !== undefined && seen.log === node.log ? seen.count : 0;
    const truncations = node.log.truncations;
    for (const truncation of truncations.slice(from)) {
      for (const removed of truncation.removed) {
        const acked = this.#ackedByOffset.get(removed.offset);
        assert(
          acked !== removed.value,
          `node ${node.id} truncated acknowledged ${removed.value}@${removed.offset} (${truncation.from} -> ${truncation.to}, t=${world.now})`,
        );
      }
    }
    this.#truncationsSeen.set(node.id, { log: node.log, count: truncations.length });
  }

  /** Every acknowledged record is on the disk of every member of the committed ISR. */
  #checkIsrHoldsAcked(world: ReplicationWorld): void {
    const isr = world.controller.assignment.isr;
    const versions = isr
      .map((id) => `${id}:${world.node(id).incarnation}:${world.node(id).log.truncations.length}`)
      .join(",");
    const previous = this.#isrChecked;
    const all = previous === null || previous.isr !== isr || previous.versions !== versions;
    const acked = this.#ackedList;
    const from = all ? 0 : previous.acked;
    for (const id of isr) {
      const log = world.node(id).log;
      for (const [offset, value] of acked.slice(from)) {
        // On its disk, not just in its page cache: a crash of any one member must lose nothing.
        const durable = offset < log.durableOffset ? log.valueAt(offset) : undefined;
        assert(
          durable === value,
          `ISR member ${id} lacks acknowledged ${value}@${offset} on disk (has ${log.valueAt(offset)}, durable below ${log.durableOffset}, t=${world.now})`,
        );
      }
    }
    this.#isrChecked = { isr, versions, acked: acked.length };
  }

  /** The current leader's HW is at or below every ISR member's log end offset. */
  #checkLeader(world: ReplicationWorld): void {
    const assignment = world.controller.assignment;
    if (assignment.leader < 0) return;
    const node = world.node(assignment.leader);
    const leader = node.leader;
    if (!node.up || leader === null || leader.leaderEpoch !== assignment.leaderEpoch) return;
    for (const id of assignment.isr) {
      const member = world.node(id).log;
      assert(
        leader.highWatermark <= member.logEndOffset,
        `leader ${node.id} HW ${leader.highWatermark} past ISR member ${id}'s log end ${member.logEndOffset}`,
      );
    }
  }

  /** After faults stop and the cluster heals: one log on every replica, all of it committed. */
  checkConverged(world: ReplicationWorld): void {
    const assignment = world.controller.assignment;
    assert(assignment.leader >= 0, "no leader after healing");
    const leaderNode = world.node(assignment.leader);
    const leader = leaderNode.leader;
    assert(leader !== null, `node ${assignment.leader} does not know it leads`);
    const end = leaderNode.log.logEndOffset;
    assert(
      leader.highWatermark === end,
      `leader HW ${leader.highWatermark} short of its log end ${end}`,
    );
    assert(assignment.isr.length === world.nodes.size, `ISR [${assignment.isr}] not back to full`);
    for (const node of world.nodes.values()) {
      assert(
        node.log.logEndOffset === end,
        `node ${node.id} ends at ${node.log.logEndOffset}, leader at ${end}`,
      );
      for (let offset = node.log.logStartOffset; offset < end; offset++) {
        assert(
          node.log.valueAt(offset) === leaderNode.log.valueAt(offset),
          `node ${node.id} differs at ${offset}`,
        );
      }
    }
    if (world.controller.uncleanHappened) return;
    for (const [offset, value] of this.#ackedByOffset) {
      assert(leaderNode.log.valueAt(offset) === value, `acknowledged ${value}@${offset} lost`);
    }
  }
}

function sameSet(a: readonly number[], b: readonly number[]): boolean {
  return a.length === b.length && a.every((id) => b.includes(id));
}
