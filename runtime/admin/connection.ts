// One client connection to a Kafka-protocol broker over node:net, speaking runtime/protocol's
// codec: versions negotiated by ApiVersions (min of both maxima), requests pipelined and answered
// in order (matched by correlation id), every wait bounded (connect and per-request timeouts).

import net from "node:net";
import { assert } from "../../core/assert.ts";
import { ErrorCode, errorName } from "../../core/error-codes.ts";
import {
  ApiKey,
  type ApiName,
  apiNames,
  type RequestOf,
  type ResponseOf,
} from "../../core/protocol/index.ts";
import { advertised } from "../protocol/api-versions.ts";
import { describeDecodeError } from "../protocol/decode-error.ts";
import { decodeResponse, encodeRequest } from "../protocol/frame.ts";
import { FrameSplitter } from "../protocol/frame-splitter.ts";
import { AdminError } from "./admin-error.ts";

export interface ConnectOptions {
  readonly host: string;
  readonly port: number;
  /** How long to wait for the TCP connection (and the ApiVersions answer). */
  readonly connectTimeoutMs?: number;
  /** How long to wait for each answer. */
  readonly requestTimeoutMs?: number;
  readonly clientId?: string;
}

interface Pending {
  readonly api: ApiName;
  readonly version: number;
  readonly resolve: (body: unknown) => void;
  readonly reject: (error: AdminError) => void;
  readonly timer: NodeJS.Timeout;
}

const RESPONSE_BYTES_MAX = 256 * 1024 * 1024;

export class KafkaConnection {
  readonly address: string;
  readonly #socket: net.Socket;
  readonly #options: ConnectOptions;
  readonly #pending = new Map<number, Pending>();
  readonly #splitter = new FrameSplitter(RESPONSE_BYTES_MAX);
  readonly #versions = new Map<ApiName, number>();
  #nextCorrelationId = 1;
  #closed: AdminError | undefined;

