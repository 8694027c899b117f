// The safety checker can fail: a deliberately broken voter (in the harness, not in core) grants
// every vote and pre-vote it is asked for, naming no leader. Candidates with stale logs then win,
// and every such run is reported (a leader missing committed entries, two votes or two leaders in
// one epoch, or the core's own asserts). The same runs with an honest voter stay clean.

import { describe, expect, it } from "vitest";
import { nodeId } from "../../../../core/ids.ts";
import type { RaftMessage } from "../../../../core/metadata/messages.ts";
import { Cluster } from "../support/cluster.ts";

function voteRequest(candidate: number, epoch: number): RaftMessage {
  return {
    type: "raft-vote-request",
    correlationId: candidate,
    epoch,
    candidateId: nodeId(candidate),
    lastEpoch: 0,
    lastEndOffset: 0,
    preVote: false,
  };
}

/** Two candidates of epoch 1 ask node 3 for its vote before anyone was elected. */
function askTwice(doubleVoter: number | undefined): string[] {
  const c = new Cluster({
    voters: 3,
    seed: "two-asks",
    ...(doubleVoter === undefined ? {} : { doubleVoter }),
  });
  c.runUntil(5);
  c.inject(3, 1, voteRequest(1, 1));
  c.runUntil(100);
  c.inject(3, 2, voteRequest(2, 1));
  c.runUntil(200);
  return c.checker.violations;
}

function run(seed: string, doubleVoter: number | undefined): string[] {
  // Nodes 1, 2 and 4, 5 cannot talk; node 3 bridges both halves and is asked by both.
  const c = new Cluster({
    voters: 5,
    seed,
    proposeEveryMs: 40,
    ...(doubleVoter === undefined ? {} : { doubleVoter }),
  });
  c.partition([1, 2], [4, 5]);
  try {
    c.runUntil(20_000);
  } catch (error) {
    // The core's own asserts may trip first (e.g. truncating below a high watermark).
    return [...c.checker.violations, `core assertion: ${(error as Error).message}`];
  }
  return c.checker.violations;
}

describe("safety checker", () => {
  const seeds = Array.from({ length: 4 }, (_, i) => `double-vote-${i}`);

  it("catches a voter that grants votes it must refuse", () => {
    const perRun = seeds.map((seed) => run(seed, 3));
    for (const violations of perRun) expect(violations.length).toBeGreaterThan(0);
    const kinds = new Set(perRun.flat().map((v) => v.split(":")[0]));
    expect([...kinds]).toContain("leader completeness");
  });

  it("catches two votes in one epoch", () => {
    expect(askTwice(3)).toContain("two votes: node 3 voted for 1 and 2 in epoch 1");
    expect(askTwice(undefined)).toEqual([]);
  });

  it("stays quiet for the same runs with an honest voter", () => {
    expect(seeds.flatMap((seed) => run(seed, undefined))).toEqual([]);
  });
});
