// Recovery of a member's metadata log dir after a crash: the election state and every synced
// entry come back; a torn tail or a corrupt entry is cut; a corrupt snapshot is set aside; an
// unreadable quorum-state stops the member rather than risk a second vote; reads stay bounded.

import { describe, expect, it } from "vitest";
import { QUORUM_STATE_FILE } from "../../../../core/metadata/raft/files.ts";
import { Cluster, type SimNode, testRaftSizes } from "../support/cluster.ts";
import { checkLiveness } from "../support/run-property.ts";

function lastFile(node: SimNode, suffix: string): string {
  const paths = [...node.disk.files.keys()].filter((p) => p.endsWith(suffix)).sort();
  const last = paths.at(-1);
  if (last === undefined) throw new Error(`no ${suffix} file on node ${node.id}`);
  return last;
}

/** Replaces a file's bytes, durably (as if they had been synced so). */
function overwrite(node: SimNode, path: string, edit: (bytes: Uint8Array) => Uint8Array): void {
  const file = node.disk.files.get(path)!;
  file.bytes = edit(file.bytes.slice());
  file.synced = file.bytes.slice();
}

function follower(c: Cluster): number {
  return c.nodes.find((n) => n.view().role === "follower")!.id;
}

function finish(c: Cluster, until: number): void {
  c.proposing = false;
  c.runUntil(until);
  c.assertSafe();
  checkLiveness(c);
}

describe("metadata log recovery", () => {
  it("brings back the election state and every synced entry after all members crash", () => {
    const c = new Cluster({ voters: 3, seed: "all-crash", proposeEveryMs: 30 });
    c.runUntil(4_000);
    const before = c.nodes.map((n) => n.view());
    for (const n of c.nodes) c.crash(n.id);
    for (const n of c.nodes) c.restart(n.id);
    c.runUntil(4_050);
    for (const [i, n] of c.nodes.entries()) {
      const was = before[i]!;
      const now = n.view();
      expect(now.epoch).toBeGreaterThanOrEqual(was.epoch);
      if (now.epoch === was.epoch && now.role !== "candidate")
        expect(now.votedFor).toBe(was.votedFor);
      expect(now.logEndOffset).toBeGreaterThanOrEqual(was.syncedEndOffset);
      expect(now.logStartOffset).toBe(was.logStartOffset);
    }
    finish(c, 12_000);
  });

  it("cuts a torn tail", () => {
    const c = new Cluster({ voters: 3, seed: "torn", proposeEveryMs: 30 });
    c.runUntil(3_000);
    const id = follower(c);
    c.crash(id);
    const node = c.node(id);
    const segment = lastFile(node, ".log");
    const size = node.disk.files.get(segment)!.bytes.length;
    // A length prefix promising more bytes than were written: an append cut short.
    const torn = [0, 0, 0, 60, 1, 2, 3];
    overwrite(node, segment, (b) => new Uint8Array([...b, ...torn]));
    c.restart(id);
    c.runUntil(3_050);
    expect(node.marks.get("raft-recovery-torn-tail")).toBe(1);
    const after = node.disk.files.get(segment)!.bytes;
    expect([...after.subarray(size, size + torn.length)]).not.toEqual(torn);
    finish(c, 10_000);
  });

  it("cuts the log at an entry that fails its CRC", () => {
    const c = new Cluster({ voters: 3, seed: "corrupt", proposeEveryMs: 30 });
    c.runUntil(3_000);
    const id = follower(c);
    c.crash(id);
    const node = c.node(id);
    const segment = lastFile(node, ".log");
    const before = node.view().logEndOffset;
    overwrite(node, segment, (b) => {
      b[Math.floor(b.length / 2)]! ^= 0x40;
      return b;
    });
    c.restart(id);
    c.runUntil(3_020);
    expect(node.marks.get("raft-recovery-corrupt")).toBe(1);
    expect(node.view().logEndOffset).toBeLessThan(before);
    finish(c, 10_000);
  });

  it("sets a corrupt snapshot aside and catches up from the leader", () => {
    const c = new Cluster({ voters: 3, seed: "bad-snapshot", proposeEveryMs: 20 });
    c.runUntil(6_000);
    const id = follower(c);
    expect(c.node(id).view().snapshotId).not.toBeNull();
    c.crash(id);
    const node = c.node(id);
    overwrite(node, lastFile(node, ".checkpoint"), (b) => {
      b[b.length - 1]! ^= 1;
      return b;
    });
    c.restart(id);
    c.runUntil(6_050);
    expect(node.marks.get("raft-recovery-snapshot-rejected")).toBe(1);
    finish(c, 14_000);
  });

  it("halts on an unreadable quorum-state instead of risking a second vote", () => {
    const c = new Cluster({ voters: 3, seed: "bad-quorum-state", proposeEveryMs: 30 });
    c.runUntil(3_000);
    const id = follower(c);
    c.crash(id);
    const node = c.node(id);
    overwrite(node, QUORUM_STATE_FILE, (b) => {
      b[10]! ^= 1;
      return b;
    });
    c.restart(id);
    c.runUntil(3_100);
    expect(node.view().role).toBe("halted");
    expect(node.view().haltedReason).toMatch(/quorum-state/);
    expect(node.marks.get("raft-halted-on-disk-failure")).toBe(1);
    c.runUntil(6_000);
    c.assertSafe();
    expect(c.stableLeader()).toBeDefined();
  });

  it("halts a member whose disk fails; the others carry on", () => {
    const c = new Cluster({ voters: 3, seed: "dying-disk", proposeEveryMs: 30 });
    c.runUntil(3_000);
    const id = c.stableLeader()!.id;
    c.node(id).disk.failing = true;
    c.runUntil(3_100);
    expect(c.node(id).view().role).toBe("halted");
    expect(c.node(id).view().haltedReason).toMatch(/EIO/);
    c.runUntil(10_000);
    c.assertSafe();
    const leader = c.stableLeader();
    expect(leader?.id).not.toBe(id);
    const committed = leader!.view().highWatermark;
    c.runUntil(12_000);
    expect(leader!.view().highWatermark).toBeGreaterThan(committed);
  });

  it("reads the log back in bounded chunks", () => {
    const c = new Cluster({ voters: 3, seed: "chunks", proposeEveryMs: 10 });
    c.runUntil(5_000);
    const id = follower(c);
    c.crash(id);
    const node = c.node(id);
    const logBytes = [...node.disk.files.values()].reduce((sum, f) => sum + f.bytes.length, 0);
    expect(logBytes).toBeGreaterThan(10 * testRaftSizes.readChunkBytes);
    c.restart(id);
    c.runUntil(5_200);
    expect(node.view().role).not.toBe("recovering");
    expect(node.maxReadBytes).toBeGreaterThan(0);
    expect(node.maxReadBytes).toBeLessThanOrEqual(testRaftSizes.readChunkBytes);
    finish(c, 12_000);
  });
});
