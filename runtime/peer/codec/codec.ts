// The peer codec: one PeerMessage per frame — a 4-byte size, the codec version (uint8), the message
// type id (uvarint), then the variant's fields. decode(encode(m)) = m for every message; any byte
// string decodes to a message or a PeerDecodeError value, never an exception.

import { assert, assertNever } from "../../../core/assert.ts";
import type { PeerMessage } from "../../../core/peer-message.ts";
import { err, ok, type Result } from "../../../core/result.ts";
import {
  readBrokerLifecycleMessage,
  writeBrokerLifecycleMessage,
} from "./broker-lifecycle-codec.ts";
import { PeerReader, PeerWriter } from "./fields.ts";
import type { PeerDecodeError } from "./peer-decode-error.ts";
import { readRaftMessage, writeRaftMessage } from "./raft-codec.ts";
import { readReplicationMessage, writeReplicationMessage } from "./replication-codec.ts";
import { type PeerMessageType, peerTypeIds, peerTypeOf } from "./type-ids.ts";

/** The version this build writes. See runtime/peer/README.md for the table of versions. */
export const PEER_CODEC_VERSION = 1;
/** Every version this build reads (and offers in the handshake), ascending. */
export const peerCodecVersions: readonly number[] = [1];
/** The frame size prefix: a big-endian int32 counting the bytes after it. */
export const PEER_FRAME_SIZE_BYTES = 4;

export interface DecodedPeerFrame {
  readonly version: number;
  readonly message: PeerMessage;
}

/** The whole frame, size prefix included, ready for the socket. */
export function encodePeerFrame(message: PeerMessage, version = PEER_CODEC_VERSION): Uint8Array {
  assert(peerCodecVersions.includes(version), `peer codec version ${version} is not spoken`);
  const w = new PeerWriter(true);
  w.uint8(version);
  w.uvarint(peerTypeIds[message.type]);
  writeFields(w, message);
  const frame = w.finish();
  assert(frame.length > PEER_FRAME_SIZE_BYTES + 1, "a frame holds at least a version and a type");
  return frame;
}

function writeFields(w: PeerWriter, message: PeerMessage): void {
  switch (message.type) {
    case "raft-vote-request":
    case "raft-vote-response":
    case "raft-begin-quorum-epoch-request":
    case "raft-begin-quorum-epoch-response":
    case "raft-end-quorum-epoch-request":
    case "raft-end-quorum-epoch-response":
    case "raft-fetch-request":
    case "raft-fetch-response":
    case "raft-fetch-snapshot-request":
    case "raft-fetch-snapshot-response":
      writeRaftMessage(w, message);
      return;
    case "broker-registration-request":
    case "broker-registration-response":
    case "broker-heartbeat-request":
    case "broker-heartbeat-response":
    case "envelope-request":
    case "envelope-response":
    case "allocate-producer-ids-request":
    case "allocate-producer-ids-response":
      writeBrokerLifecycleMessage(w, message);
      return;
    case "replica-fetch-request":
    case "replica-fetch-response":
    case "alter-partition-request":
    case "alter-partition-response":
      writeReplicationMessage(w, message);
      return;
    default:
      assertNever(message, "peer message");
  }
}

/**
 * Decodes one frame body (the bytes after its size). Byte fields are views into `body`, which the
 * caller must not reuse. Every byte must belong to the message: trailing bytes are an error.
 */
export function decodePeerFrame(body: Uint8Array): Result<DecodedPeerFrame, PeerDecodeError> {
  const r = new PeerReader(body);
  const version = r.uint8("codec version");
  if (r.error !== undefined) return err(r.error);
  if (!peerCodecVersions.includes(version)) {
    return err({ type: "unknown-codec-version", version, supported: peerCodecVersions });
  }
  const at = r.pos;
  const typeId = r.uvarint("message type id");
  if (r.error !== undefined) return err(r.error);
  const type = peerTypeOf(typeId);
  if (type === undefined) return err({ type: "unknown-message-type", at, typeId });
  const message = readFields(r, type);
  r.expectEnd();
  if (r.error !== undefined) return err(r.error);
  assert(message !== undefined, "a message read without error is defined");
  assert(message.type === type, `decoded ${message.type} for type id ${typeId}`);
  return ok({ version, message });
}

function readFields(r: PeerReader, type: PeerMessageType): PeerMessage | undefined {
  switch (type) {
    case "raft-vote-request":
    case "raft-vote-response":
    case "raft-begin-quorum-epoch-request":
    case "raft-begin-quorum-epoch-response":
    case "raft-end-quorum-epoch-request":
    case "raft-end-quorum-epoch-response":
    case "raft-fetch-request":
    case "raft-fetch-response":
    case "raft-fetch-snapshot-request":
    case "raft-fetch-snapshot-response":
      return readRaftMessage(r, type);
    case "broker-registration-request":
    case "broker-registration-response":
    case "broker-heartbeat-request":
    case "broker-heartbeat-response":
    case "envelope-request":
    case "envelope-response":
    case "allocate-producer-ids-request":
    case "allocate-producer-ids-response":
      return readBrokerLifecycleMessage(r, type);
    case "replica-fetch-request":
    case "replica-fetch-response":
    case "alter-partition-request":
    case "alter-partition-response":
      return readReplicationMessage(r, type);
    default:
      return assertNever(type, "peer message type");
  }
}