  private constructor(socket: net.Socket, options: ConnectOptions) {
    this.#socket = socket;
    this.#options = options;
    this.address = `${options.host}:${options.port}`;
    socket.on("data", (chunk) => this.#receive(chunk));
    socket.on("close", () =>
      this.#fail(new AdminError("disconnected", `connection to ${this.address} closed`)),
    );
    socket.on("error", (error) =>
      this.#fail(new AdminError("disconnected", `${this.address}: ${error.message}`)),
    );
  }

  /** Connects and negotiates versions; rejects with an AdminError after connectTimeoutMs. */
  static async connect(options: ConnectOptions): Promise<KafkaConnection> {
    const timeoutMs = options.connectTimeoutMs ?? 5_000;
    const socket = await openSocket(options.host, options.port, timeoutMs);
    const connection = new KafkaConnection(socket, options);
    try {
      await connection.#negotiate(timeoutMs);
    } catch (error) {
      connection.close();
      throw error;
    }
    return connection;
  }

  /** The version this connection uses for `api`, or undefined when the broker has none we speak. */
  versionOf(api: ApiName): number | undefined {
    return this.#versions.get(api);
  }

  /** Sends one request at the negotiated version (or `version`) and resolves with its answer. */
  send<N extends ApiName>(api: N, body: RequestOf<N>, version?: number): Promise<ResponseOf<N>> {
    const chosen = version ?? this.#versions.get(api);
    if (chosen === undefined) {
      return Promise.reject(
        new AdminError("unsupported", `${this.address} supports no version of ${api} we speak`),
      );
    }
    if (this.#closed !== undefined) return Promise.reject(this.#closed);
    const correlationId = this.#nextCorrelationId++;
    const clientId = this.#options.clientId ?? "runnel-admin";
    const frame = encodeRequest({ api, clientId, body } as never, chosen, correlationId);
    const timeoutMs = this.#options.requestTimeoutMs ?? 30_000;
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.#pending.delete(correlationId);
        reject(
          new AdminError("timeout", `${api} to ${this.address}: no answer in ${timeoutMs} ms`),
        );
      }, timeoutMs);
      this.#pending.set(correlationId, {
        api,
        version: chosen,
        resolve: resolve as (body: unknown) => void,
        reject,
        timer,
      });
      this.#socket.write(frame);
    });
  }

  close(): void {
    this.#fail(new AdminError("disconnected", `connection to ${this.address} closed`));
    this.#socket.destroy();
  }

  async #negotiate(timeoutMs: number): Promise<void> {
    const body = { clientSoftwareName: "runnel-admin", clientSoftwareVersion: "0.1.0" };
    const deadline = setTimeout(() => this.#socket.destroy(), timeoutMs);
    try {
      let answer = await this.send("ApiVersions", body, advertised.ApiVersions.maxVersion);
      if (answer.errorCode === ErrorCode.UNSUPPORTED_VERSION) {
        answer = await this.send("ApiVersions", body, 0);
      }
      if (answer.errorCode !== ErrorCode.NONE) {
        throw new AdminError("kafka", `ApiVersions failed: ${errorName(answer.errorCode)}`);
      }
      for (const name of apiNames) {
        const theirs = answer.apiKeys.find((key) => key.apiKey === ApiKey[name]);
        const ours = advertised[name];
        if (theirs === undefined) continue;
        const version = Math.min(ours.maxVersion, theirs.maxVersion);
        if (version >= Math.max(ours.minVersion, theirs.minVersion))
          this.#versions.set(name, version);
      }
    } catch (error) {
      if (error instanceof AdminError && error.kind === "disconnected" && this.#socket.destroyed) {
        throw new AdminError("timeout", `${this.address} did not answer ApiVersions in time`);
      }
      throw error;
    } finally {
      clearTimeout(deadline);
    }
  }

  #receive(chunk: Uint8Array): void {
    const frames = this.#splitter.push(chunk);
    if (!frames.ok) {
      this.#abort(`bad frame from ${this.address}: ${describeDecodeError(frames.error)}`);
      return;
    }
    for (const frame of frames.value) {
      const correlationId = new DataView(frame.buffer, frame.byteOffset).getInt32(0);
      const pending = this.#pending.get(correlationId);
      if (pending === undefined) {
        this.#abort(`${this.address} answered unknown correlation id ${correlationId}`);
        return;
      }
      this.#pending.delete(correlationId);
      clearTimeout(pending.timer);
      const decoded = decodeResponse(pending.api, pending.version, frame);
      if (!decoded.ok) {
        const why = describeDecodeError(decoded.error);
        pending.reject(new AdminError("bad-response", `${pending.api} answer: ${why}`));
        this.#abort(`undecodable ${pending.api} answer from ${this.address}`);
        return;
      }
      assert(decoded.value.correlationId === correlationId, "correlation id read twice");
      pending.resolve(decoded.value.response.body);
    }
  }

  #abort(reason: string): void {
    this.#fail(new AdminError("bad-response", reason));
    this.#socket.destroy();
  }

  #fail(error: AdminError): void {
    if (this.#closed === undefined) this.#closed = error;
    for (const pending of this.#pending.values()) {
      clearTimeout(pending.timer);
      pending.reject(error);
    }
    this.#pending.clear();
  }
}

function openSocket(host: string, port: number, timeoutMs: number): Promise<net.Socket> {
  return new Promise((resolve, reject) => {
    const socket = net.connect({ host, port, noDelay: true });
    const timer = setTimeout(() => {
      socket.destroy();
      reject(new AdminError("unreachable", `cannot connect to ${host}:${port} in ${timeoutMs} ms`));
    }, timeoutMs);
    socket.once("connect", () => {
      clearTimeout(timer);
      socket.removeAllListeners("error");
      resolve(socket);
    });
    socket.once("error", (error) => {
      clearTimeout(timer);
      socket.destroy();
      reject(new AdminError("unreachable", `cannot connect to ${host}:${port}: ${error.message}`));
    });
  });
}
