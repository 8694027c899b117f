// The link handshake, whose layout never changes so that any two builds can talk: the dialer's
// hello (magic, the codec versions it speaks, its node id, its cluster id) and the acceptor's
// answer (the version both will use, or why it refuses). Decoding returns values, never throws.

import { assert, assertNever } from "../../../core/assert.ts";
import type { NodeId } from "../../../core/ids.ts";
import { err, ok, type Result } from "../../../core/result.ts";
import { PeerReader, PeerWriter } from "./fields.ts";
import type { PeerDecodeError } from "./peer-decode-error.ts";

/** "RNPL": a Kafka client or a stray connection on the peer port fails here, not later. */
const MAGIC = [0x52, 0x4e, 0x50, 0x4c] as const;
/** A hello or answer body is never longer (a cluster id is a short string). */
export const HANDSHAKE_BYTES_MAX = 1024;

const DETAIL_CHARS_MAX = 200;

const Kind = { hello: 1, accept: 2, reject: 3 } as const;

export interface Hello {
  readonly minVersion: number;
  readonly maxVersion: number;
  readonly nodeId: NodeId;
  readonly clusterId: string;
}

export const rejectReasons = {
  "wrong-cluster": 1,
  "unknown-node": 2,
  "unsupported-version": 3,
  "own-node-id": 4,
} as const;
export type RejectReason = keyof typeof rejectReasons;

export type HandshakeAnswer =
  | { readonly type: "accept"; readonly version: number }
  | { readonly type: "reject"; readonly reason: RejectReason; readonly detail: string };

/** Whole frames (size prefix included). */
export function encodeHello(hello: Hello): Uint8Array {
  const w = start(Kind.hello);
  w.uint8(hello.minVersion);
  w.uint8(hello.maxVersion);
  w.int(hello.nodeId);
  w.string(hello.clusterId);
  return finish(w);
}

export function encodeAnswer(answer: HandshakeAnswer): Uint8Array {
  switch (answer.type) {
    case "accept": {
      const w = start(Kind.accept);
      w.uint8(answer.version);
      return finish(w);
    }
    case "reject": {
      const w = start(Kind.reject);
      w.uint8(rejectReasons[answer.reason]);
      // The detail may quote the dialer's own fields: cut it to keep the answer small.
      w.string(answer.detail.slice(0, DETAIL_CHARS_MAX));
      return finish(w);
    }
    default:
      return assertNever(answer, "handshake answer");
  }
}

function finish(w: PeerWriter): Uint8Array {
  const frame = w.finish();
  assert(frame.length - 4 <= HANDSHAKE_BYTES_MAX, `a handshake frame of ${frame.length} bytes`);
  return frame;
}

function start(kind: number): PeerWriter {
  const w = new PeerWriter(true);
  for (const byte of MAGIC) w.uint8(byte);
  w.uint8(kind);
  return w;
}

/** Decodes a hello frame body (after its size). */
export function decodeHello(body: Uint8Array): Result<Hello, PeerDecodeError> {
  const r = new PeerReader(body);
  const kind = readKind(r);
  if (kind !== undefined && kind !== Kind.hello) return bad(`expected a hello, got kind ${kind}`);
  const minVersion = r.uint8("minVersion");
  const maxVersion = r.uint8("maxVersion");
  const nodeId = r.nodeId("nodeId");
  const clusterId = r.string("clusterId");
  r.expectEnd();
  if (r.error !== undefined) return err(r.error);
  if (minVersion > maxVersion) return bad(`versions ${minVersion}-${maxVersion} are empty`);
  return ok({ minVersion, maxVersion, nodeId, clusterId });
}

/** Decodes an answer frame body (after its size). */
export function decodeAnswer(body: Uint8Array): Result<HandshakeAnswer, PeerDecodeError> {
  const r = new PeerReader(body);
  const kind = readKind(r);
  if (r.error !== undefined) return err(r.error);
  if (kind === Kind.accept) {
    const version = r.uint8("version");
    r.expectEnd();
    return r.error === undefined ? ok({ type: "accept", version }) : err(r.error);
  }
  if (kind !== Kind.reject) return bad(`expected an answer, got kind ${kind}`);
  const code = r.uint8("reason");
  const detail = r.string("detail");
  r.expectEnd();
  if (r.error !== undefined) return err(r.error);
  const reason = reasonOf(code);
  if (reason === undefined) return bad(`unknown reject reason ${code}`);
  return ok({ type: "reject", reason, detail });
}

/** The kind byte after a correct magic; undefined when the magic is wrong (r.error is set). */
function readKind(r: PeerReader): number | undefined {
  for (const expected of MAGIC) {
    const at = r.pos;
    const byte = r.uint8("magic");
    if (r.error === undefined && byte !== expected) {
      r.fail({
        type: "bad-handshake",
        reason: `byte ${at} of the magic is ${byte}, not ${expected}`,
      });
    }
  }
  const kind = r.uint8("kind");
  return r.error === undefined ? kind : undefined;
}

function reasonOf(code: number): RejectReason | undefined {
  for (const [reason, value] of Object.entries(rejectReasons)) {
    if (value === code) return reason as RejectReason;
  }
  return undefined;
}

function bad(reason: string): { ok: false; error: PeerDecodeError } {
  return err({ type: "bad-handshake", reason });
}

/**
 * The acceptor's decision: the highest version both speak, or a refusal. `knownNodes` are the ids
 * in the acceptor's address map; a node of another cluster or one it does not know is refused.
 */
export function answerHello(
  hello: Hello,
  self: {
    readonly nodeId: NodeId;
    readonly clusterId: string;
    readonly versions: readonly number[];
  },
  isKnownNode: (id: NodeId) => boolean,
): HandshakeAnswer {
  if (hello.clusterId !== self.clusterId) {
    const detail = `cluster id ${JSON.stringify(hello.clusterId)} is not ${JSON.stringify(self.clusterId)}`;
    return { type: "reject", reason: "wrong-cluster", detail };
  }
  if (hello.nodeId === self.nodeId) {
    return { type: "reject", reason: "own-node-id", detail: `node id ${hello.nodeId} is mine` };
  }
  if (!isKnownNode(hello.nodeId)) {
    return { type: "reject", reason: "unknown-node", detail: `node ${hello.nodeId} is not a peer` };
  }
  const common = self.versions.filter((v) => v >= hello.minVersion && v <= hello.maxVersion);
  const version = common.at(-1);
  if (version === undefined) {
    const detail = `versions ${hello.minVersion}-${hello.maxVersion}, mine ${self.versions.join(",")}`;
    return { type: "reject", reason: "unsupported-version", detail };
  }
  return { type: "accept", version };
}
