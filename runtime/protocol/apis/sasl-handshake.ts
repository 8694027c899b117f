// SaslHandshake (key 17), versions 0–1, from Kafka's SaslHandshakeRequest/Response.json.
// SaslHandshake Request (Version: 0-1) => mechanism
// SaslHandshake Response (Version: 0-1) => error_code [mechanisms]

import type { SaslHandshakeRequest, SaslHandshakeResponse } from "../../../core/protocol/index.ts";
import { type ApiCodec, plainBody } from "../api.ts";
import { defineMessage } from "../schema.ts";

export const saslHandshakeRequestSchema = defineMessage({
  name: "SaslHandshakeRequest",
  apiKey: 17,
  validVersions: "0-1",
  flexibleVersions: "none",
  fields: [{ name: "mechanism", type: "string", versions: "0+" }],
});

export const saslHandshakeResponseSchema = defineMessage({
  name: "SaslHandshakeResponse",
  apiKey: 17,
  validVersions: "0-1",
  flexibleVersions: "none",
  fields: [
    { name: "errorCode", type: "int16", versions: "0+" },
    { name: "mechanisms", type: "[]string", versions: "0+" },
  ],
});

export const saslHandshakeApi: ApiCodec<"SaslHandshake"> = {
  name: "SaslHandshake",
  request: plainBody<SaslHandshakeRequest>()(saslHandshakeRequestSchema),
  response: plainBody<SaslHandshakeResponse>()(saslHandshakeResponseSchema),
};
