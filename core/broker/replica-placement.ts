// Where the replicas of new partitions go, and fresh ids (topic ids, incarnation ids). Kafka spreads
// partition p's replicas round-robin over the live brokers from a random start; ours draws that start
// from the injected Rng, so placement is deterministic per seed.

import { assert } from "../assert.ts";
import type { NodeId } from "../ids.ts";
import type { Rng } from "../rng.ts";

/** Replicas of partitions [first, first + count), `replicationFactor` distinct brokers each. */
export function placeReplicas(
  brokers: readonly NodeId[],
  first: number,
  count: number,
  replicationFactor: number,
  rng: Rng,
): NodeId[][] {
  assert(replicationFactor >= 1 && replicationFactor <= brokers.length, "RF outside live brokers");
  const sorted = [...brokers].sort((a, b) => a - b);
  const start = rng.int("replica-placement", sorted.length);
  const out: NodeId[][] = [];
  for (let p = first; p < first + count; p++) {
    const replicas: NodeId[] = [];
    for (let i = 0; i < replicationFactor; i++) {
      replicas.push(sorted[(start + p + i) % sorted.length] as NodeId);
    }
    out.push(replicas);
  }
  return out;
}

const ID_ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

/** A 22-character URL-safe id, like the base64 of Kafka's 128-bit topic and incarnation UUIDs. */
export function freshId(rng: Rng, drawName: string, taken: (id: string) => boolean): string {
  for (let attempt = 0; attempt < 100; attempt++) {
    let id = "";
    for (let i = 0; i < 22; i++) id += ID_ALPHABET[rng.int(drawName, ID_ALPHABET.length)];
    if (!taken(id)) return id;
  }
  assert(false, "no fresh id in 100 draws");
}
