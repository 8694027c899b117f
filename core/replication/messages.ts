// Peer messages of data-partition replication (follower fetch and its answer).

export type ReplicationMessage = never;
