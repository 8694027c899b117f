// Raft safety after every step and liveness after healing, with 1 voter and one observer, over
// random fault schedules (crash with loss of unsynced bytes, restart, partitions, isolation,
// message drops, graceful resignation).

import { it } from "vitest";
import { checkRandomFaultSchedules } from "../support/property.ts";

it("stays safe and recovers liveness under random faults (1 voter)", () => {
  checkRandomFaultSchedules(1, 200, 0x5eed_0001);
});
