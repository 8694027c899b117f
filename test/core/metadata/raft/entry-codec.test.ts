// Log entries: encode → scan → decode round-trips; torn and corrupt bytes stop the scan with a
// reason instead of throwing; the quorum-state and snapshot files round-trip and detect damage.

import { fc, test as fcTest } from "@fast-check/vitest";
import { describe, expect, it } from "vitest";
import { nodeId } from "../../../../core/ids.ts";
import { crc32c } from "../../../../core/log/crc32c.ts";
import {
  decodeEntries,
  encodeEntries,
  encodeEntry,
  scanEntries,
} from "../../../../core/metadata/raft/entry-codec.ts";
import { classifyFile, segmentPath, snapshotPath } from "../../../../core/metadata/raft/files.ts";
import {
  decodeElectionState,
  encodeElectionState,
} from "../../../../core/metadata/raft/quorum-state-codec.ts";
import { decodeSnapshot, encodeSnapshot } from "../../../../core/metadata/raft/snapshot-codec.ts";

const opaque = (n: number) => ({ type: "opaque" as const, bytes: new Uint8Array([n, n + 1]) });

describe("entry codec", () => {
  it("round-trips a run of entries", () => {
    const { bytes, frames } = encodeEntries(
      3,
      10,
      [opaque(1), { type: "no-op" }, opaque(2)],
      crc32c,
    );
    expect(frames.map((f) => f.offset)).toEqual([10, 11, 12]);
    const decoded = decodeEntries(bytes, crc32c);
    expect(decoded.ok && decoded.value.map((e) => [e.offset, e.epoch, e.record.type])).toEqual([
      [10, 3, "opaque"],
      [11, 3, "no-op"],
      [12, 3, "opaque"],
    ]);
  });

  it("reports a torn tail as partial with the bytes it needs", () => {
    const { bytes } = encodeEntries(1, 0, [opaque(1), opaque(2)], crc32c);
    const scan = scanEntries(bytes.subarray(0, bytes.length - 3), crc32c);
    expect(scan.frames).toHaveLength(1);
    expect(scan.stop.type).toBe("partial");
  });

  it("reports a flipped bit as corrupt", () => {
    const { bytes } = encodeEntries(1, 0, [opaque(1), opaque(2)], crc32c);
    const damaged = bytes.slice();
    damaged[damaged.length - 1]! ^= 0x10;
    const scan = scanEntries(damaged, crc32c);
    expect(scan.frames).toHaveLength(1);
    expect(scan.stop).toMatchObject({ type: "corrupt", reason: "crc mismatch" });
  });

  it("reports an offset gap as corrupt when offsets are checked", () => {
    const a = encodeEntry({ offset: 0, epoch: 1, record: opaque(1) }, crc32c);
    const b = encodeEntry({ offset: 2, epoch: 1, record: opaque(1) }, crc32c);
    const both = new Uint8Array([...a, ...b]);
    expect(scanEntries(both, crc32c, 0, both.length, 0).stop.type).toBe("corrupt");
    expect(scanEntries(both, crc32c).stop.type).toBe("end");
  });

  fcTest.prop([fc.uint8Array({ maxLength: 200 })])("never throws on random bytes", (bytes) => {
    const scan = scanEntries(bytes, crc32c);
    expect(scan.validEnd).toBeLessThanOrEqual(bytes.length);
  });

  fcTest.prop([fc.array(fc.uint8Array({ maxLength: 40 }), { minLength: 1, maxLength: 20 })])(
    "every prefix scans to whole entries only",
    (payloads) => {
      const { bytes, frames } = encodeEntries(
        2,
        5,
        payloads.map((p) => ({ type: "opaque", bytes: p })),
        crc32c,
      );
      for (const cut of [0, 1, Math.floor(bytes.length / 2), bytes.length - 1, bytes.length]) {
        const scan = scanEntries(bytes.subarray(0, cut), crc32c, 0, cut, 5);
        const whole = frames.filter((f) => f.end <= cut);
        expect(scan.frames.map((f) => f.offset)).toEqual(whole.map((f) => f.offset));
      }
    },
  );
});

describe("quorum-state file", () => {
  it.each([
    [{ epoch: 0 }],
    [{ epoch: 5, votedFor: nodeId(2) }],
    [{ epoch: 9, leaderId: nodeId(1), votedFor: nodeId(1) }],
  ])("round-trips %j, ignoring trailing bytes", (state) => {
    const bytes = encodeElectionState(state, crc32c);
    expect(decodeElectionState(bytes, crc32c)).toEqual({ ok: true, value: state });
    const longer = new Uint8Array([...bytes, 9, 9, 9]);
    expect(decodeElectionState(longer, crc32c)).toEqual({ ok: true, value: state });
  });

  it("detects damage", () => {
    const bytes = encodeElectionState({ epoch: 4, votedFor: nodeId(3) }, crc32c);
    for (let i = 0; i < bytes.length; i++) {
      const damaged = bytes.slice();
      damaged[i]! ^= 1;
      expect(decodeElectionState(damaged, crc32c).ok).toBe(false);
    }
    expect(decodeElectionState(bytes.subarray(0, 10), crc32c).ok).toBe(false);
  });
});

describe("snapshot file", () => {
  it("round-trips and detects damage", () => {
    const state = new Uint8Array([5, 6, 7, 8]);
    const bytes = encodeSnapshot({ endOffset: 42, epoch: 3 }, state, crc32c);
    expect(decodeSnapshot(bytes, crc32c)).toEqual({
      ok: true,
      value: { id: { endOffset: 42, epoch: 3 }, state },
    });
    const damaged = bytes.slice();
    damaged[bytes.length - 1]! ^= 1;
    expect(decodeSnapshot(damaged, crc32c).ok).toBe(false);
    expect(decodeSnapshot(bytes.subarray(0, bytes.length - 1), crc32c).ok).toBe(false);
  });
});

describe("file names", () => {
  it.each([
    [segmentPath(0).split("/")[1]!, { type: "segment", baseOffset: 0 }],
    [segmentPath(1234).split("/")[1]!, { type: "segment", baseOffset: 1234 }],
    [snapshotPath(77, 5).split("/")[1]!, { type: "snapshot", endOffset: 77, epoch: 5 }],
    ["quorum-state", { type: "quorum-state" }],
    ["quorum-state.tmp", { type: "temporary" }],
    [`${snapshotPath(1, 1).split("/")[1]!}.part`, { type: "temporary" }],
    ["README", { type: "unknown" }],
  ])("%s is %j", (name, expected) => {
    expect(classifyFile(name)).toEqual(expected);
  });
});
