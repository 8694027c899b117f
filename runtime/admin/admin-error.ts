// The one error the admin client reports: what went wrong, in words an operator can act on, and
// a kind the command line maps to its exit status. Kafka outcomes carry their error name.

import { errorInfo } from "../../core/error-codes.ts";

export type AdminErrorKind =
  /** Bad command-line input. */
  | "usage"
  /** No TCP connection could be made in time. */
  | "unreachable"
  /** The broker did not answer in time. */
  | "timeout"
  /** The connection closed under a request. */
  | "disconnected"
  /** The broker's bytes could not be decoded. */
  | "bad-response"
  /** The broker speaks no version of an API we need. */
  | "unsupported"
  /** The broker answered with a Kafka error code. */
  | "kafka";

export class AdminError extends Error {
  readonly kind: AdminErrorKind;
  /** The Kafka error code, for kind "kafka". */
  readonly code: number | undefined;

  constructor(kind: AdminErrorKind, message: string, code?: number) {
    super(message);
    this.name = "AdminError";
    this.kind = kind;
    this.code = code;
  }

  /** A Kafka error code as an AdminError: "what: NAME (Kafka's message)". */
  static fromCode(code: number, what: string, detail?: string | null): AdminError {
    const info = errorInfo(code);
    const extra = detail !== undefined && detail !== null && detail !== "" ? `: ${detail}` : "";
    return new AdminError("kafka", `${what}: ${info.name}${extra} (${info.message})`, code);
  }
}
