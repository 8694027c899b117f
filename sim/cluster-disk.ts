// A broker's disk in a cluster run: the fault-injecting SimDisk, whose per-operation faults stop on
// the healed core once the quiet phase begins; cluster-run.ts holds them off (`quiet`) until the
// calm setup is over.

import { FaultInjectingDisk } from "./fault-injecting-disk.ts";
import type { SimRng } from "./prng.ts";
import type { DiskParams } from "./swarm.ts";

export class ClusterDisk extends FaultInjectingDisk {
  constructor(rng: SimRng, params: DiskParams) {
    super(rng, "cluster", params, true);
  }
}
