// Trace events of core/metadata/. Add a variant per thing worth seeing in a trace or the viewer.

export type MetadataTraceEvent = never;
