// Everything one broker node knows, shared by the request handlers, the controller operations and
// the replica manager. Only those modules mutate it; the world sees the node through Broker.

import type { DiskIo } from "../disk-io.ts";
import type { Millis } from "../ids.ts";
import type { Codecs } from "../log/codecs.ts";
import type { Crc32c } from "../log/crc32c.ts";
import type { RaftCore } from "../metadata/raft/raft-core.ts";
import type { Outbox } from "../outbox.ts";
import type { ApiVersion } from "../protocol/index.ts";
import type { Rng } from "../rng.ts";
import type { BrokerLifecycle } from "./broker-lifecycle.ts";
import type { BrokerConfig } from "./config.ts";
import type { Controller } from "./controller.ts";
import type { ControllerOps } from "./controller-ops.ts";
import type { Deadlines } from "./deadlines.ts";
import type { EnvelopeForwarder } from "./envelope.ts";
import type { GroupHost } from "./group-host.ts";
import type { MetadataImage } from "./metadata-image.ts";
import type { MonoClock } from "./mono-clock.ts";
import type { PeerChannel } from "./peer-channel.ts";
import type { BrokerProducerIds } from "./producer-ids.ts";
import type { QuorumController } from "./quorum-controller.ts";
import type { ReplicaManager } from "./replica-manager.ts";

/**
 * starting: the metadata quorum recovers, the broker registers with the active controller;
 * registering: registered, waiting to apply its own registration; loading-logs: every hosted
 * partition log recovers; awaiting-unfence: heartbeats ask the controller to unfence it; ready:
 * requests are served; stopped: a controlled shutdown finished; halted: a disk failure stopped the
 * node (Kafka exits on a failed log directory it cannot skip). A controller-only node is ready at once.
 */
export type BrokerPhase =
  | "starting"
  | "registering"
  | "loading-logs"
  | "awaiting-unfence"
  | "ready"
  | "stopped"
  | "halted";

export interface BrokerContext {
  readonly config: BrokerConfig;
  readonly outbox: Outbox;
  readonly diskIo: DiskIo;
  readonly rng: Rng;
  readonly crc: Crc32c;
  /** Record batch codecs: keys of compressed records on compacted topics, compaction. */
  readonly codecs: Codecs;
  /** Timers on the wall clock (request timeouts, log duties). */
  readonly deadlines: Deadlines;
  /** Timers on the monotonic clock (heartbeats, sessions, replication). */
  readonly timers: Deadlines;
  readonly mono: MonoClock;
  readonly peers: PeerChannel;
  /** process.roles includes broker: it registers and hosts partitions. */
  readonly isBroker: boolean;
  /** The committed metadata, as this broker serves it. */
  readonly image: MetadataImage;
  readonly controller: Controller;
  readonly ops: ControllerOps;
  readonly raft: RaftCore;
  readonly replicas: ReplicaManager;
  readonly lifecycle: BrokerLifecycle;
  readonly quorum: QuorumController;
  readonly forwarder: EnvelopeForwarder;
  /** Producer id blocks from the controller, claimed by InitProducerId. */
  readonly producerIds: BrokerProducerIds;
  /** The group coordinator of the __consumer_offsets partitions this broker leads. */
  readonly groups: GroupHost;
  /** Answered to ApiVersions by a core-only driver (the runtime answers from its codec table). */
  readonly apiVersions: readonly ApiVersion[];
  /** Topics being auto-created: proposed, not yet committed. */
  readonly autoCreating: Set<string>;
  now: Millis;
  phase: BrokerPhase;
}
