// Golden request frames, hand-built from Kafka's message specs one field a line: what
// librdkafka, KafkaJS and platformatic send at the versions Profile A makes them use. Each decodes
// to the written ClientRequest and encodes back to exactly these bytes.

import { describe, expect, it } from "vitest";
import { crc32c } from "../../../core/log/crc32c.ts";
import { decodeRecords } from "../../../core/log/record-batch-records.ts";
import { ApiKey, type ClientRequest } from "../../../core/protocol/index.ts";
import { decodeRequest, encodeRequest } from "../../../runtime/protocol/frame.ts";
import { BATCH, batch, subscription, subscriptionBytes } from "./support/golden-bytes.ts";
import { asciiHex, hexBytes, toHex } from "./support/hex.ts";

interface RequestGolden {
  readonly name: string;
  readonly version: number;
  readonly correlationId: number;
  readonly hex: string;
  readonly request: ClientRequest;
}

const requests: RequestGolden[] = [
  {
    name: "ApiVersions v3 as librdkafka 2.0.2 opens a connection",
    version: 3,
    correlationId: 1,
    hex: `
      00000024                  # frame size 36
      0012 0003                 # api_key 18 (ApiVersions), api_version 3
      00000001                  # correlation_id 1
      0007 ${asciiHex("rdkafka")} # client_id: int16-length string, never compact
      00                        # request header v2 tagged fields: none
      0b ${asciiHex("librdkafka")} # client_software_name: compact string (10 + 1)
      06 ${asciiHex("2.0.2")}   # client_software_version: compact string (5 + 1)
      00                        # body tagged fields: none`,
    request: {
      api: "ApiVersions",
      clientId: "rdkafka",
      body: { clientSoftwareName: "librdkafka", clientSoftwareVersion: "2.0.2" },
    },
  },
  {
    name: "Metadata v6 for one topic (KafkaJS, auto-create on)",
    version: 6,
    correlationId: 2,
    hex: `
      00000019                  # frame size 25
      0003 0006 00000002        # Metadata v6, correlation_id 2
      0007 ${asciiHex("kafkajs")} # client_id "kafkajs" (header v1)
      00000001                  # topics: 1
      0001 74                   #   name "t"
      01                        # allow_auto_topic_creation true`,
    request: {
      api: "Metadata",
      clientId: "kafkajs",
      body: { topics: [{ name: "t" }], allowAutoTopicCreation: true },
    },
  },
  {
    name: "Produce v7 with one record batch (acks=all)",
    version: 7,
    correlationId: 3,
    hex: `
      00000072                  # frame size 114
      0000 0007 00000003        # Produce v7, correlation_id 3
      0007 ${asciiHex("rdkafka")} # client_id
      ffff                      # transactional_id null
      ffff                      # acks -1
      00007530                  # timeout_ms 30000
      00000001                  # topic_data: 1
      0001 74                   #   name "t"
      00000001                  #   partition_data: 1
      00000000                  #     index 0
      00000046                  #     records: 70 bytes
      ${BATCH}`,
    request: {
      api: "Produce",
      clientId: "rdkafka",
      body: {
        transactionalId: null,
        acks: -1,
        timeoutMs: 30000,
        topicData: [{ name: "t", partitionData: [{ index: 0, records: batch }] }],
        legacyMessageSet: false,
      },
    },
  },
  {
    name: "Fetch v11 (librdkafka: read_committed, no session)",
    version: 11,
    correlationId: 4,
    hex: `
      00000057                  # frame size 87
      0001 000b 00000004        # Fetch v11, correlation_id 4
      0007 ${asciiHex("rdkafka")} # client_id
      ffffffff                  # replica_id -1 (a consumer)
      000001f4                  # max_wait_ms 500
      00000001                  # min_bytes 1
      03200000                  # max_bytes 52428800
      01                        # isolation_level 1 (READ_COMMITTED)
      00000000                  # session_id 0
      ffffffff                  # session_epoch -1 (no fetch session)
      00000001                  # topics: 1
      0001 74                   #   topic "t"
      00000001                  #   partitions: 1
      00000000                  #     partition 0
      ffffffff                  #     current_leader_epoch -1
      0000000000000000          #     fetch_offset 0
      ffffffffffffffff          #     log_start_offset -1
      00100000                  #     partition_max_bytes 1048576
      00000000                  # forgotten_topics_data: 0
      0000                      # rack_id ""`,
    request: {
      api: "Fetch",
      clientId: "rdkafka",
      body: {
        replicaId: -1,
        maxWaitMs: 500,
        minBytes: 1,
        maxBytes: 52428800,
        isolationLevel: 1,
        sessionId: 0,
        sessionEpoch: -1,
        topics: [
          {
            topic: "t",
            partitions: [
              {
                partition: 0,
                currentLeaderEpoch: -1,
                fetchOffset: 0,
                logStartOffset: -1,
                partitionMaxBytes: 1048576,
              },
            ],
          },
        ],
        forgottenTopicsData: [],
        rackId: "",
      },
    },
  },
  {
    name: "JoinGroup v5 (librdkafka: range,roundrobin, first join)",
    version: 5,
    correlationId: 5,
    hex: `
      00000063                  # frame size 99
      000b 0005 00000005        # JoinGroup v5, correlation_id 5
      0007 ${asciiHex("rdkafka")} # client_id
      0001 67                   # group_id "g"
      0000afc8                  # session_timeout_ms 45000
      000493e0                  # rebalance_timeout_ms 300000 (max.poll.interval.ms)
      0000                      # member_id "" (first join)
      ffff                      # group_instance_id null (not static)
      0008 ${asciiHex("consumer")} # protocol_type "consumer"
      00000002                  # protocols: 2
      0005 ${asciiHex("range")} #   name "range"
      0000000d ${subscription}  #   metadata: 13 bytes
      000a ${asciiHex("roundrobin")} # name "roundrobin"
      0000000d ${subscription}  #   metadata: 13 bytes`,
    request: {
      api: "JoinGroup",
      clientId: "rdkafka",
      body: {
        groupId: "g",
        sessionTimeoutMs: 45000,
        rebalanceTimeoutMs: 300000,
        memberId: "",
        groupInstanceId: null,
        protocolType: "consumer",
        protocols: [
          { name: "range", metadata: subscriptionBytes },
          { name: "roundrobin", metadata: subscriptionBytes },
        ],
        requireKnownMemberId: true,
      },
    },
  },
];

