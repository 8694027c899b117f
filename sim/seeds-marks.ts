// The coverage marks core can emit, found by scanning its sources for `mark("name")`, so that a
// batch can list the rare paths no seed took (TigerBeetle's marks). Marks built from a template
// string (`mark(\`x-${y}\`)`) cannot be listed and are left out.

import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

/** The core folders a single-broker run exercises (groups and replication need a cluster). */
export const singleBrokerAreas: readonly string[] = ["broker", "log", "client", "metadata"];

function tsFiles(dir: string): string[] {
  const files: string[] = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) files.push(...tsFiles(path));
    else if (entry.name.endsWith(".ts")) files.push(path);
  }
  return files.sort();
}

/** Every literal mark name under core/<area>/ for the given areas, sorted, without duplicates. */
export function knownMarks(areas: readonly string[] = singleBrokerAreas): string[] {
  const core = fileURLToPath(new URL("../core/", import.meta.url));
  const names = new Set<string>();
  for (const area of areas) {
    for (const file of tsFiles(join(core, area))) {
      for (const m of readFileSync(file, "utf8").matchAll(/\bmark\(\s*"([a-z0-9-]+)"/g)) {
        names.add(m[1]!);
      }
    }
  }
  return [...names].sort();
}
