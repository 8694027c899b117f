// Socket reads into arrays the caller chooses (node:net's `onread`), for sockets a server accepted:
// node:net offers `onread` only to sockets it creates, so the accepted socket's handle moves to a
// new Socket that has it. The accepted one must not have started reading (pauseOnConnect).

import net from "node:net";
import { assert } from "../core/assert.ts";

/** The reads of a socket: `buffer` is asked for the next target after every read. */
export interface OwnReads {
  readonly buffer: () => Uint8Array;
  /** `n` bytes arrived at the start of the last target; false pauses the socket. */
  readonly callback: (n: number, target: Uint8Array) => boolean;
}

/** The accepted connection as a socket whose reads follow `reads`; `accepted` is spent. */
export function withOwnReads(accepted: net.Socket, reads: OwnReads): net.Socket {
  const holder = accepted as unknown as { _handle: unknown };
  const handle = holder._handle;
  assert(handle !== null && handle !== undefined, "an accepted socket without its handle");
  // Detached first, so destroying the old wrapper closes nothing but still tells the server that
  // this wrapper's connection is gone (its count), while the new wrapper carries the connection.
  holder._handle = null;
  accepted.destroy();
  const options = { handle, readable: true, writable: true, onread: reads };
  return new net.Socket(options as net.SocketConstructorOpts);
}
