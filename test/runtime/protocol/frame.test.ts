// Frames end to end at the domain level: for every API and version, a ClientRequest survives
// encodeRequest -> decodeRequest and a ClientResponse survives encodeResponse -> decodeResponse,
// through the version adapters, and re-encoding gives the same bytes. Plus the header rules.

import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  ApiKey,
  type ApiName,
  apiNames,
  type ClientRequest,
  type ClientResponse,
} from "../../../core/protocol/index.ts";
import { advertised } from "../../../runtime/protocol/api-versions.ts";
import { erasedCodec } from "../../../runtime/protocol/apis/index.ts";
import {
  decodeRequest,
  decodeResponse,
  encodeRequest,
  encodeResponse,
  encodeResponseParts,
  type RequestHeader,
  requestHeaderVersion,
  responseHeaderVersion,
} from "../../../runtime/protocol/frame.ts";
import { messageArbitrary } from "./support/schema-arbitrary.ts";

const body = (frame: Uint8Array) => frame.subarray(4);

const cases = apiNames.flatMap((api) => {
  const span = advertised[api];
  const versions: { api: ApiName; version: number }[] = [];
  for (let v = span.minVersion; v <= span.maxVersion; v++) versions.push({ api, version: v });
  return versions;
});

/** A domain request of `api` at `version`: a generated wire value through the adapter. */
function requestArbitrary(api: ApiName, version: number): fc.Arbitrary<ClientRequest> {
  const codec = erasedCodec(api).request;
  return fc
    .tuple(
      messageArbitrary(codec.schema, version),
      fc.option(fc.string({ maxLength: 10 }), { nil: null }),
    )
    .map(
      ([wire, clientId]) =>
        ({ api, clientId, body: codec.toDomain(version, wire) }) as ClientRequest,
    );
}

function responseArbitrary(api: ApiName, version: number): fc.Arbitrary<ClientResponse> {
  const codec = erasedCodec(api).response;
  return messageArbitrary(codec.schema, version)
    .filter((wire) => api !== "ApiVersions" || wire.errorCode !== 35)
    .map((wire) => ({ api, body: codec.toDomain(version, wire) }) as ClientResponse);
}

describe("requests", () => {
  it.each(cases)("$api v$version: encodeRequest -> decodeRequest -> equal, same bytes again", ({
    api,
    version,
  }) => {
    fc.assert(
      fc.property(
        requestArbitrary(api, version),
        fc.integer({ min: -(2 ** 31), max: 2 ** 31 - 1 }),
        (request, correlationId) => {
          const frame = encodeRequest(request, version, correlationId);
          expect(new DataView(frame.buffer, frame.byteOffset).getInt32(0)).toBe(frame.length - 4);
          const decoded = decodeRequest(body(frame));
          expect(decoded).toEqual({
            ok: true,
            value: {
              header: {
                apiKey: ApiKey[api],
                apiVersion: version,
                correlationId,
                clientId: request.clientId,
              },
              request,
            },
          });
          if (decoded.ok)
            expect(encodeRequest(decoded.value.request, version, correlationId)).toEqual(frame);
        },
      ),
      { numRuns: 20 },
    );
  });
});

describe("responses", () => {
  it.each(cases)("$api v$version: encodeResponse -> decodeResponse -> equal, same bytes again", ({
    api,
    version,
  }) => {
    const header: RequestHeader = {
      apiKey: ApiKey[api],
      apiVersion: version,
      correlationId: 77,
      clientId: "c",
    };
    fc.assert(
      fc.property(responseArbitrary(api, version), (response) => {
        const frame = encodeResponse(header, response);
        const decoded = decodeResponse(api, version, body(frame));
        expect(decoded).toEqual({ ok: true, value: { correlationId: 77, response } });
        if (decoded.ok) expect(encodeResponse(header, decoded.value.response)).toEqual(frame);
      }),
      { numRuns: 20 },
    );
  });
});

