// Kafka's topic name rules (INVALID_TOPIC_EXCEPTION): [a-zA-Z0-9._-], 1 to 249 characters, not "."
// or "..". Also which names are internal (isInternal in Metadata) or reserved for the metadata log.

export const TOPIC_NAME_LENGTH_MAX = 249;

export const OFFSETS_TOPIC = "__consumer_offsets";
export const TRANSACTION_STATE_TOPIC = "__transaction_state";
export const CLUSTER_METADATA_TOPIC = "__cluster_metadata";

/** Why a name is not a legal topic name, or null when it is. */
export function topicNameProblem(name: string): string | null {
  if (name.length === 0) return "Topic name is illegal, it can't be empty";
  if (name === "." || name === "..") return 'Topic name cannot be "." or ".."';
  if (name.length > TOPIC_NAME_LENGTH_MAX) {
    return `Topic name is illegal, it can't be longer than ${TOPIC_NAME_LENGTH_MAX} characters, topic name: ${name}`;
  }
  if (!/^[a-zA-Z0-9._-]+$/.test(name)) {
    return `Topic name "${name}" is illegal, it contains a character other than ASCII alphanumerics, '.', '_' and '-'`;
  }
  return null;
}

/** Topics the broker itself owns (groups, transactions): Metadata marks them internal. */
export function isInternalTopic(name: string): boolean {
  return name === OFFSETS_TOPIC || name === TRANSACTION_STATE_TOPIC;
}
