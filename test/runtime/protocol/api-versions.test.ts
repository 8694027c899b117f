// The advertised table is Profile A exactly, it passes librdkafka 2.0.2's feature checks
// (kafka-anchors §0.3–0.4), and ApiVersions at an unsupported version is answered in the v0
// layout with UNSUPPORTED_VERSION and our whole list.

import { describe, expect, it } from "vitest";
import { type ApiName, apiNames } from "../../../core/protocol/index.ts";
import {
  advertised,
  apiVersionsResponse,
  isVersionSupported,
} from "../../../runtime/protocol/api-versions.ts";
import { decodeRequest, decodeResponse, encodeResponse } from "../../../runtime/protocol/frame.ts";
import { hexBytes } from "./support/hex.ts";

const profileA: Record<ApiName, [number, number]> = {
  ApiVersions: [0, 3],
  Metadata: [0, 6],
  Produce: [0, 7],
  Fetch: [4, 11],
  ListOffsets: [0, 3],
  OffsetCommit: [0, 7],
  OffsetFetch: [0, 5],
  FindCoordinator: [0, 2],
  JoinGroup: [0, 5],
  Heartbeat: [0, 3],
  LeaveGroup: [0, 3],
  SyncGroup: [0, 3],
  DescribeGroups: [0, 4],
  ListGroups: [0, 2],
  SaslHandshake: [0, 1],
  SaslAuthenticate: [0, 1],
  CreateTopics: [0, 4],
  DeleteTopics: [0, 3],
  DeleteRecords: [0, 1],
  CreatePartitions: [0, 1],
  InitProducerId: [0, 1],
  AddPartitionsToTxn: [0, 2],
  AddOffsetsToTxn: [0, 2],
  EndTxn: [0, 2],
  TxnOffsetCommit: [0, 2],
  DescribeConfigs: [0, 3],
  AlterConfigs: [0, 1],
  DeleteGroups: [0, 1],
  OffsetDelete: [0, 0],
};

describe("advertised table", () => {
  it.each(apiNames)("%s is advertised as in Profile A", (api) => {
    const [min, max] = profileA[api];
    expect(advertised[api]).toEqual({ minVersion: min, maxVersion: max });
  });

  // librdkafka enables a feature only if our range overlaps the versions it needs.
  it.each<[string, ApiName, number[]]>([
    ["group coordinator lookup", "FindCoordinator", [0]],
    ["high-level consumer", "JoinGroup", [0]],
    ["high-level consumer", "SyncGroup", [0]],
    ["high-level consumer", "Heartbeat", [0]],
    ["high-level consumer", "LeaveGroup", [0]],
    ["idempotent producer", "InitProducerId", [0]],
    ["SASL handshake", "SaslHandshake", [0, 1]],
    ["KIP-152 SASL frames", "SaslAuthenticate", [0]],
    ["broker offset commit", "OffsetCommit", [1, 2]],
    ["broker offset fetch", "OffsetFetch", [1]],
    ["offset lookup", "ListOffsets", [1]],
    ["message v2 produce", "Produce", [3]],
    ["gzip/snappy/lz4 compression (range includes v0)", "Produce", [0]],
    ["zstd compression", "Produce", [7]],
    ["message v2 fetch", "Fetch", [4]],
    ["zstd fetch", "Fetch", [10]],
  ])("librdkafka feature %s: %s supports %j", (_feature, api, versions) => {
    for (const v of versions) expect(isVersionSupported(api, v)).toBe(true);
  });
});

describe("ApiVersions answer", () => {
  it("lists every advertised API in key order, without error, at a supported version", () => {
    const response = apiVersionsResponse(3);
    expect(response.errorCode).toBe(0);
    expect(response.apiKeys.map((k) => k.apiKey)).toEqual([
      0, 1, 2, 3, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 24, 25, 26, 28, 32, 33,
      36, 37, 42, 47,
    ]);
  });

  it.each([4, 5, -1, 100])("answers v%i with UNSUPPORTED_VERSION", (version) => {
    expect(apiVersionsResponse(version).errorCode).toBe(35);
  });

  it("decodes an ApiVersions v4 request (header v2) without parsing its body, answers in v0 layout", () => {
    const frame = hexBytes(`
      0012 0004 0000002a          # api_key 18, api_version 4, correlation_id 42
      0008 706c6174666f726d       # client_id "platform"
      00                          # header tagged fields
      07 6e6577657374 02 34 00    # a body we do not parse (compact strings, tags)`);
    const decoded = decodeRequest(frame);
    expect(decoded).toEqual({
      ok: true,
      value: {
        header: { apiKey: 18, apiVersion: 4, correlationId: 42, clientId: "platform" },
        request: {
          api: "ApiVersions",
          clientId: "platform",
          body: { clientSoftwareName: "", clientSoftwareVersion: "" },
        },
      },
    });
    if (!decoded.ok) return;
    const answer = encodeResponse(decoded.value.header, {
      api: "ApiVersions",
      body: apiVersionsResponse(4),
    });
    const view = new DataView(answer.buffer, answer.byteOffset);
    // size, correlation id (header v0), error_code 35, api_keys int32 count 29, no throttle
    expect(view.getInt32(0)).toBe(answer.length - 4);
    expect(view.getInt32(4)).toBe(42);
    expect(view.getInt16(8)).toBe(35);
    expect(view.getInt32(10)).toBe(29);
    expect(answer.length).toBe(4 + 4 + 2 + 4 + 29 * 6);
    // A client that asked v3 reads it by falling back to v0 on UNSUPPORTED_VERSION.
    const read = decodeResponse("ApiVersions", 3, answer.subarray(4));
    expect(read).toMatchObject({
      ok: true,
      value: { correlationId: 42, response: { body: { errorCode: 35 } } },
    });
  });
});
