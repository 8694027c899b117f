// Folder fsyncs off the event loop, one after another. Making a new or removed directory entry
// durable fsyncs its folder, and on ext4 that waits for the journal, which may first flush other
// files' dirty data: tens of milliseconds the event loop must not stall for.

import type * as nodeFs from "node:fs";

/** The asynchronous node:fs calls a folder fsync makes. */
export type FolderFs = Pick<typeof nodeFs, "open" | "fsync" | "close">;

export interface Folder {
  /** The folder as the disk names it ("" is the data folder). */
  readonly name: string;
  readonly absolute: string;
}

/**
 * Fsyncs `folders` in order off the loop; `synced` hears each one that succeeded, `done` the first
 * failure or null after the last. When `stopped()` turns true (the disk closed), nothing more is
 * started and `done` is not called.
 */
export function fsyncFolders(
  fs: FolderFs,
  folders: readonly Folder[],
  synced: (name: string) => void,
  stopped: () => boolean,
  done: (error: Error | null) => void,
): void {
  let next = 0;
  const step = (error: Error | null): void => {
    if (stopped()) return;
    if (error !== null || next === folders.length) {
      done(error);
      return;
    }
    const folder = folders[next++]!;
    fs.open(folder.absolute, "r", (openError, fd) => {
      if (openError !== null) {
        step(openError);
        return;
      }
      fs.fsync(fd, (syncError) => {
        fs.close(fd, (closeError) => {
          const failed = syncError ?? closeError;
          if (failed === null) synced(folder.name);
          step(failed);
        });
      });
    });
  };
  step(null);
}
