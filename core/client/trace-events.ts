// Trace events of core/client/. Add a variant per thing worth seeing in a trace or the viewer.

export type ClientTraceEvent = never;
