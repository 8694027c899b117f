// Invariant checks: the only `throw` in core. A failed assert is a bug, never a Kafka outcome;
// nobody catches it (the runtime exits, the simulator fails the seed with its replay command).

export class AssertionFailure extends Error {
  override readonly name = "AssertionFailure";
}

export function assert(condition: boolean, message: string): asserts condition {
  if (!condition) throw new AssertionFailure(message);
}

/** Ends every `switch` over a discriminated union: adding a variant breaks the build here. */
export function assertNever(value: never, what = "value"): never {
  throw new AssertionFailure(`unexpected ${what}: ${JSON.stringify(value)}`);
}

/** A safe integer that is >= 0: offsets, sizes, positions, epochs. */
export function assertNonNegativeInteger(value: number, what: string): void {
  assert(Number.isSafeInteger(value), `${what} must be a safe integer, got ${value}`);
  assert(value >= 0, `${what} must be >= 0, got ${value}`);
}
