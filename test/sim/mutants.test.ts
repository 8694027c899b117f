// Known-bug mutations: every anchor still matches the source exactly once (so `npm run mutants`
// mutates what it claims to), a stale anchor fails loudly, and a scratch copy with a mutation
// applied makes a cluster run fail (the checkers catch the bug) where the unmutated code passes
// (the group and idempotence mutations likewise: mutants-groups.test.ts).

import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { mutations } from "../../sim/mutants/mutations.ts";
import { AnchorMismatch, prepareScratch, repoRoot } from "../../sim/mutants/scratch.ts";

const scratch = mkdtempSync(join(tmpdir(), "runnel-mutants-test-"));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

describe("known-bug mutations", () => {
  it("has unique names and at least the nine the cluster contract is proven against", () => {
    const names = mutations.map((m) => m.name);
    expect(new Set(names).size).toBe(names.length);
    expect(names).toEqual(
      expect.arrayContaining([
        "truncate-to-local-hw",
        "elect-outside-isr",
        "acks-all-below-min-isr",
        "skip-leader-epoch-check-on-fetch",
        "vote-for-stale-log",
        "hw-on-uncommitted-isr",
        "serve-reads-past-hw",
        "no-epoch-bump-on-leader-change",
        "follower-acks-before-sync",
        "no-generation-fencing-on-commit",
        "no-dedupe-window",
        "sequence-reset-on-retriable-error",
        "coordinator-serves-before-loaded",
        "cooperative-assign-before-revoke",
      ]),
    );
  });

  it("group and idempotence mutations run the workload that exercises what they mutate", () => {
    const kinds = new Map(mutations.map((m) => [m.name, m.workload ?? "default"]));
    expect(kinds.get("no-generation-fencing-on-commit")).toBe("groups");
    expect(kinds.get("coordinator-serves-before-loaded")).toBe("groups");
    expect(kinds.get("cooperative-assign-before-revoke")).toBe("groups");
    expect(kinds.get("no-dedupe-window")).toBe("idempotent");
    expect(kinds.get("sequence-reset-on-retriable-error")).toBe("idempotent");
  });

  it.each(
    mutations.flatMap((m) => m.patches.map((p, i) => [m.name, i, p] as const)),
  )("%s patch %i: its anchor occurs exactly once", (_name, _index, patch) => {
    const text = readFileSync(join(repoRoot, patch.file), "utf8");
    expect(text.split(patch.anchor).length - 1).toBe(1);
  });

  it("fails loudly on an anchor that no longer matches", () => {
    const stale = {
      name: "stale",
      about: "",
      patches: [{ file: "core/broker/broker.ts", anchor: "no such text\n", replacement: "" }],
    };
    expect(() => prepareScratch(stale, join(scratch, "stale"))).toThrow(AnchorMismatch);
  });

  it("a mutated copy fails a cluster seed the real code passes", () => {
    const mutation = mutations.find((m) => m.name === "no-epoch-bump-on-leader-change")!;
    const dir = join(scratch, mutation.name);
    prepareScratch(mutation, dir);
    const run = (root: string) =>
      execFileSync(
        join(repoRoot, "node_modules", ".bin", "tsx"),
        [
          join(root, "sim", "mutants", "seed-worker.ts"),
          "--from",
          "2",
          "--count",
          "1",
          "--duration",
          "20000",
        ],
        { cwd: root, encoding: "utf8", timeout: 60_000 },
      );
    expect(JSON.parse(run(dir).trim())).toMatchObject({ ok: false, kind: "global-invariant" });
    expect(JSON.parse(run(repoRoot).trim())).toMatchObject({ ok: true });
  });
});
