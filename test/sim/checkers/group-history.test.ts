// The consumer-group and idempotent-producer checker on hand-built histories: each anomaly class is
// flagged with the ops that show it, and the clean histories beside them (eager and cooperative
// rebalances, static restarts, fenced zombies, auto-commit, idempotent retries) are not.

import { describe, expect, it } from "vitest";
import { ErrorCode } from "../../../core/error-codes.ts";
import { checkGroupHistory } from "../../../sim/checkers/group-history.ts";
import { GroupHistoryBuilder, stamp } from "./group-builder.ts";
import { run } from "./history-builder.ts";

/** Values 1..n sent by process 0 to key `key` at offsets 0..n-1 (values offset by 100*key). */
function sent(n: number, key = 0, h = new GroupHistoryBuilder()): GroupHistoryBuilder {
  for (let v = 1; v <= n; v++) h.send(0, [[key, 100 * key + v, v - 1]]);
  return h;
}

const values = (key: number, from: number, to: number) =>
  Array.from({ length: to - from }, (_, i) => 100 * key + from + i + 1);

describe("clean group histories", () => {
  it("eager rebalance on join: everything revoked, then split", () => {
    const h = sent(4, 1, sent(4, 0));
    const a1 = stamp("a", 1);
    h.join(1, [0, 1]).rebalance(1, "assigned", a1, [0, 1], [0, 1]);
    h.groupPoll(1, a1, { 0: run(0, values(0, 0, 2)), 1: run(0, values(1, 0, 4)) });
    h.groupCommit(1, a1, { 0: 2, 1: 4 });
    h.join(2, [0, 1]);
    h.rebalance(1, "revoked", a1, [0, 1], []);
    h.rebalance(1, "assigned", stamp("a", 2), [1], [1]);
    h.rebalance(2, "assigned", stamp("b", 2), [0], [0]);
    h.groupPoll(2, stamp("b", 2), { 0: run(2, values(0, 2, 4)) });
    h.groupCommit(2, stamp("b", 2), { 0: 4 });
    const result = checkGroupHistory(h.ops);
    expect(result).toMatchObject({ valid: true, counts: {} });
    expect(result.stats).toMatchObject({
      groups: 1,
      generations: 2,
      rebalances: 4,
      commits: { ok: 2, info: 0, fail: 0 },
    });
  });

  it("cooperative: a moved key is revoked in one generation and assigned in the next", () => {
    const h = sent(2, 1, sent(2, 0));
    h.join(1, [0, 1], "cooperative").rebalance(
      1,
      "assigned",
      stamp("a", 1),
      [0, 1],
      [0, 1],
      "cooperative",
    );
    h.join(2, [0, 1], "cooperative");
    h.rebalance(1, "revoked", stamp("a", 1), [1], [0], "cooperative");
    h.rebalance(1, "assigned", stamp("a", 2), [], [0], "cooperative");
    h.rebalance(2, "assigned", stamp("b", 2), [], [], "cooperative");
    h.rebalance(2, "assigned", stamp("b", 3), [1], [1], "cooperative");
    h.rebalance(1, "assigned", stamp("a", 3), [], [0], "cooperative");
    expect(checkGroupHistory(h.ops)).toMatchObject({ valid: true, counts: {} });
  });

  it("a static member restarts under a new member id in the same generation", () => {
    const h = sent(3);
    h.join(1, [0], "eager", "i1").rebalance(1, "assigned", stamp("m1", 1, "i1"), [0], [0]);
    h.groupPoll(1, stamp("m1", 1, "i1"), { 0: run(0, values(0, 0, 2)) });
    h.groupCommit(1, stamp("m1", 1, "i1"), { 0: 2 }).crash(1);
    h.join(3, [0], "eager", "i1").rebalance(3, "assigned", stamp("m2", 1, "i1"), [0], [0]);
    h.groupPoll(3, stamp("m2", 1, "i1"), { 0: run(2, values(0, 2, 3)) });
    h.groupCommit(3, stamp("m2", 1, "i1"), { 0: 3 });
    expect(checkGroupHistory(h.ops)).toMatchObject({ valid: true, counts: {} });
  });

  it("a zombie's commit rejected with ILLEGAL_GENERATION is what fencing promises", () => {
    const h = sent(4);
    const a1 = stamp("a", 1);
    h.join(1, [0]).rebalance(1, "assigned", a1, [0], [0]);
    h.groupPoll(1, a1, { 0: run(0, values(0, 0, 3)) });
    h.join(2, [0]).rebalance(2, "assigned", stamp("b", 2), [0], [0]);
    h.groupCommit(1, a1, { 0: 3 }, "fail", ErrorCode.ILLEGAL_GENERATION);
    h.rebalance(1, "lost", a1, [0], []);
    const result = checkGroupHistory(h.ops);
    expect(result).toMatchObject({ valid: true, counts: {} });
    expect(result.stats.fencedCommits).toBe(1);
  });

  it("auto-commit of the penultimate poll, a crash and a re-read are at-least-once", () => {
    const h = sent(6);
    const a1 = stamp("a", 1);
    h.join(1, [0]).rebalance(1, "assigned", a1, [0], [0]);
    h.groupPoll(1, a1, { 0: run(0, values(0, 0, 3)) });
    h.groupPoll(1, a1, { 0: run(3, values(0, 3, 5)) });
    h.groupCommit(1, a1, { 0: 3 }).crash(1);
    const b2 = stamp("b", 2);
    h.join(2, [0]).rebalance(2, "assigned", b2, [0], [0]);
    h.groupPoll(2, b2, { 0: run(3, values(0, 3, 6)) });
    h.groupCommit(2, b2, { 0: 6 });
    expect(checkGroupHistory(h.ops)).toMatchObject({ valid: true, counts: {} });
  });

  it("concurrent commits may complete in either order", () => {
    const h = sent(6);
    const a1 = stamp("a", 1);
    h.join(1, [0]).rebalance(1, "assigned", a1, [0], [0]);
    h.groupPoll(1, a1, { 0: run(0, values(0, 0, 6)) });
    const first = h.commitStart(1, a1, { 0: 3 });
    const second = h.commitStart(1, a1, { 0: 6 });
    h.commitDone(1, second, a1, { 0: 6 }).commitDone(1, first, a1, { 0: 3 });
    expect(checkGroupHistory(h.ops)).toMatchObject({ valid: true, counts: {} });
  });

  it("an idempotent retry acknowledged at its original offset is one record", () => {
    const h = new GroupHistoryBuilder();
    h.idempotentSend(0, [[0, 1, 0]], 0, "info").idempotentSend(0, [[0, 2, 1]], 1);
    h.assign(9, [0], true).poll(9, { 0: run(0, [1, 2]) });
    const result = checkGroupHistory(h.ops);
    expect(result).toMatchObject({ valid: true, counts: {} });
    expect(result.stats.idempotentValues).toBe(2);
  });
});

