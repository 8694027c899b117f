// The simulated network's promises: FIFO and at-most-once per connection whatever the latencies;
// partitions hold exactly the blocked directions and break connections after the break delay;
// clogs release in order; a broken connection loses what it carried and both ends are told.

import { fc, test } from "@fast-check/vitest";
import { describe, expect, it } from "vitest";
import { connectionId, nodeId } from "../../core/ids.ts";
import { NetHarness, numberOf, testRequest, testResponse } from "./support/network-harness.ts";

const [a, b, c] = [nodeId(1), nodeId(2), nodeId(3)];
const client = nodeId(100);

describe("FIFO per connection", () => {
  const send = fc.record({
    at: fc.integer({ min: 0, max: 200 }),
    from: fc.constantFrom(a, b, c),
    to: fc.constantFrom(a, b, c),
  });
  const latency = fc.record({
    minMs: fc.double({ min: 0, max: 30, noNaN: true }),
    meanMs: fc.double({ min: 0, max: 100, noNaN: true }),
  });

  test.prop([
    fc.array(send, { maxLength: 80 }),
    latency,
    fc.double({ min: 0, max: 0.5, noNaN: true }),
    fc.bigInt({ min: 0n, max: 1000n }),
  ])(
    "every message arrives exactly once, in send order per direction",
    (sends, defaultLink, tailProbability, seed) => {
      const net = new NetHarness([a, b, c], { defaultLink, tailProbability, tailFactor: 20 }, seed);
      const sorted = sends.filter((s) => s.from !== s.to).sort((x, y) => x.at - y.at);
      const expected = new Map<string, number[]>();
      sorted.forEach((s, seq) => {
        net.runUntil(s.at);
        net.ping(s.from, s.to, seq);
        const key = `${s.from}->${s.to}`;
        expected.set(key, [...(expected.get(key) ?? []), seq]);
      });
      net.runUntil(1_000_000);
      for (const [key, seqs] of expected) {
        const [from, to] = key.split("->").map((x) => nodeId(Number(x)));
        expect(net.numbersFrom(to!, from!)).toEqual(seqs);
      }
      expect(net.drops()).toBe(0);
    },
  );

  it("a client's requests and a server's answers keep their order on one connection", () => {
    const net = new NetHarness([a, client], { defaultLink: { minMs: 0, meanMs: 40 } }, 5n);
    for (let n = 1; n <= 30; n++) net.network.sendRequest(client, a, n, testRequest(n));
    net.runUntil(10_000);
    const requests = net.received.filter((r) => r.input.type === "client-request");
    expect(requests.map((r) => numberOf(r.input))).toEqual(
      Array.from({ length: 30 }, (_, i) => i + 1),
    );
    const first = requests[0]!.input;
    if (first.type !== "client-request") throw new Error("unreachable");
    for (let n = 1; n <= 30; n++) net.network.respond(a, first.connection, n, testResponse(n));
    net.runUntil(20_000);
    expect(net.numbersFrom(client, a)).toEqual(Array.from({ length: 30 }, (_, i) => i + 1));
  });
});