describe("golden requests", () => {
  it.each(requests)("$name", ({ version, correlationId, hex, request }) => {
    const frame = hexBytes(hex);
    const size = new DataView(frame.buffer).getInt32(0);
    expect(size).toBe(frame.length - 4);
    const decoded = decodeRequest(frame.subarray(4));
    expect(decoded).toEqual({
      ok: true,
      value: {
        header: {
          apiKey: ApiKey[request.api],
          apiVersion: version,
          correlationId,
          clientId: request.clientId,
        },
        request,
      },
    });
    expect(toHex(encodeRequest(request, version, correlationId))).toBe(toHex(frame));
  });
});

describe("the golden record batch", () => {
  it("is a valid batch: its CRC covers attributes..end and it holds one record 'hi'", () => {
    expect(crc32c(batch.subarray(21))).toBe(0x6179cd87);
    const records = decodeRecords(batch);
    expect(records.ok && records.value.map((r) => [r.key, r.value])).toEqual([
      [null, new Uint8Array([0x68, 0x69])],
    ]);
  });

  it("passes through Produce and Fetch byte for byte (a view, never re-encoded)", () => {
    const decoded = decodeRequest(hexBytes(requests[2]!.hex).subarray(4));
    const body =
      decoded.ok && decoded.value.request.api === "Produce" ? decoded.value.request.body : null;
    expect(body?.topicData[0]?.partitionData[0]?.records).toEqual(batch);
  });
});
