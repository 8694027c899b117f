// Deep links round-trip: every view the viewer can put in `#t=…&sel=…` reads back the same, and
// fragments that do not parse leave those fields out instead of failing.

import { fc, test } from "@fast-check/vitest";
import { describe, expect, it } from "vitest";
import { formatLink, type LinkView, parseLink, type Selection } from "../../viewer/deep-link.ts";

const time = fc.double({ min: 0, max: 1e7, noNaN: true }).map((t) => Math.round(t * 1000) / 1000);
const selection: fc.Arbitrary<Selection> = fc.oneof(
  fc.nat().map((seq) => ({ kind: "event" as const, seq })),
  fc.nat().map((id) => ({ kind: "message" as const, id })),
  fc.nat().map((id) => ({ kind: "node" as const, id })),
  fc
    .stringMatching(/^[a-z_.-]{1,12}-[0-9]{1,3}$/)
    .map((key) => ({ kind: "partition" as const, key })),
);
const view: fc.Arbitrary<LinkView> = fc.record({
  t: time,
  at: fc.option(fc.nat(), { nil: undefined }),
  sel: fc.option(selection, { nil: undefined }),
  window: fc.option(
    fc.tuple(time, time).filter(([a, b]) => a < b),
    { nil: undefined },
  ),
  partition: fc.option(fc.stringMatching(/^[a-z&=#%_.-]{1,12}-[0-9]{1,3}$/), { nil: undefined }),
});

describe("deep links", () => {
  test.prop([view])("parse(format(view)) gives the view back", (v) => {
    const parsed = parseLink(formatLink(v));
    const expected = Object.fromEntries(Object.entries(v).filter(([, x]) => x !== undefined));
    expect(parsed).toEqual(expected);
  });

  it.each([
    ["#t=12.5&sel=e40", { t: 12.5, sel: { kind: "event", seq: 40 } }],
    ["#t=abc&sel=x1&w=5~2", {}],
    [
      "t=3&sel=porders-0&p=orders-1",
      { t: 3, sel: { kind: "partition", key: "orders-0" }, partition: "orders-1" },
    ],
    ["#w=1~2&at=7", { window: [1, 2], at: 7 }],
  ])("reads %s", (hash, expected) => {
    expect(parseLink(hash)).toEqual(expected);
  });
});