describe("under faults", () => {
  const op = fc.oneof(
    fc.record({
      kind: fc.constant("send" as const),
      from: fc.constantFrom(a, b, c),
      to: fc.constantFrom(a, b, c),
    }),
    fc.record({
      kind: fc.constantFrom("clog" as const, "unclog" as const),
      from: fc.constantFrom(a, b, c),
      to: fc.constantFrom(a, b, c),
    }),
    fc.record({
      kind: fc.constant("partition" as const),
      left: fc.constantFrom(a, b, c),
      oneWay: fc.boolean(),
    }),
    fc.record({ kind: fc.constant("heal" as const) }),
    fc.record({ kind: fc.constant("break" as const), node: fc.constantFrom(a, b, c) }),
  );

  test.prop([
    fc.array(fc.tuple(fc.integer({ min: 0, max: 50 }), op), { maxLength: 120 }),
    fc.integer({ min: 0, max: 300 }),
  ])(
    "each message is delivered once, in order, or dropped; nothing else",
    (program, partitionBreakMs) => {
      const net = new NetHarness(
        [a, b, c],
        { defaultLink: { minMs: 1, meanMs: 20 }, partitionBreakMs },
        3n,
      );
      let t = 0;
      let seq = 0;
      let partitions = 0;
      for (const [gap, step] of program) {
        t += gap;
        net.runUntil(t);
        const links = net.network.links;
        if (step.kind === "send" && step.from !== step.to) net.ping(step.from, step.to, ++seq);
        if (step.kind === "clog" && step.from !== step.to) links.clog(step.from, step.to);
        if (step.kind === "unclog" && step.from !== step.to) links.unclog(step.from, step.to);
        if (step.kind === "partition") {
          links.partition(
            ++partitions,
            [[step.left], [a, b, c].filter((n) => n !== step.left)],
            step.oneWay,
          );
        }
        if (step.kind === "heal") for (let id = 1; id <= partitions; id++) links.heal(id);
        if (step.kind === "break") net.network.breakAll(step.node, "test");
        net.network.reblock();
      }
      for (let id = 1; id <= partitions; id++) net.network.links.heal(id);
      for (const from of [a, b, c])
        for (const to of [a, b, c]) if (from !== to) while (net.network.links.unclog(from, to));
      net.network.reblock();
      net.runUntil(t + 100_000);
      const delivered = net.received.filter((r) => r.input.type === "peer-message");
      for (const from of [a, b, c]) {
        for (const to of [a, b, c]) {
          const seqs = net.numbersFrom(to, from);
          expect([...seqs].sort((x, y) => x - y)).toEqual(seqs);
        }
      }
      const sent = net.traces.filter((e) => e.type === "net-send").length;
      expect(delivered.length + net.drops()).toBe(sent);
      expect(new Set(delivered.map((r) => numberOf(r.input))).size).toBe(delivered.length);
      // A loss is never silent: the sender hears that its link to that peer broke, then or later.
      net.traces.forEach((event, i) => {
        if (event.type !== "net-drop") return;
        const at = net.traceTimes[i]!;
        const told = net.received.some(
          (r) =>
            r.node === event.from &&
            r.t >= at &&
            r.input.type === "peer-unreachable" &&
            r.input.peer === event.to,
        );
        expect(told, `drop of #${event.msg} at ${at}`).toBe(true);
      });
    },
  );
});

describe("partitions", () => {
  function connected(partitionBreakMs: number): NetHarness {
    const net = new NetHarness([a, b, c], {
      defaultLink: { minMs: 1, meanMs: 0 },
      partitionBreakMs,
    });
    net.ping(a, b, 0);
    net.ping(b, a, 0);
    net.runUntil(100);
    expect(net.numbersFrom(b, a)).toEqual([0]);
    return net;
  }

  it("one-way: only the blocked direction holds, and healing releases it in order", () => {
    const net = connected(10_000);
    net.network.links.partition(1, [[a], [b, c]], true);
    net.network.reblock();
    for (let seq = 1; seq <= 3; seq++) {
      net.ping(a, b, seq);
      net.ping(b, a, seq);
    }
    net.runUntil(500);
    expect(net.numbersFrom(b, a)).toEqual([0]);
    expect(net.numbersFrom(a, b)).toEqual([0, 1, 2, 3]);
    net.network.links.heal(1);
    net.network.reblock();
    net.runUntil(1000);
    expect(net.numbersFrom(b, a)).toEqual([0, 1, 2, 3]);
    expect(net.noticesFor(a)).toEqual([]);
  });

  it("symmetric: both directions hold, and after the break delay both ends are told", () => {
    const net = connected(300);
    net.network.links.partition(7, [[a], [b]], false);
    net.network.reblock();
    net.ping(a, b, 1);
    net.ping(b, a, 1);
    net.runUntil(399);
    expect(net.noticesFor(a)).toEqual([]);
    net.runUntil(401);
    expect(net.noticesFor(a)).toEqual(["peer-unreachable"]);
    expect(net.noticesFor(b)).toEqual(["peer-unreachable"]);
    expect(net.drops()).toBe(2);
    // A new connection across the partition cannot be made; the initiator alone is told.
    net.ping(a, b, 2);
    net.runUntil(5000);
    expect(net.noticesFor(a)).toEqual(["peer-unreachable", "peer-unreachable"]);
    expect(net.noticesFor(b)).toEqual(["peer-unreachable"]);
    expect(net.numbersFrom(b, a)).toEqual([0]);
  });

  it("messages on the wire when a partition starts are caught and held, not delivered", () => {
    const net = new NetHarness([a, b], {
      defaultLink: { minMs: 50, meanMs: 0 },
      partitionBreakMs: 10_000,
    });
    net.ping(a, b, 0);
    net.runUntil(200);
    net.ping(a, b, 1);
    net.runUntil(210);
    net.network.links.partition(1, [[a], [b]], false);
    net.network.reblock();
    net.runUntil(400);
    expect(net.numbersFrom(b, a)).toEqual([0]);
    net.network.links.heal(1);
    net.network.reblock();
    net.runUntil(600);
    expect(net.numbersFrom(b, a)).toEqual([0, 1]);
  });
});

