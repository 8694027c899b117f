// Kafka frames: the request header (v1, or v2 with tagged fields for flexible versions) plus the
// body, and the response header (v0, or v1 for flexible versions — except ApiVersions, whose
// response header is always v0, KIP-511). Requests decode to the core's ClientRequest.

import { assert } from "../../core/assert.ts";
import { ErrorCode } from "../../core/error-codes.ts";
import { ApiKey, type ApiName, apiNameOf } from "../../core/protocol/api-keys.ts";
import type { ClientRequest, ClientResponse } from "../../core/protocol/index.ts";
import { err, ok, type Result } from "../../core/result.ts";
import { isVersionSupported } from "./api-versions.ts";
import { apiCodec, erasedCodec } from "./apis/index.ts";
import { readMessage, writeMessage } from "./codec.ts";
import type { DecodeError } from "./decode-error.ts";
import { Reader } from "./reader.ts";
import { inRange } from "./versions.ts";
import { Writer } from "./writer.ts";

export interface RequestHeader {
  readonly apiKey: number;
  readonly apiVersion: number;
  readonly correlationId: number;
  /** int16-length nullable string in both header versions (never compact). */
  readonly clientId: string | null;
}

export interface DecodedRequest {
  readonly header: RequestHeader;
  readonly request: ClientRequest;
}

export interface DecodedResponse {
  readonly correlationId: number;
  readonly response: ClientResponse;
}

function isFlexible(api: ApiName, version: number): boolean {
  return inRange(apiCodec(api).request.schema.flexibleVersions, version);
}

/** 1 or 2: flexible versions add a tagged-field section to the request header. */
export function requestHeaderVersion(api: ApiName, version: number): 1 | 2 {
  return isFlexible(api, version) ? 2 : 1;
}

/** 0 or 1. ApiVersions answers with header v0 at every version, so any client can parse it. */
export function responseHeaderVersion(api: ApiName, version: number): 0 | 1 {
  if (api === "ApiVersions") return 0;
  return isFlexible(api, version) ? 1 : 0;
}

/**
 * Decodes one request frame body (without its 4-byte size). Unknown API keys and unadvertised
 * versions are errors (the runtime closes the connection) — except ApiVersions, whose
 * unsupported versions decode with a default body so the runtime can answer in the v0 layout.
 * Bytes after the body are ignored, as Kafka does. Record and byte fields are views into
 * `frameBody`, which the caller must not reuse.
 */
export function decodeRequest(frameBody: Uint8Array): Result<DecodedRequest, DecodeError> {
  const reader = new Reader(frameBody);
  const apiKey = reader.int16("request_api_key");
  const apiVersion = reader.int16("request_api_version");
  const correlationId = reader.int32("correlation_id");
  if (reader.error !== undefined) return err(reader.error);
  const api = apiNameOf(apiKey);
  if (api === undefined) return err({ type: "unknown-api-key", apiKey, correlationId });
  const supported = isVersionSupported(api, apiVersion);
  if (!supported && api !== "ApiVersions") {
    return err({ type: "unsupported-version", apiKey, apiVersion, correlationId });
  }
  const clientId = reader.nullableString("client_id");
  if (reader.error !== undefined) return err(reader.error);
  const header: RequestHeader = { apiKey, apiVersion, correlationId, clientId };
  if (!supported) {
    // An ApiVersions version we do not know: its body is not parsed (Kafka does the same).
    const body = { clientSoftwareName: "", clientSoftwareVersion: "" };
    return ok({ header, request: { api: "ApiVersions", clientId, body } });
  }
  if (requestHeaderVersion(api, apiVersion) === 2) skipTaggedFields(reader, "request header");
  const codec = erasedCodec(api).request;
  const wire = readMessage(codec.schema, apiVersion, reader);
  if (reader.error !== undefined) return err(reader.error);
  const body = codec.toDomain(apiVersion, wire);
  // The registry pairs each name with its own codec, so body has the type `api` names.
  return ok({ header, request: { api, clientId, body } as ClientRequest });
}

