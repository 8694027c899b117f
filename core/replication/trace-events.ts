// Trace events of core/replication/. Add a variant per thing worth seeing in a trace or the viewer.

export type ReplicationTraceEvent = never;
