// Peer messages of the metadata quorum (Raft) and of broker registration and heartbeats.

export type MetadataMessage = never;
