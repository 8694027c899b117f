// Time series the charts draw: each replica's offsets (LEO, HW, durable, log start) and leader epoch
// per report, each partition's leader, epoch and ISR size per change, each group's total lag per
// change. Invariant: rows are appended in trace order, so every `t` column is sorted.

import type { PartitionStateEvent } from "../core/broker/trace-events.ts";
import { type ClusterState, currentGroups, totalLag } from "./cluster-state.ts";
import type { HwSeries, LagSeries, PartitionSeries, ReplicaSeries } from "./index-data.ts";
import { f64, i32, u8, type Vec } from "./vec.ts";

interface ReplicaRows {
  readonly node: number;
  readonly key: string;
  readonly t: Vec<Float64Array>;
  readonly idx: Vec<Int32Array>;
  readonly leo: Vec<Float64Array>;
  readonly hw: Vec<Float64Array>;
  readonly durable: Vec<Float64Array>;
  readonly lso: Vec<Float64Array>;
  readonly epoch: Vec<Float64Array>;
}

interface PartitionRows {
  readonly key: string;
  readonly t: Vec<Float64Array>;
  readonly leader: Vec<Int32Array>;
  readonly epoch: Vec<Int32Array>;
  readonly isrSize: Vec<Int32Array>;
  readonly replicas: Vec<Int32Array>;
}

interface HwRows {
  readonly key: string;
  readonly t: Vec<Float64Array>;
  readonly hw: Vec<Float64Array>;
}

interface LagRows {
  readonly group: string;
  readonly t: Vec<Float64Array>;
  readonly lag: Vec<Float64Array>;
  readonly rebalancing: Vec<Uint8Array>;
}

export class SeriesIndex {
  readonly #replicas = new Map<string, ReplicaRows>();
  readonly #partitions = new Map<string, PartitionRows>();
  readonly #lags = new Map<string, LagRows>();
  readonly #hws = new Map<string, HwRows>();

  /** Appends a row when the partition's high watermark (as its current leader reports it) moved. */
  hwChanged(state: ClusterState, key: string, t: number): void {
    const p = state.partitions[key];
    const hw = p === undefined ? undefined : p.replicas[p.leader]?.highWatermark;
    if (hw === undefined) return;
    let rows = this.#hws.get(key);
    if (rows === undefined) {
      rows = { key, t: f64(256), hw: f64(256) };
      this.#hws.set(key, rows);
    }
    if (rows.hw.last() === hw) return;
    rows.t.push(t);
    rows.hw.push(hw);
  }

  replicaReport(node: number, key: string, e: PartitionStateEvent, t: number, idx: number): void {
    const id = `${node}|${key}`;
    let rows = this.#replicas.get(id);
    if (rows === undefined) {
      rows = {
        node,
        key,
        t: f64(64),
        idx: i32(64),
        leo: f64(64),
        hw: f64(64),
        durable: f64(64),
        lso: f64(64),
        epoch: f64(64),
      };
      this.#replicas.set(id, rows);
    }
    rows.t.push(t);
    rows.idx.push(idx);
    rows.leo.push(e.logEndOffset);
    rows.hw.push(e.highWatermark);
    rows.durable.push(e.durableOffset);
    rows.lso.push(e.logStartOffset);
    rows.epoch.push(e.leaderEpoch);
  }

  /** Appends a row when the partition's leader, epoch, ISR size or replica count changed. */
  partitionChanged(state: ClusterState, key: string, t: number): void {
    const p = state.partitions[key];
    if (p === undefined) return;
    let rows = this.#partitions.get(key);
    if (rows === undefined) {
      rows = {
        key,
        t: f64(64),
        leader: i32(64),
        epoch: i32(64),
        isrSize: i32(64),
        replicas: i32(64),
      };
      this.#partitions.set(key, rows);
    }
    const replicas = Object.keys(p.replicas).length;
    const n = rows.t.length;
    if (
      n > 0 &&
      rows.leader.get(n - 1) === p.leader &&
      rows.epoch.get(n - 1) === p.leaderEpoch &&
      rows.isrSize.get(n - 1) === p.isr.length &&
      rows.replicas.get(n - 1) === replicas
    ) {
      return;
    }
    rows.t.push(t);
    rows.leader.push(p.leader);
    rows.epoch.push(p.leaderEpoch);
    rows.isrSize.push(p.isr.length);
    rows.replicas.push(replicas);
  }

  /** Appends a row per group whose total lag, or whether it is rebalancing, changed. */
  lagChanged(state: ClusterState, t: number): void {
    for (const g of currentGroups(state)) {
      const lag = totalLag(state, g);
      const rebalancing = g.state === "PreparingRebalance" || g.state === "CompletingRebalance";
      let rows = this.#lags.get(g.group);
      if (rows === undefined) {
        rows = { group: g.group, t: f64(64), lag: f64(64), rebalancing: u8(64) };
        this.#lags.set(g.group, rows);
      }
      if (rows.lag.last() === lag && rows.rebalancing.last() === (rebalancing ? 1 : 0)) continue;
      rows.t.push(t);
      rows.lag.push(lag);
      rows.rebalancing.push(rebalancing ? 1 : 0);
    }
  }

  replicaSeries(): ReplicaSeries[] {
    return [...this.#replicas.values()].map((r) => ({
      node: r.node,
      key: r.key,
      t: r.t.copy(),
      idx: r.idx.copy(),
      logEndOffset: r.leo.copy(),
      highWatermark: r.hw.copy(),
      durableOffset: r.durable.copy(),
      logStartOffset: r.lso.copy(),
      leaderEpoch: r.epoch.copy(),
    }));
  }

  partitionSeries(): PartitionSeries[] {
    return [...this.#partitions.values()].map((r) => ({
      key: r.key,
      t: r.t.copy(),
      leader: r.leader.copy(),
      leaderEpoch: r.epoch.copy(),
      isrSize: r.isrSize.copy(),
      replicas: r.replicas.copy(),
    }));
  }

  hwSeries(): HwSeries[] {
    return [...this.#hws.values()].map((r) => ({ key: r.key, t: r.t.copy(), hw: r.hw.copy() }));
  }

  lagSeries(): LagSeries[] {
    return [...this.#lags.values()].map((r) => ({
      group: r.group,
      t: r.t.copy(),
      lag: r.lag.copy(),
      rebalancing: r.rebalancing.copy(),
    }));
  }
}
