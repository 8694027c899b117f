// The data folder of one node: Kafka's meta.properties (version, cluster.id, node.id) written on
// first start and checked on every later one, and a lock file so two processes never share it.

import fs from "node:fs";
import path from "node:path";

export type DataDirResult =
  | { readonly ok: true; readonly release: () => void }
  | { readonly ok: false; readonly error: string };

export interface DataDirIdentity {
  readonly clusterId: string;
  readonly nodeId: number;
}

const META = "meta.properties";
const LOCK = ".lock";

/** Creates or checks the folder, claims its lock and writes or checks meta.properties. */
export function openDataDir(dir: string, identity: DataDirIdentity): DataDirResult {
  try {
    fs.mkdirSync(dir, { recursive: true });
    fs.accessSync(dir, fs.constants.R_OK | fs.constants.W_OK);
  } catch (error) {
    return { ok: false, error: `data folder ${dir} is not usable: ${(error as Error).message}` };
  }
  const lock = claimLock(dir);
  if (!lock.ok) return lock;
  const meta = checkMeta(dir, identity);
  if (meta !== undefined) {
    lock.release();
    return { ok: false, error: meta };
  }
  return lock;
}

function claimLock(dir: string): DataDirResult {
  const file = path.join(dir, LOCK);
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      fs.writeFileSync(file, `${process.pid}\n`, { flag: "wx" });
      return { ok: true, release: () => fs.rmSync(file, { force: true }) };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "EEXIST") {
        return { ok: false, error: `cannot lock data folder ${dir}: ${(error as Error).message}` };
      }
      const holder = Number.parseInt(fs.readFileSync(file, "utf8"), 10);
      if (Number.isSafeInteger(holder) && holder !== process.pid && isAlive(holder)) {
        return { ok: false, error: `data folder ${dir} is in use by process ${holder}` };
      }
      fs.rmSync(file, { force: true }); // a stale lock from a process that died
    }
  }
  return { ok: false, error: `cannot lock data folder ${dir}` };
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}

/** undefined when meta.properties matches (or was just written); otherwise why not. */
function checkMeta(dir: string, identity: DataDirIdentity): string | undefined {
  const file = path.join(dir, META);
  if (!fs.existsSync(file)) {
    const text = `version=1\ncluster.id=${identity.clusterId}\nnode.id=${identity.nodeId}\n`;
    const temp = `${file}.tmp`;
    fs.writeFileSync(temp, text);
    const fd = fs.openSync(temp, "r");
    fs.fsyncSync(fd);
    fs.closeSync(fd);
    fs.renameSync(temp, file);
    return undefined;
  }
  const found = new Map<string, string>();
  for (const line of fs.readFileSync(file, "utf8").split("\n")) {
    const at = line.indexOf("=");
    if (at > 0 && !line.startsWith("#"))
      found.set(line.slice(0, at).trim(), line.slice(at + 1).trim());
  }
  if (found.get("cluster.id") !== identity.clusterId) {
    return `data folder ${dir} belongs to cluster ${found.get("cluster.id") ?? "(none)"}, not ${identity.clusterId}`;
  }
  if (found.get("node.id") !== String(identity.nodeId)) {
    return `data folder ${dir} belongs to node ${found.get("node.id") ?? "(none)"}, not node ${identity.nodeId}`;
  }
  return undefined;
}
