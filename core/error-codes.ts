// Kafka's error codes as data: code, name, whether a client may retry, and Kafka's message.
// Kafka outcomes travel as these numbers in responses; they are never exceptions.

export const ErrorCode = {
  UNKNOWN_SERVER_ERROR: -1,
  NONE: 0,
  OFFSET_OUT_OF_RANGE: 1,
  CORRUPT_MESSAGE: 2,
  UNKNOWN_TOPIC_OR_PARTITION: 3,
  INVALID_FETCH_SIZE: 4,
  LEADER_NOT_AVAILABLE: 5,
  NOT_LEADER_OR_FOLLOWER: 6,
  REQUEST_TIMED_OUT: 7,
  BROKER_NOT_AVAILABLE: 8,
  REPLICA_NOT_AVAILABLE: 9,
  MESSAGE_TOO_LARGE: 10,
  STALE_CONTROLLER_EPOCH: 11,
  OFFSET_METADATA_TOO_LARGE: 12,
  NETWORK_EXCEPTION: 13,
  COORDINATOR_LOAD_IN_PROGRESS: 14,
  COORDINATOR_NOT_AVAILABLE: 15,
  NOT_COORDINATOR: 16,
  INVALID_TOPIC_EXCEPTION: 17,
  RECORD_LIST_TOO_LARGE: 18,
  NOT_ENOUGH_REPLICAS: 19,
  NOT_ENOUGH_REPLICAS_AFTER_APPEND: 20,
  INVALID_REQUIRED_ACKS: 21,
  ILLEGAL_GENERATION: 22,
  INCONSISTENT_GROUP_PROTOCOL: 23,
  INVALID_GROUP_ID: 24,
  UNKNOWN_MEMBER_ID: 25,
  INVALID_SESSION_TIMEOUT: 26,
  REBALANCE_IN_PROGRESS: 27,
  INVALID_COMMIT_OFFSET_SIZE: 28,
  TOPIC_AUTHORIZATION_FAILED: 29,
  GROUP_AUTHORIZATION_FAILED: 30,
  CLUSTER_AUTHORIZATION_FAILED: 31,
  INVALID_TIMESTAMP: 32,
  UNSUPPORTED_SASL_MECHANISM: 33,
  ILLEGAL_SASL_STATE: 34,
  UNSUPPORTED_VERSION: 35,
  TOPIC_ALREADY_EXISTS: 36,
  INVALID_PARTITIONS: 37,
  INVALID_REPLICATION_FACTOR: 38,
  INVALID_REPLICA_ASSIGNMENT: 39,
  INVALID_CONFIG: 40,
  NOT_CONTROLLER: 41,
  INVALID_REQUEST: 42,
  UNSUPPORTED_FOR_MESSAGE_FORMAT: 43,
  POLICY_VIOLATION: 44,
  OUT_OF_ORDER_SEQUENCE_NUMBER: 45,
  DUPLICATE_SEQUENCE_NUMBER: 46,
  INVALID_PRODUCER_EPOCH: 47,
  INVALID_TXN_STATE: 48,
  INVALID_PRODUCER_ID_MAPPING: 49,
  INVALID_TRANSACTION_TIMEOUT: 50,
  CONCURRENT_TRANSACTIONS: 51,
  TRANSACTION_COORDINATOR_FENCED: 52,
  TRANSACTIONAL_ID_AUTHORIZATION_FAILED: 53,
  SECURITY_DISABLED: 54,
  OPERATION_NOT_ATTEMPTED: 55,
  KAFKA_STORAGE_ERROR: 56,
  LOG_DIR_NOT_FOUND: 57,
  SASL_AUTHENTICATION_FAILED: 58,
  UNKNOWN_PRODUCER_ID: 59,
  REASSIGNMENT_IN_PROGRESS: 60,
  DELEGATION_TOKEN_AUTH_DISABLED: 61,
  DELEGATION_TOKEN_NOT_FOUND: 62,
  DELEGATION_TOKEN_OWNER_MISMATCH: 63,
  DELEGATION_TOKEN_REQUEST_NOT_ALLOWED: 64,
  DELEGATION_TOKEN_AUTHORIZATION_FAILED: 65,
  DELEGATION_TOKEN_EXPIRED: 66,
  INVALID_PRINCIPAL_TYPE: 67,
  NON_EMPTY_GROUP: 68,
  GROUP_ID_NOT_FOUND: 69,
  FETCH_SESSION_ID_NOT_FOUND: 70,
  INVALID_FETCH_SESSION_EPOCH: 71,
  LISTENER_NOT_FOUND: 72,
  TOPIC_DELETION_DISABLED: 73,
  FENCED_LEADER_EPOCH: 74,
  UNKNOWN_LEADER_EPOCH: 75,
  UNSUPPORTED_COMPRESSION_TYPE: 76,
  STALE_BROKER_EPOCH: 77,
  OFFSET_NOT_AVAILABLE: 78,
  MEMBER_ID_REQUIRED: 79,
  PREFERRED_LEADER_NOT_AVAILABLE: 80,
  GROUP_MAX_SIZE_REACHED: 81,
  FENCED_INSTANCE_ID: 82,
  ELIGIBLE_LEADERS_NOT_AVAILABLE: 83,
  ELECTION_NOT_NEEDED: 84,
  NO_REASSIGNMENT_IN_PROGRESS: 85,
  GROUP_SUBSCRIBED_TO_TOPIC: 86,
  INVALID_RECORD: 87,
  UNSTABLE_OFFSET_COMMIT: 88,
  THROTTLING_QUOTA_EXCEEDED: 89,
  PRODUCER_FENCED: 90,
  RESOURCE_NOT_FOUND: 91,
  DUPLICATE_RESOURCE: 92,
  UNACCEPTABLE_CREDENTIAL: 93,
  INCONSISTENT_VOTER_SET: 94,
  INVALID_UPDATE_VERSION: 95,
  FEATURE_UPDATE_FAILED: 96,
  PRINCIPAL_DESERIALIZATION_FAILURE: 97,
  SNAPSHOT_NOT_FOUND: 98,
  POSITION_OUT_OF_RANGE: 99,
  UNKNOWN_TOPIC_ID: 100,
  DUPLICATE_BROKER_REGISTRATION: 101,
  BROKER_ID_NOT_REGISTERED: 102,
  INCONSISTENT_TOPIC_ID: 103,
  INCONSISTENT_CLUSTER_ID: 104,
  TRANSACTIONAL_ID_NOT_FOUND: 105,
  FETCH_SESSION_TOPIC_ID_ERROR: 106,
  INELIGIBLE_REPLICA: 107,
  NEW_LEADER_ELECTED: 108,
} as const;

