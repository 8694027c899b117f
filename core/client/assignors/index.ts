// The assignors a simulated consumer can advertise in JoinGroup, by protocol name.

import type { Assignor } from "./assignor.ts";
import { cooperativeStickyAssignor } from "./cooperative-sticky.ts";
import { rangeAssignor } from "./range.ts";
import { roundRobinAssignor } from "./roundrobin.ts";

export type { Assignor, AssignorInput, AssignorMember, GroupAssignment } from "./assignor.ts";
export { cooperativeStickyAssignor, planCooperativeSticky } from "./cooperative-sticky.ts";
export { assignRange, rangeAssignor } from "./range.ts";
export { assignRoundRobin, roundRobinAssignor } from "./roundrobin.ts";

export const assignors: ReadonlyMap<string, Assignor> = new Map(
  [rangeAssignor, roundRobinAssignor, cooperativeStickyAssignor].map((a) => [a.name, a]),
);

/** The assignor for a protocol name, or undefined if simulated clients do not implement it. */
export function assignorByName(name: string): Assignor | undefined {
  return assignors.get(name);
}
