// SASL authentication as domain types: SaslHandshake v0–1 and SaslAuthenticate v0–1 (KIP-43,
// KIP-152). Types only for now: the broker does not authenticate yet.

export interface SaslHandshakeRequest {
  /** e.g. "PLAIN", "SCRAM-SHA-256". */
  readonly mechanism: string;
}

export interface SaslHandshakeResponse {
  readonly errorCode: number;
  /** The mechanisms the broker enables. */
  readonly mechanisms: readonly string[];
}

export interface SaslAuthenticateRequest {
  readonly authBytes: Uint8Array;
}

export interface SaslAuthenticateResponse {
  readonly errorCode: number;
  readonly errorMessage: string | null;
  readonly authBytes: Uint8Array;
  /** v1+: when the session must re-authenticate (KIP-368), 0 for never. */
  readonly sessionLifetimeMs: number;
}
