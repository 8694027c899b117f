// A scratch copy of the repository's core/ and sim/ with one mutation applied: the production code
// never carries bug flags. Every patch's anchor must occur exactly once, or the run stops loudly.

import {
  cpSync,
  existsSync,
  mkdirSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import type { Mutation } from "./mutations.ts";

/** The repository root: two folders above this file. */
export const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), "..", "..");

export class AnchorMismatch extends Error {}

/** Copies core/, sim/ and package.json to `dir`, links node_modules, applies the patches. */
export function prepareScratch(mutation: Mutation, dir: string): void {
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  for (const part of ["core", "sim"])
    cpSync(join(repoRoot, part), join(dir, part), { recursive: true });
  cpSync(join(repoRoot, "package.json"), join(dir, "package.json"));
  const modules = join(repoRoot, "node_modules");
  if (existsSync(modules)) symlinkSync(modules, join(dir, "node_modules"), "dir");
  for (const patch of mutation.patches) {
    const path = join(dir, patch.file);
    const text = readFileSync(path, "utf8");
    const count = text.split(patch.anchor).length - 1;
    if (count !== 1) {
      throw new AnchorMismatch(
        `mutation ${mutation.name}: anchor found ${count} times in ${patch.file} (needs exactly 1):\n${patch.anchor}`,
      );
    }
    writeFileSync(
      path,
      text.replace(patch.anchor, () => patch.replacement),
    );
  }
}
