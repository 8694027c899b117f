// Everything one node may send another (inter-node traffic, not client traffic).

import type { MetadataMessage } from "./metadata/messages.ts";
import type { ReplicationMessage } from "./replication/messages.ts";

export type PeerMessage = MetadataMessage | ReplicationMessage;
