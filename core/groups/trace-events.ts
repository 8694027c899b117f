// Trace events of core/groups/. Add a variant per thing worth seeing in a trace or the viewer.

export type GroupTraceEvent = never;
