// A client request or response inside an Envelope travels as Kafka's own bytes (as Kafka's
// EnvelopeRequest does): the header and body at the highest version Runnel speaks for its API, so
// the peer codec never duplicates the Kafka schemas. Inner decode failures are values too.

import { assert } from "../../../core/assert.ts";
import { ApiKey, apiNameOf } from "../../../core/protocol/api-keys.ts";
import type { ClientRequest, ClientResponse } from "../../../core/protocol/index.ts";
import { advertised } from "../../protocol/api-versions.ts";
import {
  decodeRequest,
  decodeResponse,
  encodeRequest,
  encodeResponse,
} from "../../protocol/frame.ts";
import type { PeerReader, PeerWriter } from "./fields.ts";

/** Kafka frames start with a 4-byte size; the envelope's own length prefix replaces it. */
const KAFKA_SIZE_BYTES = 4;

/** The Kafka request frame body (header included: api key, version, client id). */
export function writeEnvelopedRequest(w: PeerWriter, request: ClientRequest): void {
  const version = advertised[request.api].maxVersion;
  w.bytes(encodeRequest(request, version, 0).subarray(KAFKA_SIZE_BYTES));
}

/** The request, or undefined with `r.error` set. */
export function readEnvelopedRequest(r: PeerReader): ClientRequest | undefined {
  const at = r.pos;
  const bytes = r.bytes("envelope request");
  if (r.error !== undefined) return undefined;
  const decoded = decodeRequest(bytes);
  if (!decoded.ok) {
    r.fail({ type: "bad-envelope", at, error: decoded.error });
    return undefined;
  }
  const { header, request } = decoded.value;
  if (header.apiVersion !== advertised[request.api].maxVersion) {
    // Only the version we write is read: a lower one could carry fields the domain type lacks.
    r.fail({ type: "bad-envelope-api", at, apiKey: header.apiKey, apiVersion: header.apiVersion });
    return undefined;
  }
  return request;
}

/** Api key, version, then the Kafka response frame body (correlation id 0 in its header). */
export function writeEnvelopedResponse(w: PeerWriter, response: ClientResponse): void {
  const apiKey = ApiKey[response.api];
  const apiVersion = advertised[response.api].maxVersion;
  const header = { apiKey, apiVersion, correlationId: 0, clientId: null };
  w.int(apiKey);
  w.int(apiVersion);
  w.bytes(encodeResponse(header, response).subarray(KAFKA_SIZE_BYTES));
}

/** The response, or undefined with `r.error` set. */
export function readEnvelopedResponse(r: PeerReader): ClientResponse | undefined {
  const at = r.pos;
  const apiKey = r.int("envelope apiKey");
  const apiVersion = r.int("envelope apiVersion");
  const bytes = r.bytes("envelope response");
  if (r.error !== undefined) return undefined;
  const api = apiNameOf(apiKey);
  if (api === undefined || apiVersion !== advertised[api].maxVersion) {
    r.fail({ type: "bad-envelope-api", at, apiKey, apiVersion });
    return undefined;
  }
  const decoded = decodeResponse(api, apiVersion, bytes);
  if (!decoded.ok) {
    r.fail({ type: "bad-envelope", at, error: decoded.error });
    return undefined;
  }
  assert(decoded.value.response.api === api, "a decoded response answers the api asked for");
  return decoded.value.response;
}
