// Bad bytes from a client are DecodeError values, never exceptions: a table of malformed frames,
// one per failure kind, then fuzzing decodeRequest/decodeResponse with random frames and with
// mutations (truncation, bit flips, inserted and overwritten bytes) of valid encodings.

import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { type ApiName, apiNames } from "../../../core/protocol/index.ts";
import { advertised } from "../../../runtime/protocol/api-versions.ts";
import { erasedCodec } from "../../../runtime/protocol/apis/index.ts";
import { describeDecodeError } from "../../../runtime/protocol/decode-error.ts";
import {
  decodeRequest,
  decodeResponse,
  encodeRequest,
  encodeResponse,
} from "../../../runtime/protocol/frame.ts";
import { asciiHex, hexBytes } from "./support/hex.ts";
import { messageArbitrary, mutate, mutationArbitrary } from "./support/schema-arbitrary.ts";

describe("malformed request frames", () => {
  it.each<[string, string, Record<string, unknown>]>([
    ["an empty frame", "", { type: "truncated", what: "request_api_key" }],
    [
      "a header cut inside the correlation id",
      "0003 0006 0000",
      { type: "truncated", what: "correlation_id" },
    ],
    [
      "an unknown api key",
      "0063 0000 00000007 ffff",
      { type: "unknown-api-key", apiKey: 99, correlationId: 7 },
    ],
    [
      "a key Runnel does not speak (OffsetForLeaderEpoch)",
      "0017 0000 00000001 ffff",
      { type: "unknown-api-key", apiKey: 23 },
    ],
    [
      "an unadvertised version (Fetch v3)",
      "0001 0003 00000002 ffff",
      { type: "unsupported-version", apiKey: 1, apiVersion: 3, correlationId: 2 },
    ],
    [
      "an unadvertised version (Metadata v9)",
      "0003 0009 00000002 ffff",
      { type: "unsupported-version", apiVersion: 9 },
    ],
    [
      "a client id longer than the frame",
      "0012 0000 00000001 0009 6162",
      { type: "truncated", what: "client_id" },
    ],
    ["a client id of length -2", "0012 0000 00000001 fffe", { type: "bad-length", length: -2 }],
    [
      "a truncated field (Metadata v1 topic name)",
      "0003 0001 00000001 ffff  00000001  0005 6162",
      { type: "truncated", what: "name" },
    ],
    [
      "a negative array length (Metadata v1 topics = -2)",
      "0003 0001 00000001 ffff  fffffffe",
      { type: "bad-length", length: -2, what: "topics" },
    ],
    [
      "an array count larger than the frame (Metadata v1)",
      "0003 0001 00000001 ffff  7fffffff 00",
      { type: "bad-length", length: 2147483647, what: "topics" },
    ],
    [
      "a null where v0 forbids it (Metadata v0 topics = -1)",
      "0003 0000 00000001 ffff  ffffffff",
      { type: "unexpected-null", what: "topics" },
    ],
    [
      "a bad compact length (ApiVersions v3 name longer than the frame)",
      `0012 0003 00000001 ffff 00  20 ${asciiHex("librdkafka")}`,
      { type: "truncated", what: "clientSoftwareName" },
    ],
    [
      "a compact null where v3 forbids it (ApiVersions v3 name)",
      "0012 0003 00000001 ffff 00  00 00 00",
      { type: "unexpected-null", what: "clientSoftwareName" },
    ],
    [
      "a varint longer than 5 bytes (ApiVersions v3 name length)",
      "0012 0003 00000001 ffff 00  8080808080 01",
      { type: "bad-varint", what: "clientSoftwareName" },
    ],
    [
      "a header tag count past the frame (ApiVersions v3)",
      "0012 0003 00000001 ffff 05",
      { type: "truncated" },
    ],
    [
      "an int64 beyond 2^53 (ListOffsets timestamp)",
      "0002 0001 00000001 ffff  ffffffff 00000001 0001 74 00000001 00000000 7fffffffffffffff",
      { type: "unsafe-int64", value: "9223372036854775807", what: "timestamp" },
    ],
    [
      "a records length past the frame (Produce v3)",
      "0000 0003 00000001 ffff  ffff ffff 00007530 00000001 0001 74 00000001 00000000 00000100 00",
      { type: "truncated", what: "records" },
    ],
  ])("%s", (_name, hex, expected) => {
    const decoded = decodeRequest(hexBytes(hex));
    expect(decoded).toMatchObject({ ok: false, error: expected });
    if (!decoded.ok) expect(describeDecodeError(decoded.error)).toMatch(/\w/);
  });
});

