// Randomness is an argument. Every draw is named (`rng.int("election-jitter", max)`) so that two
// runs of one seed that diverge can be compared draw by draw and the first differing name reported.

export interface Rng {
  /** A uniform integer in [0, maxExclusive); maxExclusive is a positive safe integer. */
  int(name: string, maxExclusive: number): number;
  /** A uniform float in [0, 1). */
  float(name: string): number;
  /** true with the given probability in [0, 1]. */
  chance(name: string, probability: number): boolean;
}
