// Known-bug mutations of groups and idempotence, end to end on the single broker: a scratch copy
// without generation fencing on OffsetCommit fails a groups seed with zombie-commit, one without the
// producer dedupe window fails an idempotent seed with idempotent-duplicate; the real code passes
// both seeds. (Every anchor is checked in mutants.test.ts.)

import { execFile } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, expect, it } from "vitest";
import { mutations } from "../../sim/mutants/mutations.ts";
import { prepareScratch, repoRoot } from "../../sim/mutants/scratch.ts";

const scratch = mkdtempSync(join(tmpdir(), "runnel-mutants-groups-test-"));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

/** One seed of the seed worker in `root`, on one broker: its JSON line. */
function seed(root: string, args: readonly string[]): Promise<Record<string, unknown>> {
  return new Promise((resolve, reject) => {
    execFile(
      join(repoRoot, "node_modules", ".bin", "tsx"),
      [join(root, "sim", "mutants", "seed-worker.ts"), "--count", "1", "--nodes", "1", ...args],
      { cwd: root, encoding: "utf8", timeout: 60_000 },
      (error, stdout) => (error ? reject(error) : resolve(JSON.parse(stdout.trim()))),
    );
  });
}

it.each([
  ["no-generation-fencing-on-commit", "groups", "7", "30000", "zombie-commit"],
  ["no-dedupe-window", "idempotent", "2", "20000", "idempotent-duplicate"],
] as const)(
  "%s: the mutated copy fails the seed the real code passes (%s workload)",
  async (name, workload, from, duration, kind) => {
    const dir = join(scratch, name);
    prepareScratch(mutations.find((m) => m.name === name)!, dir);
    const args = ["--from", from, "--duration", duration, "--workload", workload];
    const [mutated, real] = await Promise.all([seed(dir, args), seed(repoRoot, args)]);
    expect(mutated).toMatchObject({ ok: false, kind: `final-check/history/${kind}` });
    expect(real).toMatchObject({ ok: true });
  },
  90_000,
);
