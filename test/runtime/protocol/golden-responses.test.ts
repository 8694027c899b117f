// Golden response frames, hand-built from Kafka's message specs one field a line: what Runnel
// answers at the versions Profile A makes clients use. Each encodes from the written
// ClientResponse to exactly these bytes and decodes back to it.

import { describe, expect, it } from "vitest";
import { ApiKey, type ApiName, type ClientResponse } from "../../../core/protocol/index.ts";
import { apiVersionsResponse } from "../../../runtime/protocol/api-versions.ts";
import { decodeResponse, encodeResponse } from "../../../runtime/protocol/frame.ts";
import {
  API_KEYS_V3,
  BATCH,
  batch,
  subscription,
  subscriptionBytes,
} from "./support/golden-bytes.ts";
import { asciiHex, hexBytes, toHex } from "./support/hex.ts";

interface ResponseGolden {
  readonly name: string;
  readonly api: ApiName;
  readonly version: number;
  readonly correlationId: number;
  readonly hex: string;
  readonly response: ClientResponse;
}

const responses: ResponseGolden[] = [
  {
    name: "ApiVersions v3: flexible body, but response header v0 (no tagged-field byte)",
    api: "ApiVersions",
    version: 3,
    correlationId: 1,
    hex: `
      000000d7                  # frame size 215
      00000001                  # correlation_id 1 — header v0 even at v3 (KIP-511)
      0000                      # error_code 0
      ${API_KEYS_V3}
      00000000                  # throttle_time_ms 0
      00                        # tagged fields: none (no features)`,
    response: { api: "ApiVersions", body: apiVersionsResponse(3) },
  },
  {
    name: "Metadata v6: one broker, one topic of one partition",
    api: "Metadata",
    version: 6,
    correlationId: 2,
    hex: `
      00000059                  # frame size 89
      00000002                  # correlation_id 2 (header v0)
      00000000                  # throttle_time_ms 0
      00000001                  # brokers: 1
      00000001                  #   node_id 1
      0009 ${asciiHex("localhost")} # host "localhost"
      00002384                  #   port 9092
      ffff                      #   rack null
      0006 ${asciiHex("runnel")} # cluster_id "runnel"
      00000001                  # controller_id 1
      00000001                  # topics: 1
      0000                      #   error_code 0
      0001 74                   #   name "t"
      00                        #   is_internal false
      00000001                  #   partitions: 1
      0000                      #     error_code 0
      00000000                  #     partition_index 0
      00000001                  #     leader_id 1
      00000001 00000001         #     replica_nodes [1]
      00000001 00000001         #     isr_nodes [1]
      00000000                  #     offline_replicas []`,
    response: {
      api: "Metadata",
      body: {
        throttleTimeMs: 0,
        brokers: [{ nodeId: 1, host: "localhost", port: 9092, rack: null }],
        clusterId: "runnel",
        controllerId: 1,
        topics: [
          {
            errorCode: 0,
            name: "t",
            isInternal: false,
            partitions: [
              {
                errorCode: 0,
                partitionIndex: 0,
                leaderId: 1,
                replicaNodes: [1],
                isrNodes: [1],
                offlineReplicas: [],
              },
            ],
          },
        ],
      },
    },
  },
  {
    name: "Produce v7: appended at offset 0",
    api: "Produce",
    version: 7,
    correlationId: 3,
    hex: `
      00000031                  # frame size 49
      00000003                  # correlation_id 3
      00000001                  # responses: 1
      0001 74                   #   name "t"
      00000001                  #   partition_responses: 1
      00000000                  #     index 0
      0000                      #     error_code 0
      0000000000000000          #     base_offset 0
      ffffffffffffffff          #     log_append_time_ms -1 (CreateTime topic)
      0000000000000000          #     log_start_offset 0
      00000000                  # throttle_time_ms 0`,
    response: {
      api: "Produce",
      body: {
        responses: [
          {
            name: "t",
            partitionResponses: [
              { index: 0, errorCode: 0, baseOffset: 0, logAppendTimeMs: -1, logStartOffset: 0 },
            ],
          },
        ],
        throttleTimeMs: 0,
      },
    },
  },
  {
    name: "Fetch v11: the batch holding the fetch offset",
    api: "Fetch",
    version: 11,
    correlationId: 4,
    hex: `
      00000089                  # frame size 137
      00000004                  # correlation_id 4
      00000000                  # throttle_time_ms 0
      0000                      # error_code 0
      00000000                  # session_id 0 (no fetch sessions)
      00000001                  # responses: 1
      0001 74                   #   topic "t"
      00000001                  #   partitions: 1
      00000000                  #     partition_index 0
      0000                      #     error_code 0
      0000000000000001          #     high_watermark 1
      0000000000000001          #     last_stable_offset 1
      0000000000000000          #     log_start_offset 0
      ffffffff                  #     aborted_transactions null
      ffffffff                  #     preferred_read_replica -1
      00000046                  #     records: 70 bytes
      ${BATCH}`,
    response: {
      api: "Fetch",
      body: {
        throttleTimeMs: 0,
        errorCode: 0,
        sessionId: 0,
        responses: [
          {
            topic: "t",
            partitions: [
              {
                partitionIndex: 0,
                errorCode: 0,
                highWatermark: 1,
                lastStableOffset: 1,
                logStartOffset: 0,
                abortedTransactions: null,
                preferredReadReplica: -1,
                records: batch,
              },
            ],
          },
        ],
      },
    },
  },
  {
    name: "JoinGroup v5: the leader gets every member's metadata",
    api: "JoinGroup",
    version: 5,
    correlationId: 5,
    hex: `
      0000003b                  # frame size 59
      00000005                  # correlation_id 5
      00000000                  # throttle_time_ms 0
      0000                      # error_code 0
      00000001                  # generation_id 1
      0005 ${asciiHex("range")} # protocol_name "range"
      0003 ${asciiHex("m-1")}   # leader "m-1"
      0003 ${asciiHex("m-1")}   # member_id "m-1"
      00000001                  # members: 1
      0003 ${asciiHex("m-1")}   #   member_id "m-1"
      ffff                      #   group_instance_id null
      0000000d ${subscription}  #   metadata: 13 bytes`,
    response: {
      api: "JoinGroup",
      body: {
        throttleTimeMs: 0,
        errorCode: 0,
        generationId: 1,
        protocolName: "range",
        leader: "m-1",
        memberId: "m-1",
        members: [{ memberId: "m-1", groupInstanceId: null, metadata: subscriptionBytes }],
      },
    },
  },
];

describe("golden responses", () => {
  it.each(responses)("$name", ({ api, version, correlationId, hex, response }) => {
    const frame = hexBytes(hex);
    expect(new DataView(frame.buffer).getInt32(0)).toBe(frame.length - 4);
    const header = { apiKey: ApiKey[api], apiVersion: version, correlationId, clientId: null };
    expect(toHex(encodeResponse(header, response))).toBe(toHex(frame));
    expect(decodeResponse(api, version, frame.subarray(4))).toEqual({
      ok: true,
      value: { correlationId, response },
    });
  });
});