describe("clogging", () => {
  it("queues a link's messages and releases them in order, breaking nothing", () => {
    const net = new NetHarness([a, b], { defaultLink: { minMs: 0, meanMs: 30 } });
    net.ping(a, b, 0);
    net.runUntil(1000);
    net.network.links.clog(a, b);
    net.network.links.clog(a, b);
    net.network.reblock();
    for (let seq = 1; seq <= 10; seq++) net.ping(a, b, seq);
    net.runUntil(5000);
    expect(net.numbersFrom(b, a)).toEqual([0]);
    net.network.links.unclog(a, b);
    net.network.reblock();
    net.runUntil(6000);
    expect(net.numbersFrom(b, a)).toEqual([0]);
    net.network.links.unclog(a, b);
    net.network.reblock();
    net.runUntil(9000);
    expect(net.numbersFrom(b, a)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    expect(net.noticesFor(a)).toEqual([]);
    expect(net.network.links.unclog(a, b)).toBe(false);
  });
});

describe("broken connections", () => {
  it("lose what is in flight and tell both peers", () => {
    const net = new NetHarness([a, b], { defaultLink: { minMs: 100, meanMs: 0 } });
    net.ping(a, b, 0);
    net.runUntil(1000);
    net.ping(a, b, 1);
    net.ping(b, a, 1);
    net.runUntil(1050);
    expect(net.network.breakAll(a, "test")).toBe(1);
    net.runUntil(1050);
    expect(net.noticesFor(a)).toEqual(["peer-unreachable"]);
    expect(net.noticesFor(b)).toEqual(["peer-unreachable"]);
    net.runUntil(5000);
    expect(net.numbersFrom(b, a)).toEqual([0]);
    expect(net.numbersFrom(a, b)).toEqual([]);
    expect(net.drops()).toBe(2);
    // After the notice, the next message goes on a new connection.
    net.ping(a, b, 2);
    net.runUntil(9000);
    expect(net.numbersFrom(b, a)).toEqual([0, 2]);
  });

  it("a message written before the break was noticed is lost like on a dead socket", () => {
    const net = new NetHarness([a, b], { defaultLink: { minMs: 1, meanMs: 0 } });
    net.ping(a, b, 0);
    net.runUntil(100);
    net.network.breakAll(b, "test");
    net.ping(a, b, 1);
    net.runUntil(100);
    net.ping(a, b, 2);
    net.runUntil(1000);
    expect(net.numbersFrom(b, a)).toEqual([0, 2]);
    const drop = net.traces.find((e) => e.type === "net-drop");
    expect(drop).toMatchObject({ reason: "connection broken, not yet noticed" });
  });

  it("client connections: the client loses the connection, the server sees it closed", () => {
    const net = new NetHarness([a, client], { defaultLink: { minMs: 5, meanMs: 0 } });
    net.network.sendRequest(client, a, 1, testRequest(1));
    net.runUntil(100);
    const request = net.received.find((r) => r.input.type === "client-request")!.input;
    if (request.type !== "client-request") throw new Error("unreachable");
    net.network.breakAll(client, "test");
    net.runUntil(100);
    expect(net.noticesFor(client)).toEqual(["client-connection-lost"]);
    expect(net.received.filter((r) => r.node === a).map((r) => r.input)).toContainEqual({
      type: "connection-closed",
      connection: request.connection,
    });
    expect(net.network.respond(a, request.connection, 1, testResponse(1))).toBe("dropped");
    expect(net.network.respond(b, request.connection, 1, testResponse(1))).toBe("foreign");
    expect(net.network.respond(a, connectionId(999), 1, testResponse(1))).toBe("foreign");
  });

  it("a server closing a connection tells only the client", () => {
    const net = new NetHarness([a, client], { defaultLink: { minMs: 5, meanMs: 0 } });
    net.network.sendRequest(client, a, 1, testRequest(1));
    net.runUntil(100);
    const request = net.received.find((r) => r.input.type === "client-request")!.input;
    if (request.type !== "client-request") throw new Error("unreachable");
    expect(net.network.close(a, request.connection, "bad request")).toBe("closed");
    net.runUntil(200);
    expect(net.noticesFor(client)).toEqual(["client-connection-lost"]);
    expect(net.noticesFor(a)).toEqual([]);
    expect(net.network.close(a, request.connection, "again")).toBe("gone");
  });

  it("a peer that wrote on a connection still connecting hears of its failure too", () => {
    const net = new NetHarness([a, b], {
      defaultLink: { minMs: 1, meanMs: 0 },
      connectTimeoutMs: 500,
    });
    net.network.links.partition(1, [[a], [b]], false);
    net.ping(a, b, 1);
    net.ping(b, a, 1);
    net.runUntil(1000);
    expect(net.noticesFor(a)).toEqual(["peer-unreachable"]);
    expect(net.noticesFor(b)).toEqual(["peer-unreachable"]);
    expect(net.traces.find((e) => e.type === "conn-break")).toMatchObject({
      reason: "connect timeout",
      lost: 2,
    });
  });

  it("a connection to a node that is down is refused after a round trip", () => {
    const net = new NetHarness([a, b], { defaultLink: { minMs: 10, meanMs: 0 } });
    net.down.add(b);
    net.ping(a, b, 0);
    net.runUntil(19);
    expect(net.noticesFor(a)).toEqual([]);
    net.runUntil(20);
    expect(net.noticesFor(a)).toEqual(["peer-unreachable"]);
    expect(net.traces.find((e) => e.type === "conn-break")).toMatchObject({
      reason: "connection refused",
    });
  });
});

describe("links", () => {
  it("a bandwidth limit spaces messages by size / rate, in order", () => {
    const net = new NetHarness([a, b], { defaultLink: { minMs: 1, meanMs: 0 } }, 1n, () => 1000);
    net.ping(a, b, 0);
    net.runUntil(100);
    net.network.links.setBandwidth(a, b, 10);
    for (let seq = 1; seq <= 3; seq++) net.ping(a, b, seq);
    net.runUntil(10_000);
    const times = net.received.filter((r) => r.node === b).map((r) => r.t);
    // The first message waits for the handshake (one round trip of 2 ms), then takes 1 ms.
    expect(times).toEqual([3, 201, 301, 401]);
  });

  it("slowness multiplies latency", () => {
    const net = new NetHarness([a, b], { defaultLink: { minMs: 10, meanMs: 0 } });
    net.ping(a, b, 0);
    net.runUntil(100);
    net.network.links.setSlow(a, b, 5);
    net.ping(a, b, 1);
    net.runUntil(1000);
    expect(net.received.filter((r) => r.node === b).map((r) => r.t)).toEqual([30, 150]);
  });
});
