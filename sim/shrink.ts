// Placeholder until the shrinker lands.
import type { SimScenario } from "./scenario.ts";
export interface ShrinkResult {
  readonly report: string[];
}
export function shrinkScenario(
  _s: SimScenario,
  _o: { budget: number; log: (line: string) => void },
): ShrinkResult {
  return { report: ["shrinking is not available yet"] };
}