/** Skips a tagged-field section whose tags mean nothing to us (header tags). */
function skipTaggedFields(reader: Reader, what: string): void {
  const count = reader.uvarint(`${what} tagged field count`);
  for (let i = 0; i < count && reader.error === undefined; i++) {
    reader.uvarint(`${what} tag`);
    const size = reader.tagSize(`${what} tag size`);
    reader.skip(size, `${what} tag`);
  }
}

/**
 * Encodes the answer to `header`'s request as a whole frame, 4-byte size prefix included, ready
 * for the socket. An ApiVersions answer to an unsupported version uses the v0 layout.
 */
export function encodeResponse(header: RequestHeader, response: ClientResponse): Uint8Array {
  return responseWriter(header, response).finish();
}

/**
 * The same frame as encodeResponse, in parts to be written in order: record batches stay where
 * the log keeps them instead of being copied into one array (a socket sends them with writev).
 */
export function encodeResponseParts(header: RequestHeader, response: ClientResponse): Uint8Array[] {
  return responseWriter(header, response).finishParts();
}

function responseWriter(header: RequestHeader, response: ClientResponse): Writer {
  assert(
    ApiKey[response.api] === header.apiKey,
    `${response.api} answers api key ${header.apiKey}`,
  );
  const api = response.api;
  const version = usesV0Layout(header.apiVersion, response) ? 0 : header.apiVersion;
  assert(isVersionSupported(api, version), `${api} v${version} is not spoken`);
  const writer = new Writer(true);
  writer.int32(header.correlationId);
  if (responseHeaderVersion(api, version) === 1) writer.uvarint(0);
  const codec = erasedCodec(api).response;
  writeMessage(codec.schema, version, codec.toWire(version, response.body), writer);
  return writer;
}

/**
 * UNSUPPORTED_VERSION from ApiVersions is always sent in the v0 layout (KIP-511), whatever the
 * request's version, so a client that asked too high can still read our list.
 */
function usesV0Layout(requestVersion: number, response: ClientResponse): boolean {
  if (response.api !== "ApiVersions") return false;
  const unsupported = !isVersionSupported("ApiVersions", requestVersion);
  return unsupported || response.body.errorCode === ErrorCode.UNSUPPORTED_VERSION;
}

/** Encodes a request as a whole frame (size prefix included): for tests, tools and clients. */
export function encodeRequest(
  request: ClientRequest,
  apiVersion: number,
  correlationId: number,
): Uint8Array {
  const api = request.api;
  assert(isVersionSupported(api, apiVersion), `${api} v${apiVersion} is not spoken`);
  const writer = new Writer(true);
  writer.int16(ApiKey[api]);
  writer.int16(apiVersion);
  writer.int32(correlationId);
  if (request.clientId === null) writer.lengthPrefix("int16", -1);
  else writer.string("int16", request.clientId);
  if (requestHeaderVersion(api, apiVersion) === 2) writer.uvarint(0);
  const codec = erasedCodec(api).request;
  writeMessage(codec.schema, apiVersion, codec.toWire(apiVersion, request.body), writer);
  return writer.finish();
}

/**
 * Decodes a response frame body (without its size) to a request of `api` at `apiVersion`: the
 * client side, which knows what it asked. ApiVersions falls back to the v0 layout when the
 * error code is UNSUPPORTED_VERSION, as clients do.
 */
export function decodeResponse(
  api: ApiName,
  apiVersion: number,
  frameBody: Uint8Array,
): Result<DecodedResponse, DecodeError> {
  assert(isVersionSupported(api, apiVersion), `${api} v${apiVersion} is not spoken`);
  const reader = new Reader(frameBody);
  const correlationId = reader.int32("correlation_id");
  if (responseHeaderVersion(api, apiVersion) === 1) skipTaggedFields(reader, "response header");
  const unsupported =
    api === "ApiVersions" &&
    new Reader(frameBody, reader.pos).int16("error_code") === ErrorCode.UNSUPPORTED_VERSION;
  const version = unsupported ? 0 : apiVersion;
  const codec = erasedCodec(api).response;
  const wire = readMessage(codec.schema, version, reader);
  if (reader.error !== undefined) return err(reader.error);
  const body = codec.toDomain(version, wire);
  return ok({ correlationId, response: { api, body } as ClientResponse });
}
