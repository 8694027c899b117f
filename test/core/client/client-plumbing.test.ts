// The plumbing both clients share: late answers and timed-out requests are marked and handed back,
// lost requests refresh metadata once, a Metadata request never reaches the client's own handler,
// and the next wakeup is the earliest one strictly after now.

import { describe, expect, it } from "vitest";
import { consumerConfig } from "../../../core/client/client-config.ts";
import type { InFlight } from "../../../core/client/client-network.ts";
import { ClientPlumbing } from "../../../core/client/client-plumbing.ts";
import { nodeId } from "../../../core/ids.ts";
import { Outbox } from "../../../core/outbox.ts";
import type { Rng } from "../../../core/rng.ts";

type Tag = { readonly type: "metadata" } | { readonly type: "own"; readonly n: number };

const rng: Rng = { int: () => 0, float: () => 0.5, chance: () => false };
const config = consumerConfig({ bootstrapNodes: [nodeId(1)], requestTimeoutMs: 1000 });

function setup() {
  const outbox = new Outbox();
  const plumbing = new ClientPlumbing<Tag>("consumer 9", config, rng, outbox);
  const send = (now: number, tag: Tag) =>
    plumbing.network.send(now, outbox, nodeId(1), { topics: [] }, "Metadata", tag);
  return { outbox, plumbing, send };
}

const marks = (outbox: Outbox) =>
  outbox
    .take()
    .flatMap((e) => (e.type === "trace" && e.event.type === "mark" ? [e.event.name] : []));

describe("ClientPlumbing", () => {
  it("hands back the request an answer belongs to, and marks an answer nobody waits for", () => {
    const { outbox, plumbing, send } = setup();
    const id = send(0, { type: "own", n: 1 });
    expect(plumbing.answered(nodeId(1), id)?.tag).toEqual({ type: "own", n: 1 });
    expect(plumbing.answered(nodeId(1), id)).toBeUndefined();
    expect(marks(outbox)).toEqual(["client-late-response-ignored"]);
  });

  it("loses timed-out requests in order, keeps Metadata to itself and refreshes once", () => {
    const { outbox, plumbing, send } = setup();
    send(0, { type: "own", n: 1 });
    plumbing.metadata.addTopic("t");
    plumbing.metadata.maybeSend(0, plumbing.network, outbox, 5, { type: "metadata" });
    expect(plumbing.network.size).toBe(2);
    send(0, { type: "own", n: 2 });
    outbox.take();
    const own: number[] = [];
    plumbing.expire(1000, (lost: readonly InFlight<Tag>[]) =>
      plumbing.lose(1000, lost, (entry) => own.push(entry.tag.n)),
    );
    expect(own).toEqual([1, 2]);
    expect(plumbing.network.size).toBe(0);
    expect(plumbing.metadata.updateNeeded).toBe(true);
    expect(marks(outbox)).toContain("client-request-timed-out");
  });

  it("wakes at the earliest time strictly after now", () => {
    const { plumbing, send } = setup();
    plumbing.advance(10);
    expect(plumbing.nextWakeup([undefined, 10, 50])).toBe(50);
    send(10, { type: "own", n: 1 });
    expect(plumbing.nextWakeup([undefined, 2000])).toBe(1010);
    expect(plumbing.nextWakeup([])).toBe(1010);
  });

  it("refuses time going back and any use after the crash", () => {
    const { plumbing } = setup();
    plumbing.advance(5);
    expect(() => plumbing.advance(4)).toThrow(/time went backwards/);
    plumbing.crash();
    expect(plumbing.crashed).toBe(true);
    expect(() => plumbing.advance(6)).toThrow(/consumer 9 used after its crash/);
  });
});
