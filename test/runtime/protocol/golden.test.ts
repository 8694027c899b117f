// Golden frames, hand-built from Kafka's message specs one field a line: what librdkafka, KafkaJS
// and platformatic send at the versions Profile A makes them use, and what Runnel answers. Each
// decodes to the written domain value and encodes back to exactly these bytes.

import { describe, expect, it } from "vitest";
import { crc32c } from "../../../core/log/crc32c.ts";
import { decodeRecords } from "../../../core/log/record-batch-records.ts";
import {
  ApiKey,
  type ApiName,
  type ClientRequest,
  type ClientResponse,
} from "../../../core/protocol/index.ts";
import { apiVersionsResponse } from "../../../runtime/protocol/api-versions.ts";
import {
  decodeRequest,
  decodeResponse,
  encodeRequest,
  encodeResponse,
} from "../../../runtime/protocol/frame.ts";
import { asciiHex, hexBytes, toHex } from "./support/hex.ts";

/** One record batch (magic 2): one record, key null, value "hi" (70 bytes). */
const BATCH = `
  0000000000000000          # baseOffset 0
  0000003a                  # batchLength 58 (bytes after this field)
  00000000                  # partitionLeaderEpoch 0
  02                        # magic 2
  6179cd87                  # crc: CRC-32C of attributes..end
  0000                      # attributes: no compression, CreateTime
  00000000                  # lastOffsetDelta 0
  0000018d4a5f2c00          # baseTimestamp
  0000018d4a5f2c00          # maxTimestamp
  ffffffffffffffff          # producerId -1 (not idempotent)
  ffff                      # producerEpoch -1
  ffffffff                  # baseSequence -1
  00000001                  # recordsCount 1
  10                        # record length 8 (zigzag varint)
  00                        # record attributes
  00                        # timestampDelta 0
  00                        # offsetDelta 0
  01                        # keyLength -1 (null key)
  04 6869                   # valueLength 2, "hi"
  00                        # headers count 0`;
const batch = hexBytes(BATCH);

/** The 29 advertised APIs as ApiVersions v3 entries: key, min, max, entry tagged fields. */
const API_KEYS_V3 = `
  1e                        # api_keys: compact array of 29 (29 + 1)
  0000 0000 0007 00         # Produce 0-7
  0001 0004 000b 00         # Fetch 4-11
  0002 0000 0003 00         # ListOffsets 0-3
  0003 0000 0006 00         # Metadata 0-6
  0008 0000 0007 00         # OffsetCommit 0-7
  0009 0000 0005 00         # OffsetFetch 0-5
  000a 0000 0002 00         # FindCoordinator 0-2
  000b 0000 0005 00         # JoinGroup 0-5
  000c 0000 0003 00         # Heartbeat 0-3
  000d 0000 0003 00         # LeaveGroup 0-3
  000e 0000 0003 00         # SyncGroup 0-3
  000f 0000 0004 00         # DescribeGroups 0-4
  0010 0000 0002 00         # ListGroups 0-2
  0011 0000 0001 00         # SaslHandshake 0-1
  0012 0000 0003 00         # ApiVersions 0-3
  0013 0000 0004 00         # CreateTopics 0-4
  0014 0000 0003 00         # DeleteTopics 0-3
  0015 0000 0001 00         # DeleteRecords 0-1
  0016 0000 0001 00         # InitProducerId 0-1
  0018 0000 0002 00         # AddPartitionsToTxn 0-2
  0019 0000 0002 00         # AddOffsetsToTxn 0-2
  001a 0000 0002 00         # EndTxn 0-2
  001c 0000 0002 00         # TxnOffsetCommit 0-2
  0020 0000 0003 00         # DescribeConfigs 0-3
  0021 0000 0001 00         # AlterConfigs 0-1
  0024 0000 0001 00         # SaslAuthenticate 0-1
  0025 0000 0001 00         # CreatePartitions 0-1
  002a 0000 0001 00         # DeleteGroups 0-1
  002f 0000 0000 00         # OffsetDelete 0`;

interface RequestGolden {
  readonly name: string;
  readonly version: number;
  readonly correlationId: number;
  readonly hex: string;
  readonly request: ClientRequest;
}

const subscription = `0000 00000001 0001 74 ffffffff`; // consumer protocol v0: topics ["t"], no user data
const subscriptionBytes = hexBytes(subscription);

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
