// Trace events of core/broker/. Add a variant per thing worth seeing in a trace or the viewer.

export type BrokerTraceEvent = never;
