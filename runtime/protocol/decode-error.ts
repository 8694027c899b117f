// Why bytes from a client could not be decoded. Always a value, never an exception: the runtime
// closes that one connection and keeps serving everyone else (DESIGN §1, errors of the 2nd kind).

import { assertNever } from "../../core/assert.ts";

export type DecodeError =
  /** A read needed more bytes than the frame holds. */
  | {
      readonly type: "truncated";
      readonly at: number;
      readonly need: number;
      readonly what: string;
    }
  /** A length or count that is negative (other than a legal null) or cannot fit in what remains. */
  | {
      readonly type: "bad-length";
      readonly at: number;
      readonly length: number;
      readonly what: string;
    }
  /** A null (length -1, compact length 0) where this version does not allow one. */
  | { readonly type: "unexpected-null"; readonly at: number; readonly what: string }
  /** An unsigned varint longer than 5 bytes (10 for a varlong) or past 32 bits. */
  | { readonly type: "bad-varint"; readonly at: number; readonly what: string }
  /** An int64 the core needs as a number but that is not a safe integer. */
  | {
      readonly type: "unsafe-int64";
      readonly at: number;
      readonly value: string;
      readonly what: string;
    }
  /** Tagged fields out of ascending order, or a known tag whose size disagrees with its value. */
  | {
      readonly type: "bad-tagged-fields";
      readonly at: number;
      readonly tag: number;
      readonly what: string;
    }
  /** A frame whose 4-byte size is negative or larger than socket.request.max.bytes. */
  | { readonly type: "bad-frame-size"; readonly size: number; readonly max: number }
  | { readonly type: "unknown-api-key"; readonly apiKey: number; readonly correlationId: number }
  | {
      readonly type: "unsupported-version";
      readonly apiKey: number;
      readonly apiVersion: number;
      readonly correlationId: number;
    };

export type DecodeErrorType = DecodeError["type"];

/** One line for logs: "truncated at byte 17: topicData.name needs 9 bytes". */
export function describeDecodeError(error: DecodeError): string {
  switch (error.type) {
    case "truncated":
      return `truncated at byte ${error.at}: ${error.what} needs ${error.need} bytes`;
    case "bad-length":
      return `bad length ${error.length} at byte ${error.at} for ${error.what}`;
    case "unexpected-null":
      return `null at byte ${error.at} for non-nullable ${error.what}`;
    case "bad-varint":
      return `malformed varint at byte ${error.at} for ${error.what}`;
    case "unsafe-int64":
      return `int64 ${error.value} at byte ${error.at} for ${error.what} is not a safe integer`;
    case "bad-tagged-fields":
      return `bad tagged field ${error.tag} at byte ${error.at} in ${error.what}`;
    case "bad-frame-size":
      return `frame size ${error.size} outside [0, ${error.max}]`;
    case "unknown-api-key":
      return `unknown api key ${error.apiKey} (correlation id ${error.correlationId})`;
    case "unsupported-version":
      return `api key ${error.apiKey} version ${error.apiVersion} is not supported (correlation id ${error.correlationId})`;
    default:
      return assertNever(error, "decode error");
  }
}
