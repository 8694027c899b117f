// Syncs every file and folder under a data folder when a node stops cleanly, so that a clean stop
// leaves nothing in the page cache that a power loss right after it could take (Kafka flushes its
// logs on shutdown too). Bounded: at most FILES_MAX entries are visited.

import fs from "node:fs";
import path from "node:path";

const FILES_MAX = 200_000;

/** fsyncs every regular file and folder under `root`; the count synced, or the first failure. */
export function syncTree(root: string): { ok: true; value: number } | { ok: false; error: string } {
  let synced = 0;
  const folders = [root];
  try {
    for (let folder = folders.pop(); folder !== undefined; folder = folders.pop()) {
      for (const entry of fs.readdirSync(folder, { withFileTypes: true })) {
        const full = path.join(folder, entry.name);
        if (entry.isDirectory()) folders.push(full);
        else if (entry.isFile()) synced += syncOne(full);
        if (synced >= FILES_MAX) return { ok: true, value: synced };
      }
      synced += syncOne(folder);
    }
  } catch (error) {
    return { ok: false, error: (error as Error).message };
  }
  return { ok: true, value: synced };
}

function syncOne(file: string): number {
  const fd = fs.openSync(file, "r");
  try {
    fs.fsyncSync(fd);
  } finally {
    fs.closeSync(fd);
  }
  return 1;
}
