// The shared disk contract (test/support/disk-contract.ts) run against the simulated disk, so the
// core meets the same semantics in the simulator as on real files.

import { SimDisk } from "../../sim/disk.ts";
import { diskContractSuite, fromSyncDisk } from "../support/disk-contract.ts";
import { testRng } from "../support/test-rng.ts";

diskContractSuite("SimDisk", () => fromSyncDisk(new SimDisk(testRng("contract"))));
