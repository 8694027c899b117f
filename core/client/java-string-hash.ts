// Java's String.hashCode and Kafka's Utils.abs: how a group id (or transactional id) picks its
// coordinator, the leader of partition abs(hash(id)) % partitions of __consumer_offsets.

import { assert } from "../assert.ts";

/** Java's `String.hashCode()`: s[0]*31^(n-1) + ... + s[n-1] over UTF-16 code units, in int32. */
export function javaStringHash(text: string): number {
  let hash = 0;
  for (let i = 0; i < text.length; i++) hash = (Math.imul(31, hash) + text.charCodeAt(i)) | 0;
  return hash;
}

/**
 * Kafka's `Utils.abs`: the absolute value of an int32, except that Integer.MIN_VALUE gives 0
 * (Java's Math.abs would return MIN_VALUE itself, a negative partition).
 */
export function kafkaAbs(value: number): number {
  assert(Number.isInteger(value) && value >= -(2 ** 31) && value < 2 ** 31, `int32: ${value}`);
  return value === -(2 ** 31) ? 0 : Math.abs(value);
}

/** The partition of the coordinator topic that owns `key`: abs(hashCode(key)) % partitionCount. */
export function coordinatorPartitionFor(key: string, partitionCount: number): number {
  assert(Number.isSafeInteger(partitionCount) && partitionCount > 0, "partitionCount must be > 0");
  const partition = kafkaAbs(javaStringHash(key)) % partitionCount;
  assert(partition >= 0 && partition < partitionCount, `partition ${partition} out of range`);
  return partition;
}
