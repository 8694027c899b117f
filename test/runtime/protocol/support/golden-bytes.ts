// Golden bytes shared by the golden request and response tests, written by hand one field a
// line: a record batch (magic 2) and the ApiVersions v3 entries of the advertised table.

import { hexBytes } from "./hex.ts";

/** One record batch (magic 2): one record, key null, value "hi" (70 bytes). */
export const BATCH = `
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
export const batch = hexBytes(BATCH);

/** The 29 advertised APIs as ApiVersions v3 entries: key, min, max, entry tagged fields. */
export const API_KEYS_V3 = `
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

export const subscription = `0000 00000001 0001 74 ffffffff`; // consumer protocol v0: topics ["t"], no user data
export const subscriptionBytes = hexBytes(subscription);
