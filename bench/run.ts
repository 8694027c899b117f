// `npm run bench [name...]`: runs each bench/<name>.bench.ts in its own process, one after another
// (they share two cores; running them together would measure contention, not the code).

import { spawnSync } from "node:child_process";
import { readdirSync } from "node:fs";
import { join } from "node:path";

const benchDir = import.meta.dirname;
const available = readdirSync(benchDir)
  .filter((name) => name.endsWith(".bench.ts"))
  .map((name) => name.slice(0, -".bench.ts".length))
  .sort();

const wanted = process.argv.slice(2);
const unknown = wanted.filter((name) => !available.includes(name));
if (unknown.length > 0) {
  process.stderr.write(
    `unknown benchmark(s): ${unknown.join(", ")}\navailable: ${available.join(", ")}\n`,
  );
  process.exit(2);
}

let failures = 0;
for (const name of wanted.length > 0 ? wanted : available) {
  process.stdout.write(`\n## ${name}\n\n`);
  // Bundled (bin/bundle.js), the way a release runs: no TypeScript loader in the measured process.
  const bundler = join(benchDir, "..", "bin", "bundle.js");
  const result = spawnSync(process.execPath, [bundler, join(benchDir, `${name}.bench.ts`)], {
    stdio: "inherit",
  });
  if (result.status !== 0) failures++;
}
process.exit(failures === 0 ? 0 : 1);
