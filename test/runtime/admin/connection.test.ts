// The admin client's connection fails clearly and in bounded time: nobody listening, a server that
// never answers, bytes that are not Kafka; and negotiates min(our max, broker max) per API.

import net from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { AdminError } from "../../../runtime/admin/admin-error.ts";
import { KafkaConnection } from "../../../runtime/admin/connection.ts";
import { advertised } from "../../../runtime/protocol/api-versions.ts";
import { freePort } from "../../support/broker-process.ts";
import { FakeBroker } from "./fake-broker.ts";

let fake: FakeBroker | undefined;

afterEach(async () => {
  await fake?.close();
  fake = undefined;
});

async function failure(promise: Promise<unknown>): Promise<AdminError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(AdminError);
  return error as AdminError;
}

describe("KafkaConnection", () => {
  it("reports a refused connection as unreachable", async () => {
    const port = await freePort();
    const error = await failure(KafkaConnection.connect({ host: "127.0.0.1", port }));
    expect(error.kind).toBe("unreachable");
    expect(error.message).toContain(`cannot connect to 127.0.0.1:${port}`);
  });

  it("gives up on a server that accepts but never answers, after the connect timeout", async () => {
    const sockets: net.Socket[] = [];
    const server = net.createServer((socket) => sockets.push(socket));
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const port = (server.address() as net.AddressInfo).port;
    try {
      const error = await failure(
        KafkaConnection.connect({ host: "127.0.0.1", port, connectTimeoutMs: 300 }),
      );
      expect(error.kind).toBe("timeout");
      expect(error.message).toContain("did not answer ApiVersions");
    } finally {
      for (const socket of sockets) socket.destroy();
      await new Promise((resolve) => server.close(resolve));
    }
  });

  it("refuses bytes that are not a Kafka frame", async () => {
    fake = await FakeBroker.start(() => "garbage");
    const connection = await KafkaConnection.connect({ host: "127.0.0.1", port: fake.port });
    const error = await failure(connection.send("ListGroups", {}));
    expect(error.kind).toBe("bad-response");
    connection.close();
  });

  it("times out one request after the request timeout", async () => {
    fake = await FakeBroker.start(() => "silent");
    const connection = await KafkaConnection.connect({
      host: "127.0.0.1",
      port: fake.port,
      requestTimeoutMs: 200,
    });
    const error = await failure(connection.send("ListGroups", {}));
    expect(error.kind).toBe("timeout");
    expect(error.message).toBe(`ListGroups to 127.0.0.1:${fake.port}: no answer in 200 ms`);
    connection.close();
  });

  it("uses the highest version both sides speak", async () => {
    fake = await FakeBroker.start(() => "silent");
    const connection = await KafkaConnection.connect({ host: "127.0.0.1", port: fake.port });
    expect(connection.versionOf("Metadata")).toBe(advertised.Metadata.maxVersion);
    expect(connection.versionOf("Fetch")).toBe(advertised.Fetch.maxVersion);
    connection.close();
  });
});