describe("responses in parts", () => {
  it("are the same frame, with large record batches referenced rather than copied", () => {
    const records = new Uint8Array(64 * 1024).fill(7);
    const partition = {
      partitionIndex: 0,
      errorCode: 0,
      highWatermark: 10,
      lastStableOffset: 10,
      logStartOffset: 0,
      abortedTransactions: null,
      preferredReadReplica: -1,
      records,
    };
    const response: ClientResponse = {
      api: "Fetch",
      body: {
        throttleTimeMs: 0,
        errorCode: 0,
        sessionId: 0,
        responses: [{ topic: "t", partitions: [partition, { ...partition, partitionIndex: 1 }] }],
      },
    };
    const header: RequestHeader = {
      apiKey: ApiKey.Fetch,
      apiVersion: 11,
      correlationId: 5,
      clientId: "c",
    };
    const parts = encodeResponseParts(header, response);
    expect(parts.filter((part) => part === records)).toHaveLength(2);
    const joined = new Uint8Array(parts.reduce((n, part) => n + part.length, 0));
    let at = 0;
    for (const part of parts) {
      joined.set(part, at);
      at += part.length;
    }
    expect(joined).toEqual(encodeResponse(header, response));
    const small = encodeResponseParts(header, {
      api: "Fetch",
      body: { ...response.body, responses: [] },
    });
    expect(small).toHaveLength(1);
  });
});

describe("header versions", () => {
  it.each<[ApiName, number, 1 | 2, 0 | 1]>([
    ["ApiVersions", 0, 1, 0],
    ["ApiVersions", 2, 1, 0],
    ["ApiVersions", 3, 2, 0],
    ["Produce", 7, 1, 0],
    ["Fetch", 11, 1, 0],
    ["Metadata", 6, 1, 0],
    ["JoinGroup", 5, 1, 0],
  ])("%s v%i: request header v%i, response header v%i", (api, version, request, response) => {
    expect(requestHeaderVersion(api, version)).toBe(request);
    expect(responseHeaderVersion(api, version)).toBe(response);
  });
});

