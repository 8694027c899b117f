// The Jepsen Kafka model's keys: integer keys, each mapped bijectively to one topic-partition, so a
// key's log is exactly one partition's log. Each key also has a record key whose murmur2 lands on
// that partition, so Kafka's own key partitioner routes it there. Values are decimal ASCII bytes.

import { assert, assertNonNegativeInteger } from "../assert.ts";
import type { PartitionIndex, TopicName } from "../ids.ts";
import { limits } from "../limits.ts";
import { partitionForKey } from "./partitioner.ts";

export interface TopicPartition {
  readonly topic: TopicName;
  readonly partition: PartitionIndex;
}

export interface KeyMapConfig {
  /** How many keys (0 .. keyCount-1) the workload uses. */
  readonly keyCount: number;
  /** Partitions per topic: key k lives in topic floor(k / p), partition k mod p. */
  readonly partitionsPerTopic: number;
  /** Topic names are the prefix followed by the topic's index. */
  readonly topicPrefix: string;
}

/** The bijection between the workload's integer keys and topic-partitions. */
export class KeyMap {
  readonly config: KeyMapConfig;
  readonly #byTopic = new Map<TopicName, number>();
  readonly #recordKeys: Uint8Array[] = [];

  constructor(config: KeyMapConfig) {
    assert(config.keyCount >= 1, `keyCount ${config.keyCount} < 1`);
    assert(config.keyCount <= limits.clientPartitionsMax, `keyCount ${config.keyCount} too large`);
    assert(
      config.partitionsPerTopic >= 1 && config.partitionsPerTopic <= limits.partitionsPerTopicMax,
      `partitionsPerTopic ${config.partitionsPerTopic} out of range`,
    );
    assert(config.topicPrefix.length > 0, "empty topic prefix");
    this.config = config;
    for (let t = 0; t < this.topicCount; t++) this.#byTopic.set(this.#topicName(t), t);
    for (let k = 0; k < config.keyCount; k++) this.#recordKeys.push(this.#designRecordKey(k));
  }

  /**
   * "k", or else the first "k.n" whose murmur2 picks k's partition: about partitionsPerTopic
   * tries per key, done once. Readable in any Kafka tool, and routed identically by every client.
   */
  #designRecordKey(key: number): Uint8Array {
    const { partition } = this.topicPartitionOf(key);
    const partitions = this.config.partitionsPerTopic;
    const plain = encodeAscii(String(key));
    if (partitionForKey(plain, partitions) === partition) return plain;
    for (let n = 0; n < 1_000 * partitions; n++) {
      const candidate = encodeAscii(`${key}.${n}`);
      if (partitionForKey(candidate, partitions) === partition) return candidate;
    }
    assert(false, `no record key of ${key} hashes to partition ${partition}`);
  }

  /** The record key Kafka's default partitioner sends to this key's partition. */
  recordKeyOf(key: number): Uint8Array {
    assert(this.has(key), `key ${key} outside [0, ${this.config.keyCount})`);
    return this.#recordKeys[key]!;
  }

  get topicCount(): number {
    return Math.ceil(this.config.keyCount / this.config.partitionsPerTopic);
  }

  #topicName(index: number): TopicName {
    return `${this.config.topicPrefix}${index}`;
  }

  /** Every topic with its partition count, for the simulator to create before the workload. */
  topics(): { readonly name: TopicName; readonly partitions: number }[] {
    const result: { name: TopicName; partitions: number }[] = [];
    for (let t = 0; t < this.topicCount; t++) {
      result.push({ name: this.#topicName(t), partitions: this.config.partitionsPerTopic });
    }
    return result;
  }

  keys(): number[] {
    return Array.from({ length: this.config.keyCount }, (_, k) => k);
  }

  has(key: number): boolean {
    return Number.isSafeInteger(key) && key >= 0 && key < this.config.keyCount;
  }

  topicPartitionOf(key: number): TopicPartition {
    assert(this.has(key), `key ${key} outside [0, ${this.config.keyCount})`);
    const p = this.config.partitionsPerTopic;
    return { topic: this.#topicName(Math.floor(key / p)), partition: key % p };
  }

  /** The key of a topic-partition, or undefined when it is not one of the workload's. */
  keyOf(topic: TopicName, partition: PartitionIndex): number | undefined {
    const t = this.#byTopic.get(topic);
    if (t === undefined || !Number.isSafeInteger(partition) || partition < 0) return undefined;
    if (partition >= this.config.partitionsPerTopic) return undefined;
    const key = t * this.config.partitionsPerTopic + partition;
    return key < this.config.keyCount ? key : undefined;
  }
}

/** A non-negative safe integer as decimal ASCII bytes (how values go into records). */
export function encodeInt(value: number): Uint8Array {
  assertNonNegativeInteger(value, "encoded integer");
  return encodeAscii(String(value));
}

function encodeAscii(text: string): Uint8Array {
  const bytes = new Uint8Array(text.length);
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    assert(c < 0x80, "ASCII only");
    bytes[i] = c;
  }
  return bytes;
}

/** The integer in decimal ASCII bytes; undefined for anything else (null, empty, signs, spaces). */
export function decodeInt(bytes: Uint8Array | null): number | undefined {
  if (bytes === null || bytes.length === 0 || bytes.length > 16) return undefined;
  if (bytes.length > 1 && bytes[0] === 0x30) return undefined; // no leading zeros: one spelling
  let value = 0;
  for (const byte of bytes) {
    if (byte < 0x30 || byte > 0x39) return undefined;
    value = value * 10 + (byte - 0x30);
  }
  return Number.isSafeInteger(value) ? value : undefined;
}
