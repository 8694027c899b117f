// Growable typed arrays for the trace index: columns of a million events stay compact (no object per
// event) and hand over to the page as transferable buffers. Invariant: `length` never exceeds the
// backing array's size, and `view()` shares memory while `copy()` does not.

// Three element kinds only (f64, i32, u8): the push/get sites stay polymorphic, never megamorphic.
type TypedArray = Float64Array | Int32Array | Uint8Array;

interface TypedArrayConstructor<A extends TypedArray> {
  new (length: number): A;
}

export class Vec<A extends TypedArray> {
  readonly #make: TypedArrayConstructor<A>;
  #data: A;
  length = 0;

  constructor(make: TypedArrayConstructor<A>, capacity = 1024) {
    this.#make = make;
    this.#data = new make(Math.max(16, capacity));
  }

  push(value: number): void {
    if (this.length === this.#data.length) this.#grow();
    this.#data[this.length++] = value;
  }

  get(index: number): number {
    return this.#data[index]!;
  }

  set(index: number, value: number): void {
    if (index >= this.length) throw new RangeError(`index ${index} past length ${this.length}`);
    this.#data[index] = value;
  }

  last(): number | undefined {
    return this.length === 0 ? undefined : this.#data[this.length - 1];
  }

  /** Memory shared with the vector (valid until the next push that grows it). */
  view(): A {
    return this.#data.subarray(0, this.length) as A;
  }

  /** An independent copy of the first `length` values. */
  copy(): A {
    return this.#data.slice(0, this.length) as A;
  }

  #grow(): void {
    const next = new this.#make(this.#data.length * 2);
    next.set(this.#data);
    this.#data = next;
  }
}

export const f64 = (capacity?: number) => new Vec(Float64Array, capacity);
export const i32 = (capacity?: number) => new Vec(Int32Array, capacity);
export const u8 = (capacity?: number) => new Vec(Uint8Array, capacity);

/** Index of the last element <= value in a sorted array, or -1 (binary search). */
export function lastAtOrBelow(sorted: ArrayLike<number>, value: number, length = sorted.length) {
  let lo = 0;
  let hi = length - 1;
  let found = -1;
  while (lo <= hi) {
    const mid = (lo + hi) >>> 1;
    if (sorted[mid]! <= value) {
      found = mid;
      lo = mid + 1;
    } else hi = mid - 1;
  }
  return found;
}

/** Index of the first element >= value in a sorted array, or `length` (binary search). */
export function firstAtOrAbove(sorted: ArrayLike<number>, value: number, length = sorted.length) {
  let lo = 0;
  let hi = length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (sorted[mid]! < value) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
