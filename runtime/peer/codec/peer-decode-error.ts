// Why bytes from a peer could not be decoded: always a value, never an exception. The links close
// that one connection (the peer hears `peer-unreachable` and retries) and keep every other link.

import { assertNever } from "../../../core/assert.ts";
import { type DecodeError, describeDecodeError } from "../../protocol/decode-error.ts";

export type PeerDecodeError =
  /** A primitive could not be read (truncated, malformed varint, unsafe int64, bad length). */
  | { readonly type: "wire"; readonly error: DecodeError }
  /** The frame's codec version is not one this build speaks. */
  | {
      readonly type: "unknown-codec-version";
      readonly version: number;
      readonly supported: readonly number[];
    }
  | { readonly type: "unknown-message-type"; readonly at: number; readonly typeId: number }
  /** A boolean or presence flag other than 0 or 1. */
  | {
      readonly type: "bad-flag";
      readonly at: number;
      readonly value: number;
      readonly what: string;
    }
  /** A number outside its field's range (an error code outside int16). */
  | {
      readonly type: "out-of-range";
      readonly at: number;
      readonly value: number;
      readonly what: string;
    }
  /** Bytes left after the last field: the frame and the message disagree on its length. */
  | { readonly type: "trailing-bytes"; readonly at: number; readonly count: number }
  /** The Kafka request or response inside an Envelope did not decode (positions are inner). */
  | { readonly type: "bad-envelope"; readonly at: number; readonly error: DecodeError }
  /** The Envelope names an API or version the Kafka codec does not speak. */
  | {
      readonly type: "bad-envelope-api";
      readonly at: number;
      readonly apiKey: number;
      readonly apiVersion: number;
    }
  /** A handshake frame that is not one: wrong magic, wrong kind, or a bad field. */
  | { readonly type: "bad-handshake"; readonly reason: string };

export type PeerDecodeErrorType = PeerDecodeError["type"];

/** One line for logs: "unknown codec version 7 (this build speaks 1)". */
export function describePeerDecodeError(error: PeerDecodeError): string {
  switch (error.type) {
    case "wire":
      return describeDecodeError(error.error);
    case "unknown-codec-version":
      return `unknown codec version ${error.version} (this build speaks ${error.supported.join(", ")})`;
    case "unknown-message-type":
      return `unknown message type id ${error.typeId} at byte ${error.at}`;
    case "bad-flag":
      return `flag ${error.value} at byte ${error.at} for ${error.what} is neither 0 nor 1`;
    case "out-of-range":
      return `${error.what} ${error.value} at byte ${error.at} is out of range`;
    case "trailing-bytes":
      return `${error.count} bytes after the message end at byte ${error.at}`;
    case "bad-envelope":
      return `envelope at byte ${error.at}: ${describeDecodeError(error.error)}`;
    case "bad-envelope-api":
      return `envelope at byte ${error.at}: api key ${error.apiKey} v${error.apiVersion} is not spoken`;
    case "bad-handshake":
      return `bad handshake: ${error.reason}`;
    default:
      return assertNever(error, "peer decode error");
  }
}
