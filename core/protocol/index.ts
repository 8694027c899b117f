// Kafka's client API as decoded domain types (no wire versions): what a client asks of a node and
// what the node answers. The runtime's codec and the simulated clients both speak these.

export type ClientRequest = never;
export type ClientResponse = never;