const requestCases = apiNames.flatMap((api) => {
  const out: { api: ApiName; version: number }[] = [];
  for (let v = advertised[api].minVersion; v <= advertised[api].maxVersion; v++)
    out.push({ api, version: v });
  return out;
});

/** A valid request frame body of any API and version, generated from its schema. */
const validRequestBody = fc.constantFrom(...requestCases).chain(({ api, version }) => {
  const codec = erasedCodec(api).request;
  return messageArbitrary(codec.schema, version).map((wire) => {
    const request = { api, clientId: "fuzz", body: codec.toDomain(version, wire) } as never;
    return encodeRequest(request, version, 1).subarray(4);
  });
});

describe("fuzzing", () => {
  it("decodeRequest never throws on random bytes", () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 200 }), (bytes) => {
        const decoded = decodeRequest(bytes);
        expect(typeof decoded.ok).toBe("boolean");
      }),
      { numRuns: 2000 },
    );
  });

  it("decodeRequest never throws on random bytes behind a valid header", () => {
    const header = fc.constantFrom(...requestCases).map(({ api, version }) => {
      const key = erasedCodec(api).request.schema.apiKey;
      const flexible = api === "ApiVersions" && version === 3;
      return hexBytes(
        `${key.toString(16).padStart(4, "0")} 000${version.toString(16)} 00000001 ffff ${flexible ? "00" : ""}`,
      );
    });
    fc.assert(
      fc.property(header, fc.uint8Array({ maxLength: 120 }), (head, tail) => {
        const frame = new Uint8Array(head.length + tail.length);
        frame.set(head);
        frame.set(tail, head.length);
        expect(typeof decodeRequest(frame).ok).toBe("boolean");
      }),
      { numRuns: 2000 },
    );
  });

  it("decodeRequest never throws on mutated valid frames", () => {
    let failures = 0;
    fc.assert(
      fc.property(
        validRequestBody,
        fc.array(mutationArbitrary, { minLength: 1, maxLength: 4 }),
        (frame, mutations) => {
          const decoded = decodeRequest(mutate(frame, mutations));
          if (!decoded.ok) failures++;
          expect(typeof decoded.ok).toBe("boolean");
        },
      ),
      { numRuns: 3000 },
    );
    // Mutations must actually reach the error paths, or this test proves nothing.
    expect(failures).toBeGreaterThan(300);
  });

  it("decodeResponse never throws on mutated valid frames", () => {
    const validResponse = fc.constantFrom(...requestCases).chain(({ api, version }) => {
      const codec = erasedCodec(api).response;
      return messageArbitrary(codec.schema, version)
        .filter((wire) => api !== "ApiVersions" || wire.errorCode !== 35)
        .map((wire) => {
          const header = {
            apiKey: codec.schema.apiKey,
            apiVersion: version,
            correlationId: 3,
            clientId: null,
          };
          const frame = encodeResponse(header, {
            api,
            body: codec.toDomain(version, wire),
          } as never);
          return { api, version, frame: frame.subarray(4) };
        });
    });
    fc.assert(
      fc.property(
        validResponse,
        fc.array(mutationArbitrary, { minLength: 1, maxLength: 4 }),
        ({ api, version, frame }, mutations) => {
          expect(typeof decodeResponse(api, version, mutate(frame, mutations)).ok).toBe("boolean");
        },
      ),
      { numRuns: 2000 },
    );
  });
});
