// Text scenarios (DESIGN §7): each test/scenarios/*.txt holds commands and the output they gave,
// etcd datadriven style. The runner replays every command against one simulated broker and
// compares the whole file; `npx vitest -u test/scenarios.test.ts` rewrites the outputs, and the
// diff is reviewed like code.

import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { ScenarioDriver } from "../sim/scenario-driver.ts";
import { formatScenario, parseScenario } from "../sim/scenario-text.ts";

const folder = join(import.meta.dirname, "scenarios");
const files = readdirSync(folder)
  .filter((f) => f.endsWith(".txt"))
  .sort();

describe("text scenarios", () => {
  it.each(files)("%s", async (file) => {
    const path = join(folder, file);
    const blocks = parseScenario(readFileSync(path, "utf8"));
    const driver = new ScenarioDriver();
    const actual = blocks.map((b) =>
      b.command === "" ? b : { ...b, output: driver.run(b.command) },
    );
    await expect(formatScenario(actual)).toMatchFileSnapshot(path);
  });

  it("keeps a file's text when nothing changed", () => {
    const text = "# a comment\n\nbroker 1\n----\nnode 1 ready\n\nadvance 1s\n----\n(nothing)\n";
    expect(formatScenario(parseScenario(text))).toBe(text);
  });
});
