// How one API's schemas meet the core's domain types. A body codec pairs a message schema with
// the domain type it decodes to: `plainBody` when the two are the same type (checked at compile
// time), `adaptedBody` when a version-dependent rule maps the wire shape onto the domain shape.

import type { ApiName, RequestOf, ResponseOf } from "../../core/protocol/index.ts";
import type { MessageSchema, MessageValue, Same } from "./schema.ts";

export interface BodyCodec<D> {
  readonly schema: MessageSchema;
  /** Wire value (as decoded at `version`) to domain value. */
  readonly toDomain: (version: number, wire: unknown) => D;
  /** Domain value to the wire value to encode at `version`. */
  readonly toWire: (version: number, domain: D) => unknown;
}

export interface ApiCodec<N extends ApiName> {
  readonly name: N;
  readonly request: BodyCodec<RequestOf<N>>;
  readonly response: BodyCodec<ResponseOf<N>>;
}

type Mismatch<W, D> = [
  error: "the schema's decoded type differs from the domain type",
  onlyInSchema: Exclude<keyof W, keyof D>,
  onlyInDomain: Exclude<keyof D, keyof W>,
];

/**
 * A schema whose decoded type IS the domain type D. If they differ, the call needs a third
 * argument of type Mismatch<...>, which names the differing top-level fields in the error.
 */
export function plainBody<D>() {
  return <S extends MessageSchema>(
    schema: S,
    ...mismatch: Same<MessageValue<S>, D> extends true ? [] : [Mismatch<MessageValue<S>, D>]
  ): BodyCodec<D> => {
    void mismatch;
    return {
      schema,
      toDomain: (_version, wire) => wire as D,
      toWire: (_version, domain) => domain,
    };
  };
}

/**
 * A schema whose decoded type W is mapped onto the domain type D by a version-dependent rule.
 * toWire(v, toDomain(v, w)) must be a canonical wire value w' with toDomain(v, w') equal to
 * toDomain(v, w); the round-trip tests check it for every version.
 */
export function adaptedBody<D>() {
  return <S extends MessageSchema>(
    schema: S,
    toDomain: (version: number, wire: MessageValue<S>) => D,
    toWire: (version: number, domain: D) => MessageValue<S>,
  ): BodyCodec<D> => ({
    schema,
    toDomain: (version, wire) => toDomain(version, wire as MessageValue<S>),
    toWire,
  });
}
