// Everything one broker node knows, shared by the request handlers, the controller operations and
// the replica manager. Only those modules mutate it; the world sees the node through Broker.

import type { DiskIo } from "../disk-io.ts";
import type { Millis } from "../ids.ts";
import type { Crc32c } from "../log/crc32c.ts";
import type { RaftCore } from "../metadata/raft/raft-core.ts";
import type { Outbox } from "../outbox.ts";
import type { ApiVersion } from "../protocol/index.ts";
import type { Rng } from "../rng.ts";
import type { BrokerConfig } from "./config.ts";
import type { Controller } from "./controller.ts";
import type { ControllerOps } from "./controller-ops.ts";
import type { Deadlines } from "./deadlines.ts";
import type { MetadataImage } from "./metadata-image.ts";
import type { ReplicaManager } from "./replica-manager.ts";

/**
 * starting: the metadata quorum recovers and elects; registering: this broker's registration is
 * being committed; loading-logs: every hosted partition log recovers; ready: requests are served;
 * halted: a disk failure stopped the node (Kafka exits on a failed log directory it cannot skip).
 */
export type BrokerPhase = "starting" | "registering" | "loading-logs" | "ready" | "halted";

export interface BrokerContext {
  readonly config: BrokerConfig;
  readonly outbox: Outbox;
  readonly diskIo: DiskIo;
  readonly rng: Rng;
  readonly crc: Crc32c;
  readonly deadlines: Deadlines;
  /** The committed metadata, as this broker serves it. */
  readonly image: MetadataImage;
  readonly controller: Controller;
  readonly ops: ControllerOps;
  readonly raft: RaftCore;
  readonly replicas: ReplicaManager;
  /** Answered to ApiVersions by a core-only driver (the runtime answers from its codec table). */
  readonly apiVersions: readonly ApiVersion[];
  /** Topics being auto-created: proposed, not yet committed. */
  readonly autoCreating: Set<string>;
  now: Millis;
  phase: BrokerPhase;
}
