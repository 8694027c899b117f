// A scripted Kafka-protocol server on 127.0.0.1 for the admin client's tests: each request is
// decoded with the runtime's codec and answered by a test-supplied function, so that answers the
// broker cannot give yet (group coordinator) and failures (silence, garbage) can be tested.

import net from "node:net";
import type { ClientRequest, ClientResponse } from "../../../core/protocol/index.ts";
import { apiVersionsResponse } from "../../../runtime/protocol/api-versions.ts";
import { decodeRequest, encodeResponse } from "../../../runtime/protocol/frame.ts";
import { FrameSplitter } from "../../../runtime/protocol/frame-splitter.ts";

/** An answer, "silent" (never answer) or "garbage" (bytes that are no Kafka frame). */
export type Script = (request: ClientRequest) => ClientResponse | "silent" | "garbage";

export class FakeBroker {
  readonly requests: ClientRequest[] = [];
  readonly #server: net.Server;
  readonly #sockets = new Set<net.Socket>();
  port = 0;

  constructor(script: Script) {
    this.#server = net.createServer((socket) => {
      this.#sockets.add(socket);
      socket.on("close", () => this.#sockets.delete(socket));
      socket.on("error", () => undefined);
      const splitter = new FrameSplitter(1 << 20);
      socket.on("data", (chunk) => {
        const frames = splitter.push(chunk);
        if (!frames.ok) return void socket.destroy();
        for (const frame of frames.value) {
          const decoded = decodeRequest(frame);
          if (!decoded.ok) return void socket.destroy();
          const { header, request } = decoded.value;
          this.requests.push(request);
          const answer =
            request.api === "ApiVersions"
              ? { api: "ApiVersions" as const, body: apiVersionsResponse(header.apiVersion) }
              : script(request);
          if (answer === "garbage") socket.write("HTTP/1.1 400 Bad Request\r\n\r\n");
          else if (answer !== "silent") socket.write(encodeResponse(header, answer));
        }
      });
    });
  }

  static async start(script: Script): Promise<FakeBroker> {
    const fake = new FakeBroker(script);
    await new Promise<void>((resolve) => fake.#server.listen(0, "127.0.0.1", resolve));
    fake.port = (fake.#server.address() as net.AddressInfo).port;
    return fake;
  }

  get bootstrap(): string {
    return `127.0.0.1:${this.port}`;
  }

  close(): Promise<void> {
    for (const socket of this.#sockets) socket.destroy();
    return new Promise((resolve) => this.#server.close(() => resolve()));
  }
}