describe("version adapters", () => {
  const roundTrip = (request: ClientRequest, version: number) => {
    const decoded = decodeRequest(body(encodeRequest(request, version, 1)));
    if (!decoded.ok) throw new Error(`decode failed: ${decoded.error.type}`);
    return decoded.value.request.body;
  };

  it("Metadata v0 says 'all topics' with an empty list; the domain says null", () => {
    const all: ClientRequest = {
      api: "Metadata",
      clientId: null,
      body: { topics: null, allowAutoTopicCreation: true },
    };
    expect(body(encodeRequest(all, 0, 1)).subarray(-4)).toEqual(new Uint8Array([0, 0, 0, 0]));
    expect(roundTrip(all, 0)).toEqual({ topics: null, allowAutoTopicCreation: true });
    expect(body(encodeRequest(all, 1, 1)).subarray(-4)).toEqual(
      new Uint8Array([255, 255, 255, 255]),
    );
  });

  it("Produce v0-v2 are flagged as legacy message sets; v3+ are not", () => {
    const request: ClientRequest = {
      api: "Produce",
      clientId: "p",
      body: {
        transactionalId: null,
        acks: 1,
        timeoutMs: 1000,
        topicData: [],
        legacyMessageSet: false,
      },
    };
    expect(roundTrip(request, 2)).toMatchObject({ legacyMessageSet: true });
    expect(roundTrip(request, 3)).toMatchObject({ legacyMessageSet: false });
  });

  it("JoinGroup v0 takes the session timeout as rebalance timeout; v4+ require a known member id", () => {
    const request: ClientRequest = {
      api: "JoinGroup",
      clientId: "j",
      body: {
        groupId: "g",
        sessionTimeoutMs: 10000,
        rebalanceTimeoutMs: 60000,
        memberId: "",
        groupInstanceId: null,
        protocolType: "consumer",
        protocols: [],
        requireKnownMemberId: true,
      },
    };
    expect(roundTrip(request, 0)).toMatchObject({
      rebalanceTimeoutMs: 10000,
      requireKnownMemberId: false,
    });
    expect(roundTrip(request, 3)).toMatchObject({
      rebalanceTimeoutMs: 60000,
      requireKnownMemberId: false,
    });
    expect(roundTrip(request, 4)).toMatchObject({ requireKnownMemberId: true });
  });

  it("LeaveGroup v0-v2 carry one member id, which becomes a one-member list", () => {
    const request: ClientRequest = {
      api: "LeaveGroup",
      clientId: null,
      body: { groupId: "g", members: [{ memberId: "m-1", groupInstanceId: null }] },
    };
    expect(roundTrip(request, 1)).toEqual({
      groupId: "g",
      members: [{ memberId: "m-1", groupInstanceId: null }],
    });
  });

  const answer = (response: ClientResponse, version: number) => {
    const header = {
      apiKey: ApiKey[response.api],
      apiVersion: version,
      correlationId: 5,
      clientId: null,
    };
    const decoded = decodeResponse(response.api, version, body(encodeResponse(header, response)));
    if (!decoded.ok) throw new Error(`decode failed: ${decoded.error.type}`);
    return decoded.value.response.body;
  };

  it("LeaveGroup v0-v2 answer a member's error at the top level", () => {
    const response: ClientResponse = {
      api: "LeaveGroup",
      body: {
        throttleTimeMs: 0,
        errorCode: 0,
        members: [{ memberId: "m", groupInstanceId: null, errorCode: 25 }],
      },
    };
    expect(answer(response, 2)).toEqual({ throttleTimeMs: 0, errorCode: 25, members: [] });
  });

  it("ListOffsets v0 answers the offset as a one-element list (none for -1)", () => {
    const response = (offset: number): ClientResponse => ({
      api: "ListOffsets",
      body: {
        throttleTimeMs: 0,
        topics: [
          { name: "t", partitions: [{ partitionIndex: 0, errorCode: 0, timestamp: 99, offset }] },
        ],
      },
    });
    expect(answer(response(42), 0)).toMatchObject({
      topics: [{ partitions: [{ offset: 42, timestamp: -1 }] }],
    });
    expect(answer(response(-1), 0)).toMatchObject({ topics: [{ partitions: [{ offset: -1 }] }] });
    expect(answer(response(42), 1)).toMatchObject({
      topics: [{ partitions: [{ offset: 42, timestamp: 99 }] }],
    });
  });

  it("OffsetFetch v0-v1 carry a group error on every partition", () => {
    const response: ClientResponse = {
      api: "OffsetFetch",
      body: {
        throttleTimeMs: 0,
        errorCode: 14,
        topics: [
          {
            name: "t",
            partitions: [
              {
                partitionIndex: 0,
                committedOffset: -1,
                committedLeaderEpoch: -1,
                metadata: null,
                errorCode: 0,
              },
            ],
          },
        ],
      },
    };
    expect(answer(response, 1)).toMatchObject({
      errorCode: 0,
      topics: [{ partitions: [{ errorCode: 14 }] }],
    });
    expect(answer(response, 2)).toMatchObject({
      errorCode: 14,
      topics: [{ partitions: [{ errorCode: 0 }] }],
    });
  });

  it("DescribeConfigs v0 says is-default, mapped to config source DEFAULT_CONFIG (5)", () => {
    const config = (configSource: number) => ({
      name: "retention.ms",
      value: "1",
      readOnly: false,
      configSource,
      isSensitive: false,
      synonyms: [],
      configType: 0,
      documentation: null,
    });
    const response = (configSource: number): ClientResponse => ({
      api: "DescribeConfigs",
      body: {
        throttleTimeMs: 0,
        results: [
          {
            errorCode: 0,
            errorMessage: null,
            resourceType: 2,
            resourceName: "t",
            configs: [config(configSource)],
          },
        ],
      },
    });
    expect(answer(response(5), 0)).toMatchObject({ results: [{ configs: [{ configSource: 5 }] }] });
    expect(answer(response(1), 0)).toMatchObject({ results: [{ configs: [{ configSource: 0 }] }] });
    expect(answer(response(1), 1)).toMatchObject({ results: [{ configs: [{ configSource: 1 }] }] });
  });
});