describe("each anomaly is flagged", () => {
  it("partition-owned-twice: two members assigned one key in one generation", () => {
    const h = new GroupHistoryBuilder();
    h.join(1, [0, 1]).join(2, [0, 1]);
    h.rebalance(1, "assigned", stamp("a", 2), [0, 1], [0, 1]);
    h.rebalance(2, "assigned", stamp("b", 2), [0], [0]);
    const result = checkGroupHistory(h.ops);
    expect(result.failing).toEqual(["partition-owned-twice"]);
    expect(result.anomalies["partition-owned-twice"]).toEqual([
      expect.objectContaining({
        generation: 2,
        key: 0,
        first: expect.objectContaining({ member: "member:a" }),
        second: expect.objectContaining({ member: "member:b" }),
      }),
    ]);
  });

  it("partition-owned-twice: a cooperative key handed out in the generation that revokes it", () => {
    const h = new GroupHistoryBuilder();
    h.join(1, [0, 1], "cooperative").rebalance(
      1,
      "assigned",
      stamp("a", 1),
      [0, 1],
      [0, 1],
      "cooperative",
    );
    h.join(2, [0, 1], "cooperative");
    h.rebalance(2, "assigned", stamp("b", 2), [1], [1], "cooperative");
    h.rebalance(1, "revoked", stamp("a", 1), [1], [0], "cooperative");
    h.rebalance(1, "assigned", stamp("a", 2), [], [0], "cooperative");
    const result = checkGroupHistory(h.ops);
    expect(result.failing).toEqual(["partition-owned-twice"]);
    expect(result.anomalies["partition-owned-twice"]?.[0]).toMatchObject({ generation: 2, key: 1 });
  });

  it("committed-offset-regression: an acknowledged commit below an earlier acknowledged one", () => {
    const h = sent(6);
    const a1 = stamp("a", 1);
    h.join(1, [0]).rebalance(1, "assigned", a1, [0], [0]);
    h.groupPoll(1, a1, { 0: run(0, values(0, 0, 6)) });
    h.groupCommit(1, a1, { 0: 5 }).groupCommit(1, a1, { 0: 2 });
    const result = checkGroupHistory(h.ops);
    expect(result.failing).toEqual(["committed-offset-regression"]);
    expect(result.anomalies["committed-offset-regression"]?.[0]).toMatchObject({
      key: 0,
      previous: { offset: 5 },
      next: { offset: 2 },
    });
  });

  it("group-poll-skip: a commit past records no member polled", () => {
    const h = sent(6);
    const a1 = stamp("a", 1);
    h.join(1, [0]).rebalance(1, "assigned", a1, [0], [0]);
    h.groupPoll(1, a1, { 0: run(0, values(0, 0, 2)) });
    h.assign(9, [0], true).poll(9, { 0: run(0, values(0, 0, 6)) }); // not a member: does not count
    h.groupCommit(1, a1, { 0: 5 });
    const result = checkGroupHistory(h.ops);
    expect(result.failing).toEqual(["group-poll-skip"]);
    expect(result.anomalies["group-poll-skip"]?.[0]).toMatchObject({
      key: 0,
      commit: { offset: 5 },
      firstUnpolled: 2,
      count: 3,
      skipped: [
        [2, 3],
        [3, 4],
        [4, 5],
      ],
    });
  });

  it("group-poll-skip: a record polled only after the commit was invoked does not count", () => {
    const h = sent(4);
    const a1 = stamp("a", 1);
    h.join(1, [0]).rebalance(1, "assigned", a1, [0], [0]);
    h.groupPoll(1, a1, { 0: run(0, values(0, 0, 2)) });
    const commit = h.commitStart(1, a1, { 0: 4 });
    h.groupPoll(1, a1, { 0: run(2, values(0, 2, 4)) });
    h.commitDone(1, commit, a1, { 0: 4 });
    expect(checkGroupHistory(h.ops).failing).toEqual(["group-poll-skip"]);
  });

  it("zombie-commit: a member of a superseded generation has its commit acknowledged", () => {
    const h = sent(4);
    const a1 = stamp("a", 1);
    h.join(1, [0]).rebalance(1, "assigned", a1, [0], [0]);
    h.groupPoll(1, a1, { 0: run(0, values(0, 0, 3)) });
    h.join(2, [0]).rebalance(2, "assigned", stamp("b", 2), [0], [0]);
    h.groupPoll(2, stamp("b", 2), { 0: run(0, values(0, 0, 4)) });
    h.groupCommit(2, stamp("b", 2), { 0: 4 });
    h.groupCommit(1, a1, { 0: 3 });
    const result = checkGroupHistory(h.ops);
    expect(result.failing).toEqual(["committed-offset-regression", "zombie-commit"]);
    expect(result.anomalies["zombie-commit"]?.[0]).toMatchObject({
      commit: { generation: 1, member: "member:a" },
      superseded: { generation: 2 },
      keys: [0],
    });
  });

  it("zombie-commit: a static member whose instance id another member id took over", () => {
    const h = sent(3);
    const old = stamp("m1", 1, "i1");
    h.join(1, [0], "eager", "i1").rebalance(1, "assigned", old, [0], [0]);
    h.groupPoll(1, old, { 0: run(0, values(0, 0, 3)) });
    h.join(3, [0], "eager", "i1").rebalance(3, "assigned", stamp("m2", 1, "i1"), [0], [0]);
    h.groupCommit(1, old, { 0: 3 });
    const result = checkGroupHistory(h.ops);
    expect(result.failing).toEqual(["zombie-commit"]);
  });

  it("idempotent-duplicate: an idempotent producer's value at two offsets", () => {
    const h = new GroupHistoryBuilder();
    h.idempotentSend(0, [[0, 1, 0]], 0).idempotentSend(0, [[0, 2, 2]], 1);
    h.assign(9, [0], true).poll(9, { 0: run(0, [1, 1, 2]) });
    const result = checkGroupHistory(h.ops);
    expect(result.failing).toEqual(["idempotent-duplicate"]);
    expect(result.anomalies["idempotent-duplicate"]?.[0]).toMatchObject({
      key: 0,
      value: 1,
      offsets: [0, 1],
      sequence: { producerId: 1000, producerEpoch: 0, sequence: 0 },
    });
  });

  it("a non-idempotent producer's duplicate is the Jepsen checker's business, not this one's", () => {
    const h = new GroupHistoryBuilder();
    h.send(0, [[0, 1, 0]]).send(0, [[0, 2, 2]]);
    h.assign(9, [0], true).poll(9, { 0: run(0, [1, 1, 2]) });
    expect(checkGroupHistory(h.ops)).toMatchObject({ valid: true, counts: {} });
  });

  it("allowed classes are counted but do not fail", () => {
    const h = new GroupHistoryBuilder();
    h.idempotentSend(0, [[0, 1, 0]], 0);
    h.assign(9, [0], true).poll(9, { 0: run(0, [1, 1]) });
    const result = checkGroupHistory(h.ops, { allowed: ["idempotent-duplicate"] });
    expect(result).toMatchObject({ valid: true, counts: { "idempotent-duplicate": 1 } });
  });
});