export type ErrorCode = (typeof ErrorCode)[keyof typeof ErrorCode];
export type ErrorName = keyof typeof ErrorCode;

export interface ErrorInfo {
  readonly code: ErrorCode;
  readonly name: ErrorName;
  readonly retriable: boolean;
  readonly message: string;
}

const table: readonly ErrorInfo[] = [
  {
    code: ErrorCode.UNKNOWN_SERVER_ERROR,
    name: "UNKNOWN_SERVER_ERROR",
    retriable: false,
    message: "The server experienced an unexpected error when processing the request.",
  },
  { code: ErrorCode.NONE, name: "NONE", retriable: false, message: "" },
  {
    code: ErrorCode.OFFSET_OUT_OF_RANGE,
    name: "OFFSET_OUT_OF_RANGE",
    retriable: false,
    message: "The requested offset is not within the range of offsets maintained by the server.",
  },
  {
    code: ErrorCode.CORRUPT_MESSAGE,
    name: "CORRUPT_MESSAGE",
    retriable: true,
    message:
      "This message has failed its CRC checksum, exceeds the valid size, has a null key for a compacted topic, or is otherwise corrupt.",
  },
  {
    code: ErrorCode.UNKNOWN_TOPIC_OR_PARTITION,
    name: "UNKNOWN_TOPIC_OR_PARTITION",
    retriable: true,
    message: "This server does not host this topic-partition.",
  },
  {
    code: ErrorCode.INVALID_FETCH_SIZE,
    name: "INVALID_FETCH_SIZE",
    retriable: false,
    message: "The requested fetch size is invalid.",
  },
  {
    code: ErrorCode.LEADER_NOT_AVAILABLE,
    name: "LEADER_NOT_AVAILABLE",
    retriable: true,
    message:
      "There is no leader for this topic-partition as we are in the middle of a leadership election.",
  },
  {
    code: ErrorCode.NOT_LEADER_OR_FOLLOWER,
    name: "NOT_LEADER_OR_FOLLOWER",
    retriable: true,
    message:
      "For requests intended only for the leader, this error indicates that the broker is not the current leader.",
  },
  {
    code: ErrorCode.REQUEST_TIMED_OUT,
    name: "REQUEST_TIMED_OUT",
    retriable: true,
    message: "The request timed out.",
  },
  {
    code: ErrorCode.BROKER_NOT_AVAILABLE,
    name: "BROKER_NOT_AVAILABLE",
    retriable: false,
    message: "The broker is not available.",
  },
  {
    code: ErrorCode.REPLICA_NOT_AVAILABLE,
    name: "REPLICA_NOT_AVAILABLE",
    retriable: true,
    message: "The replica is not available for the requested topic-partition.",
  },
  {
    code: ErrorCode.MESSAGE_TOO_LARGE,
    name: "MESSAGE_TOO_LARGE",
    retriable: false,
    message:
      "The request included a message larger than the max message size the server will accept.",
  },
  {
    code: ErrorCode.STALE_CONTROLLER_EPOCH,
    name: "STALE_CONTROLLER_EPOCH",
    retriable: false,
    message: "The controller moved to another broker.",
  },
  {
    code: ErrorCode.OFFSET_METADATA_TOO_LARGE,
    name: "OFFSET_METADATA_TOO_LARGE",
    retriable: false,
    message: "The metadata field of the offset request was too large.",
  },
  {
    code: ErrorCode.NETWORK_EXCEPTION,
    name: "NETWORK_EXCEPTION",
    retriable: true,
    message: "The server disconnected before a response was received.",
  },
  {
    code: ErrorCode.COORDINATOR_LOAD_IN_PROGRESS,
    name: "COORDINATOR_LOAD_IN_PROGRESS",
    retriable: true,
    message: "The coordinator is loading and hence can't process requests.",
  },
  {
    code: ErrorCode.COORDINATOR_NOT_AVAILABLE,
    name: "COORDINATOR_NOT_AVAILABLE",
    retriable: true,
    message: "The coordinator is not available.",
  },
  {
    code: ErrorCode.NOT_COORDINATOR,
    name: "NOT_COORDINATOR",
    retriable: true,
    message: "This is not the correct coordinator.",
  },
  {
    code: ErrorCode.INVALID_TOPIC_EXCEPTION,
    name: "INVALID_TOPIC_EXCEPTION",
    retriable: false,
    message: "The request attempted to perform an operation on an invalid topic.",
  },
  {
    code: ErrorCode.RECORD_LIST_TOO_LARGE,
    name: "RECORD_LIST_TOO_LARGE",
    retriable: false,
    message:
      "The request included message batch larger than the configured segment size on the server.",
  },
  {
    code: ErrorCode.NOT_ENOUGH_REPLICAS,
    name: "NOT_ENOUGH_REPLICAS",
    retriable: true,
    message: "Messages are rejected since there are fewer in-sync replicas than required.",
  },
  {
    code: ErrorCode.NOT_ENOUGH_REPLICAS_AFTER_APPEND,
    name: "NOT_ENOUGH_REPLICAS_AFTER_APPEND",
    retriable: true,
    message: "Messages are written to the log, but to fewer in-sync replicas than required.",
  },
  {
    code: ErrorCode.INVALID_REQUIRED_ACKS,
    name: "INVALID_REQUIRED_ACKS",
    retriable: false,
    message: "Produce request specified an invalid value for required acks.",
  },
  {
    code: ErrorCode.ILLEGAL_GENERATION,
    name: "ILLEGAL_GENERATION",
    retriable: false,
    message: "Specified group generation id is not valid.",
  },
  {
    code: ErrorCode.INCONSISTENT_GROUP_PROTOCOL,
    name: "INCONSISTENT_GROUP_PROTOCOL",
    retriable: false,
    message:
      "The group member's supported protocols are incompatible with those of existing members.",
  },
  {
    code: ErrorCode.INVALID_GROUP_ID,
    name: "INVALID_GROUP_ID",
    retriable: false,
    message: "The configured groupId is invalid.",
  },
  {
    code: ErrorCode.UNKNOWN_MEMBER_ID,
    name: "UNKNOWN_MEMBER_ID",
    retriable: false,
    message: "The coordinator is not aware of this member.",
  },
  {
    code: ErrorCode.INVALID_SESSION_TIMEOUT,
    name: "INVALID_SESSION_TIMEOUT",
    retriable: false,
    message: "The session timeout is not within the range allowed by the broker.",
  },
  {
    code: ErrorCode.REBALANCE_IN_PROGRESS,
    name: "REBALANCE_IN_PROGRESS",
    retriable: false,
    message: "The group is rebalancing, so a rejoin is needed.",
  },
  {
    code: ErrorCode.INVALID_COMMIT_OFFSET_SIZE,
    name: "INVALID_COMMIT_OFFSET_SIZE",
    retriable: false,
    message: "The committing offset data size is not valid.",
  },
  {
    code: ErrorCode.TOPIC_AUTHORIZATION_FAILED,
    name: "TOPIC_AUTHORIZATION_FAILED",
    retriable: false,
    message: "Topic authorization failed.",
  },
  {
    code: ErrorCode.GROUP_AUTHORIZATION_FAILED,
    name: "GROUP_AUTHORIZATION_FAILED",
    retriable: false,
    message: "Group authorization failed.",
  },
  {
    code: ErrorCode.CLUSTER_AUTHORIZATION_FAILED,
    name: "CLUSTER_AUTHORIZATION_FAILED",
    retriable: false,
    message: "Cluster authorization failed.",
  },
  {
    code: ErrorCode.INVALID_TIMESTAMP,
    name: "INVALID_TIMESTAMP",
    retriable: false,
    message: "The timestamp of the message is out of acceptable range.",
  },
  {
    code: ErrorCode.UNSUPPORTED_SASL_MECHANISM,
    name: "UNSUPPORTED_SASL_MECHANISM",
    retriable: false,
    message: "The broker does not support the requested SASL mechanism.",
  },
  {
    code: ErrorCode.ILLEGAL_SASL_STATE,
    name: "ILLEGAL_SASL_STATE",
    retriable: false,
    message: "Request is not valid given the current SASL state.",
  },
  {
    code: ErrorCode.UNSUPPORTED_VERSION,
    name: "UNSUPPORTED_VERSION",
    retriable: false,
    message: "The version of API is not supported.",
  },
  {
    code: ErrorCode.TOPIC_ALREADY_EXISTS,
    name: "TOPIC_ALREADY_EXISTS",
    retriable: false,
    message: "Topic with this name already exists.",
  },
  {
    code: ErrorCode.INVALID_PARTITIONS,
    name: "INVALID_PARTITIONS",
    retriable: false,
    message: "Number of partitions is below 1.",
  },
  {
    code: ErrorCode.INVALID_REPLICATION_FACTOR,
    name: "INVALID_REPLICATION_FACTOR",
    retriable: false,
    message: "Replication factor is below 1 or larger than the number of available brokers.",
  },
  {
    code: ErrorCode.INVALID_REPLICA_ASSIGNMENT,
    name: "INVALID_REPLICA_ASSIGNMENT",
    retriable: false,
    message: "Replica assignment is invalid.",
  },
  {
    code: ErrorCode.INVALID_CONFIG,
    name: "INVALID_CONFIG",
    retriable: false,
    message: "Configuration is invalid.",
  },
  {
    code: ErrorCode.NOT_CONTROLLER,
    name: "NOT_CONTROLLER",
    retriable: true,
    message: "This is not the correct controller for this cluster.",
  },
  {
    code: ErrorCode.INVALID_REQUEST,
    name: "INVALID_REQUEST",
    retriable: false,
    message:
      "This most likely occurs because of a request being malformed by the client library or the message was sent to an incompatible broker.",
  },
  {
    code: ErrorCode.UNSUPPORTED_FOR_MESSAGE_FORMAT,
    name: "UNSUPPORTED_FOR_MESSAGE_FORMAT",
    retriable: false,
    message: "The message format version on the broker does not support the request.",
  },
  {
    code: ErrorCode.POLICY_VIOLATION,
    name: "POLICY_VIOLATION",
    retriable: false,
    message: "Request parameters do not satisfy the configured policy.",
  },
  {
    code: ErrorCode.OUT_OF_ORDER_SEQUENCE_NUMBER,
    name: "OUT_OF_ORDER_SEQUENCE_NUMBER",
    retriable: false,
    message: "The broker received an out of order sequence number.",
  },
  {
    code: ErrorCode.DUPLICATE_SEQUENCE_NUMBER,
    name: "DUPLICATE_SEQUENCE_NUMBER",
    retriable: false,
    message: "The broker received a duplicate sequence number.",
  },
  {
    code: ErrorCode.INVALID_PRODUCER_EPOCH,
    name: "INVALID_PRODUCER_EPOCH",
    retriable: false,
    message: "Producer attempted to produce with an old epoch.",
  },
  {
    code: ErrorCode.INVALID_TXN_STATE,
    name: "INVALID_TXN_STATE",
    retriable: false,
    message: "The producer attempted a transactional operation in an invalid state.",
  },
  {
    code: ErrorCode.INVALID_PRODUCER_ID_MAPPING,
    name: "INVALID_PRODUCER_ID_MAPPING",
    retriable: false,
    message:
      "The producer attempted to use a producer id which is not currently assigned to its transactional id.",
  },
  {
    code: ErrorCode.INVALID_TRANSACTION_TIMEOUT,
    name: "INVALID_TRANSACTION_TIMEOUT",
    retriable: false,
    message: "The transaction timeout is larger than the maximum value allowed by the broker.",
  },
  {
    code: ErrorCode.CONCURRENT_TRANSACTIONS,
    name: "CONCURRENT_TRANSACTIONS",
    retriable: true,
    message:
      "The producer attempted to update a transaction while another concurrent operation on the same transaction was ongoing.",
  },
  {
    code: ErrorCode.TRANSACTION_COORDINATOR_FENCED,
    name: "TRANSACTION_COORDINATOR_FENCED",
    retriable: false,
    message:
      "Indicates that the transaction coordinator sending a WriteTxnMarker is no longer the current coordinator for a given producer.",
  },
  {
    code: ErrorCode.TRANSACTIONAL_ID_AUTHORIZATION_FAILED,
    name: "TRANSACTIONAL_ID_AUTHORIZATION_FAILED",
    retriable: false,
    message: "Transactional Id authorization failed.",
  },
  {
    code: ErrorCode.SECURITY_DISABLED,
    name: "SECURITY_DISABLED",
    retriable: false,
    message: "Security features are disabled.",
  },
  {
    code: ErrorCode.OPERATION_NOT_ATTEMPTED,
    name: "OPERATION_NOT_ATTEMPTED",
    retriable: false,
    message: "The broker did not attempt to execute this operation.",
  },
  {
    code: ErrorCode.KAFKA_STORAGE_ERROR,
    name: "KAFKA_STORAGE_ERROR",
    retriable: true,
    message: "Disk error when trying to access log file on the disk.",
  },
  {
    code: ErrorCode.LOG_DIR_NOT_FOUND,
    name: "LOG_DIR_NOT_FOUND",
    retriable: false,
    message: "The user-specified log directory is not found in the broker config.",
  },
  {
    code: ErrorCode.SASL_AUTHENTICATION_FAILED,
    name: "SASL_AUTHENTICATION_FAILED",
    retriable: false,
    message: "SASL Authentication failed.",
  },
  {
    code: ErrorCode.UNKNOWN_PRODUCER_ID,
    name: "UNKNOWN_PRODUCER_ID",
    retriable: false,
    message:
      "This exception is raised by the broker if it could not locate the producer metadata associated with the producerId in question.",
  },
  {
    code: ErrorCode.REASSIGNMENT_IN_PROGRESS,
    name: "REASSIGNMENT_IN_PROGRESS",
    retriable: false,
    message: "A partition reassignment is in progress.",
  },
  {
    code: ErrorCode.DELEGATION_TOKEN_AUTH_DISABLED,
    name: "DELEGATION_TOKEN_AUTH_DISABLED",
    retriable: false,
    message: "Delegation Token feature is not enabled.",
  },
  {
    code: ErrorCode.DELEGATION_TOKEN_NOT_FOUND,
    name: "DELEGATION_TOKEN_NOT_FOUND",
    retriable: false,
    message: "Delegation Token is not found on server.",
  },
  {
    code: ErrorCode.DELEGATION_TOKEN_OWNER_MISMATCH,
    name: "DELEGATION_TOKEN_OWNER_MISMATCH",
    retriable: false,
    message: "Specified Principal is not valid Owner/Renewer.",
  },
  {
    code: ErrorCode.DELEGATION_TOKEN_REQUEST_NOT_ALLOWED,
    name: "DELEGATION_TOKEN_REQUEST_NOT_ALLOWED",
    retriable: false,
    message:
      "Delegation Token requests are not allowed on PLAINTEXT/1-way SSL channels and on delegation token authenticated channels.",
  },
  {
    code: ErrorCode.DELEGATION_TOKEN_AUTHORIZATION_FAILED,
    name: "DELEGATION_TOKEN_AUTHORIZATION_FAILED",
    retriable: false,
    message: "Delegation Token authorization failed.",
  },
  {
    code: ErrorCode.DELEGATION_TOKEN_EXPIRED,
    name: "DELEGATION_TOKEN_EXPIRED",
    retriable: false,
    message: "Delegation Token is expired.",
  },
  {
    code: ErrorCode.INVALID_PRINCIPAL_TYPE,
    name: "INVALID_PRINCIPAL_TYPE",
    retriable: false,
    message: "Supplied principalType is not supported.",
  },
  {
    code: ErrorCode.NON_EMPTY_GROUP,
    name: "NON_EMPTY_GROUP",
    retriable: false,
    message: "The group is not empty.",
  },
  {
    code: ErrorCode.GROUP_ID_NOT_FOUND,
    name: "GROUP_ID_NOT_FOUND",
    retriable: false,
    message: "The group id does not exist.",
  },
  {
    code: ErrorCode.FETCH_SESSION_ID_NOT_FOUND,
    name: "FETCH_SESSION_ID_NOT_FOUND",
    retriable: true,
    message: "The fetch session ID was not found.",
  },
  {
    code: ErrorCode.INVALID_FETCH_SESSION_EPOCH,
    name: "INVALID_FETCH_SESSION_EPOCH",
    retriable: true,
    message: "The fetch session epoch is invalid.",
  },
  {
    code: ErrorCode.LISTENER_NOT_FOUND,
    name: "LISTENER_NOT_FOUND",
    retriable: true,
    message:
      "There is no listener on the leader broker that matches the listener on which metadata request was processed.",
  },
  {
    code: ErrorCode.TOPIC_DELETION_DISABLED,
    name: "TOPIC_DELETION_DISABLED",
    retriable: false,
    message: "Topic deletion is disabled.",
  },
  {
    code: ErrorCode.FENCED_LEADER_EPOCH,
    name: "FENCED_LEADER_EPOCH",
    retriable: true,
    message: "The leader epoch in the request is older than the epoch on the broker.",
  },
  {
    code: ErrorCode.UNKNOWN_LEADER_EPOCH,
    name: "UNKNOWN_LEADER_EPOCH",
    retriable: true,
    message: "The leader epoch in the request is newer than the epoch on the broker.",
  },
  {
    code: ErrorCode.UNSUPPORTED_COMPRESSION_TYPE,
    name: "UNSUPPORTED_COMPRESSION_TYPE",
    retriable: false,
    message: "The requesting client does not support the compression type of given partition.",
  },
  {
    code: ErrorCode.STALE_BROKER_EPOCH,
    name: "STALE_BROKER_EPOCH",
    retriable: false,
    message: "Broker epoch has changed.",
  },
  {
    code: ErrorCode.OFFSET_NOT_AVAILABLE,
    name: "OFFSET_NOT_AVAILABLE",
    retriable: true,
    message:
      "The leader high watermark has not caught up from a recent leader election so the offsets cannot be guaranteed to be monotonically increasing.",
  },
  {
    code: ErrorCode.MEMBER_ID_REQUIRED,
    name: "MEMBER_ID_REQUIRED",
    retriable: false,
    message:
      "The group member needs to have a valid member id before actually entering a consumer group.",
  },
  {
    code: ErrorCode.PREFERRED_LEADER_NOT_AVAILABLE,
    name: "PREFERRED_LEADER_NOT_AVAILABLE",
    retriable: true,
    message: "The preferred leader was not available.",
  },
  {
    code: ErrorCode.GROUP_MAX_SIZE_REACHED,
    name: "GROUP_MAX_SIZE_REACHED",
    retriable: false,
    message: "The consumer group has reached its max size.",
  },
  {
    code: ErrorCode.FENCED_INSTANCE_ID,
    name: "FENCED_INSTANCE_ID",
    retriable: false,
    message:
      "The broker rejected this static consumer since another consumer with the same group.instance.id has registered with a different member.id.",
  },
  {
    code: ErrorCode.ELIGIBLE_LEADERS_NOT_AVAILABLE,
    name: "ELIGIBLE_LEADERS_NOT_AVAILABLE",
    retriable: true,
    message: "Eligible topic partition leaders are not available.",
  },
  {
    code: ErrorCode.ELECTION_NOT_NEEDED,
    name: "ELECTION_NOT_NEEDED",
    retriable: true,
    message: "Leader election not needed for topic partition.",
  },
  {
    code: ErrorCode.NO_REASSIGNMENT_IN_PROGRESS,
    name: "NO_REASSIGNMENT_IN_PROGRESS",
    retriable: false,
    message: "No partition reassignment is in progress.",
  },
  {
    code: ErrorCode.GROUP_SUBSCRIBED_TO_TOPIC,
    name: "GROUP_SUBSCRIBED_TO_TOPIC",
    retriable: false,
    message:
      "Deleting offsets of a topic is forbidden while the consumer group is actively subscribed to it.",
  },
  {
    code: ErrorCode.INVALID_RECORD,
    name: "INVALID_RECORD",
    retriable: false,
    message: "This record has failed the validation on broker and hence will be rejected.",
  },
  {
    code: ErrorCode.UNSTABLE_OFFSET_COMMIT,
    name: "UNSTABLE_OFFSET_COMMIT",
    retriable: true,
    message: "There are unstable offsets that need to be cleared.",
  },
  {
    code: ErrorCode.THROTTLING_QUOTA_EXCEEDED,
    name: "THROTTLING_QUOTA_EXCEEDED",
    retriable: true,
    message: "The throttling quota has been exceeded.",
  },
  {
    code: ErrorCode.PRODUCER_FENCED,
    name: "PRODUCER_FENCED",
    retriable: false,
    message:
      "There is a newer producer with the same transactionalId which fences the current one.",
  },
  {
    code: ErrorCode.RESOURCE_NOT_FOUND,
    name: "RESOURCE_NOT_FOUND",
    retriable: false,
    message: "A request illegally referred to a resource that does not exist.",
  },
  {
    code: ErrorCode.DUPLICATE_RESOURCE,
    name: "DUPLICATE_RESOURCE",
    retriable: false,
    message: "A request illegally referred to the same resource twice.",
  },
  {
    code: ErrorCode.UNACCEPTABLE_CREDENTIAL,
    name: "UNACCEPTABLE_CREDENTIAL",
    retriable: false,
    message: "Requested credential would not meet criteria for acceptability.",
  },
  {
    code: ErrorCode.INCONSISTENT_VOTER_SET,
    name: "INCONSISTENT_VOTER_SET",
    retriable: false,
    message:
      "Indicates that the either the sender or recipient of a voter-only request is not one of the expected voters.",
  },
  {
    code: ErrorCode.INVALID_UPDATE_VERSION,
    name: "INVALID_UPDATE_VERSION",
    retriable: false,
    message: "The given update version was invalid.",
  },
  {
    code: ErrorCode.FEATURE_UPDATE_FAILED,
    name: "FEATURE_UPDATE_FAILED",
    retriable: false,
    message: "Unable to update finalized features due to an unexpected server error.",
  },
  {
    code: ErrorCode.PRINCIPAL_DESERIALIZATION_FAILURE,
    name: "PRINCIPAL_DESERIALIZATION_FAILURE",
    retriable: false,
    message: "Request principal deserialization failed during forwarding.",
  },
  {
    code: ErrorCode.SNAPSHOT_NOT_FOUND,
    name: "SNAPSHOT_NOT_FOUND",
    retriable: false,
    message: "Requested snapshot was not found.",
  },
  {
    code: ErrorCode.POSITION_OUT_OF_RANGE,
    name: "POSITION_OUT_OF_RANGE",
    retriable: false,
    message:
      "Requested position is not greater than or equal to zero, and less than the size of the snapshot.",
  },
  {
    code: ErrorCode.UNKNOWN_TOPIC_ID,
    name: "UNKNOWN_TOPIC_ID",
    retriable: true,
    message: "This server does not host this topic ID.",
  },
  {
    code: ErrorCode.DUPLICATE_BROKER_REGISTRATION,
    name: "DUPLICATE_BROKER_REGISTRATION",
    retriable: false,
    message: "This broker ID is already in use.",
  },
  {
    code: ErrorCode.BROKER_ID_NOT_REGISTERED,
    name: "BROKER_ID_NOT_REGISTERED",
    retriable: false,
    message: "The given broker ID was not registered.",
  },
  {
    code: ErrorCode.INCONSISTENT_TOPIC_ID,
    name: "INCONSISTENT_TOPIC_ID",
    retriable: true,
    message: "The log's topic ID did not match the topic ID in the request.",
  },
  {
    code: ErrorCode.INCONSISTENT_CLUSTER_ID,
    name: "INCONSISTENT_CLUSTER_ID",
    retriable: false,
    message: "The clusterId in the request does not match that found on the server.",
  },
  {
    code: ErrorCode.TRANSACTIONAL_ID_NOT_FOUND,
    name: "TRANSACTIONAL_ID_NOT_FOUND",
    retriable: false,
    message: "The transactionalId could not be found.",
  },
  {
    code: ErrorCode.FETCH_SESSION_TOPIC_ID_ERROR,
    name: "FETCH_SESSION_TOPIC_ID_ERROR",
    retriable: true,
    message: "The fetch session encountered inconsistent topic ID usage.",
  },
  {
    code: ErrorCode.INELIGIBLE_REPLICA,
    name: "INELIGIBLE_REPLICA",
    retriable: false,
    message: "The new ISR contains at least one ineligible replica.",
  },
  {
    code: ErrorCode.NEW_LEADER_ELECTED,
    name: "NEW_LEADER_ELECTED",
    retriable: false,
    message:
      "The AlterPartition request successfully updated the partition state but the leader has changed.",
  },
];

const byCode = new Map<number, ErrorInfo>(table.map((entry) => [entry.code, entry]));

/** The entry for a code; an unknown code reads as UNKNOWN_SERVER_ERROR, as Kafka's clients do. */
export function errorInfo(code: number): ErrorInfo {
  return byCode.get(code) ?? byCode.get(ErrorCode.UNKNOWN_SERVER_ERROR)!;
}

export function isRetriable(code: number): boolean {
  return errorInfo(code).retriable;
}

export function errorName(code: number): ErrorName {
  return errorInfo(code).name;
}
