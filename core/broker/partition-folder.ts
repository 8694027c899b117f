// A partition folder's identity and removal. Each `<topic>-<partition>/` holds Kafka's
// `partition.metadata` naming the topic id, written and synced before the log's first byte, so a
// folder left by a deleted topic is never mistaken for a new topic of the same name.

import type { DiskIo } from "../disk-io.ts";
import { readUtf8, utf8ByteLength, writeUtf8 } from "../log/record-batch-utf8.ts";
import type { TopicId } from "../metadata/records.ts";

export const PARTITION_METADATA = "partition.metadata";
/** The metadata quorum's folder: never a data partition, whatever its name looks like. */
export const METADATA_FOLDER = "__cluster_metadata-0";

export function partitionFolder(topic: string, partition: number): string {
  return `${topic}-${partition}`;
}

/** `<topic>-<partition>` parsed back, or undefined for a name that is not a partition folder. */
export function parsePartitionFolder(
  name: string,
): { topic: string; partition: number } | undefined {
  const match = /^(.+)-(\d+)$/.exec(name);
  if (match === null || name === METADATA_FOLDER) return undefined;
  const partition = Number(match[2]);
  if (!Number.isSafeInteger(partition)) return undefined;
  return { topic: match[1] ?? "", partition };
}

export function encodePartitionMetadata(topicId: TopicId): Uint8Array {
  const text = `version: 0\ntopic_id: ${topicId}\n`;
  const bytes = new Uint8Array(utf8ByteLength(text));
  writeUtf8(bytes, 0, text);
  return bytes;
}

/** The topic id a partition.metadata names, or undefined when it is torn or unreadable. */
export function decodePartitionMetadata(bytes: Uint8Array): TopicId | undefined {
  const text = readUtf8(bytes, 0, bytes.length);
  const match = /^version: 0\ntopic_id: ([A-Za-z0-9_-]+)\n$/.exec(text);
  return match?.[1];
}

/**
 * What a folder's partition.metadata says: a topic id, no file, a file that does not decode (torn
 * or damaged), or a read error.
 */
export type FolderIdentity =
  | { readonly type: "found"; readonly topicId: TopicId }
  | { readonly type: "missing" }
  | { readonly type: "garbled" }
  | { readonly type: "error"; readonly message: string };

function readOnce(io: DiskIo, folder: string, done: (identity: FolderIdentity) => void): void {
  io.submit(
    { type: "read", path: `${folder}/${PARTITION_METADATA}`, position: 0, length: 256 },
    (r) => {
      if (!r.ok) {
        done(
          r.code === "ENOENT"
            ? { type: "missing" }
            : { type: "error", message: `${r.code} ${r.message}` },
        );
        return;
      }
      const topicId = r.type === "read" ? decodePartitionMetadata(r.bytes) : undefined;
      done(topicId === undefined ? { type: "garbled" } : { type: "found", topicId });
    },
  );
}

/**
 * Reads the topic id of a folder whose replica expects `expected`. A failed read is an error, and
 * a verdict that would get the folder deleted (another topic id, a garbled file) must come twice:
 * the caller deletes a folder that is not ours, and a flipped bit in one read must never delete
 * data. Two reads that disagree are an error too.
 */
export function readFolderTopicId(
  io: DiskIo,
  folder: string,
  expected: TopicId,
  done: (identity: FolderIdentity) => void,
): void {
  readOnce(io, folder, (first) => {
    const ours = first.type === "found" && first.topicId === expected;
    if (ours || first.type === "missing" || first.type === "error") return done(first);
    readOnce(io, folder, (second) => {
      const same =
        second.type === first.type &&
        (second.type !== "found" || (first.type === "found" && first.topicId === second.topicId));
      if (same || (second.type === "found" && second.topicId === expected)) return done(second);
      done({ type: "error", message: "partition.metadata read differently twice" });
    });
  });
}

/**
 * Writes and syncs the folder's topic id, then renames it into place; `done` gets false when the
 * disk refused any step. Each step waits for the one before: renaming after a failed sync would
 * make a file whose content was never synced durable as an empty one, and an unreadable
 * partition.metadata at the next start gets the folder's files deleted.
 */
export function writeFolderTopicId(
  io: DiskIo,
  folder: string,
  topicId: TopicId,
  done: (ok: boolean) => void,
): void {
  const path = `${folder}/${PARTITION_METADATA}`;
  const temp = `${path}.tmp`;
  const bytes = encodePartitionMetadata(topicId);
  io.submit({ type: "write", path: temp, position: 0, bytes }, (written) => {
    if (!written.ok) return done(false);
    io.submit({ type: "sync", path: temp }, (synced) => {
      if (!synced.ok) return done(false);
      io.submit({ type: "rename", from: temp, to: path }, (r) => done(r.ok));
    });
  });
}

/**
 * Deletes every file of a folder (the disk has no folder delete; an empty folder is harmless).
 * `done` runs after the last delete completes, with how many deletes failed.
 */
export function deleteFolderFiles(io: DiskIo, folder: string, done: (failures: number) => void) {
  io.submit({ type: "list", dir: folder }, (listed) => {
    if (!listed.ok || listed.type !== "list") {
      done(listed.ok ? 0 : 1);
      return;
    }
    const files = listed.entries.filter((e) => e.kind === "file");
    if (files.length === 0) {
      done(0);
      return;
    }
    let failures = 0;
    let remaining = files.length;
    for (const file of files) {
      io.submit({ type: "delete", path: `${folder}/${file.name}` }, (r) => {
        if (!r.ok && r.code !== "ENOENT") failures++;
        remaining--;
        if (remaining === 0) done(failures);
      });
    }
  });
}
