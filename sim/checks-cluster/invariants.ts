// Cluster invariants checked after every step, over the broker views (only the node that stepped
// can have changed): one leader per partition and leader epoch, one metadata quorum leader per
// Raft epoch, a leader's high watermark never moves back within its epoch, and a broker its own
// committed metadata calls fenced leads nothing.

import type { BrokerView } from "../../core/broker/broker-view.ts";
import type { NodeId } from "../../core/ids.ts";
import type { WorldCheck, WorldView } from "../world-types.ts";

/** The broker views of the nodes that are up. */
export function brokerViews(world: WorldView): BrokerView[] {
  const out: BrokerView[] = [];
  for (const id of world.nodeIds) {
    const view = world.view(id);
    if (view !== undefined && view.kind === "broker") out.push(view as BrokerView);
  }
  return out;
}

export class ClusterInvariants implements WorldCheck {
  readonly name = "cluster invariants";
  /** "topic-partition" -> leader epoch -> the broker that led it. */
  readonly #leaders = new Map<string, Map<number, NodeId>>();
  /** Raft epoch -> the quorum leader. */
  readonly #raftLeaders = new Map<number, NodeId>();
  /** "topic-partition@epoch" -> the leader's HW last seen. */
  readonly #highWatermarks = new Map<string, number>();
  /** Leader epochs seen per partition, for the report. */
  elections = 0;

  check(world: WorldView): string | undefined {
    const step = world.lastStep;
    if (step === undefined) return undefined;
    const view = world.view(step.node);
    if (view === undefined || view.kind !== "broker") return undefined;
    return this.checkView(view as BrokerView);
  }

  /** The checks on one broker's view (also used by the core cluster harness). */
  checkView(view: BrokerView): string | undefined {
    const raft = view.raft;
    if (raft.role === "leader") {
      const known = this.#raftLeaders.get(raft.epoch);
      if (known !== undefined && known !== view.nodeId) {
        return `two metadata quorum leaders in epoch ${raft.epoch}: ${known} and ${view.nodeId}`;
      }
      this.#raftLeaders.set(raft.epoch, view.nodeId);
    }
    for (const p of view.partitions) {
      if (p.role !== "leader") continue;
      const key = `${p.topic}-${p.partition}`;
      if (view.fenced && view.phase !== "stopped") {
        return `broker ${view.nodeId} leads ${key} while its metadata says it is fenced`;
      }
      let epochs = this.#leaders.get(key);
      if (epochs === undefined) {
        epochs = new Map();
        this.#leaders.set(key, epochs);
      }
      const known = epochs.get(p.leaderEpoch);
      if (known !== undefined && known !== view.nodeId) {
        return `two leaders of ${key} in leader epoch ${p.leaderEpoch}: ${known} and ${view.nodeId}`;
      }
      if (known === undefined) this.elections++;
      epochs.set(p.leaderEpoch, view.nodeId);
      const hwKey = `${key}@${p.leaderEpoch}`;
      const before = this.#highWatermarks.get(hwKey);
      if (before !== undefined && p.highWatermark < before) {
        return `${key} leader ${view.nodeId} moved its high watermark back from ${before} to ${p.highWatermark} in epoch ${p.leaderEpoch}`;
      }
      this.#highWatermarks.set(hwKey, p.highWatermark);
      if (p.highWatermark > p.logEndOffset) {
        return `${key} leader ${view.nodeId}: high watermark ${p.highWatermark} above its log end ${p.logEndOffset}`;
      }
    }
    return undefined;
  }
}
