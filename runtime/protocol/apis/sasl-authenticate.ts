// SaslAuthenticate (key 36), versions 0–1, from Kafka's SaslAuthenticateRequest/Response.json.
// SaslAuthenticate Request (Version: 0-1) => auth_bytes
// SaslAuthenticate Response (Version: 1) => error_code error_message auth_bytes session_lifetime_ms

import type {
  SaslAuthenticateRequest,
  SaslAuthenticateResponse,
} from "../../../core/protocol/index.ts";
import { type ApiCodec, plainBody } from "../api.ts";
import { defineMessage } from "../schema.ts";

export const saslAuthenticateRequestSchema = defineMessage({
  name: "SaslAuthenticateRequest",
  apiKey: 36,
  validVersions: "0-1",
  flexibleVersions: "2+",
  fields: [{ name: "authBytes", type: "bytes", versions: "0+" }],
});

export const saslAuthenticateResponseSchema = defineMessage({
  name: "SaslAuthenticateResponse",
  apiKey: 36,
  validVersions: "0-1",
  flexibleVersions: "2+",
  fields: [
    { name: "errorCode", type: "int16", versions: "0+" },
    { name: "errorMessage", type: "string", versions: "0+", nullableVersions: "0+" },
    { name: "authBytes", type: "bytes", versions: "0+" },
    { name: "sessionLifetimeMs", type: "int64", versions: "1+", default: 0 },
  ],
});

export const saslAuthenticateApi: ApiCodec<"SaslAuthenticate"> = {
  name: "SaslAuthenticate",
  request: plainBody<SaslAuthenticateRequest>()(saslAuthenticateRequestSchema),
  response: plainBody<SaslAuthenticateResponse>()(saslAuthenticateResponseSchema),
};
