// A scripted single-node broker on 127.0.0.1 built only from the wire codec: frames in, a handler
// per request, frames out. Real clients (KafkaJS, @platformatic/kafka) talking to it prove the
// codec's bytes are theirs, independently of the broker core. Test support only.

import { createServer, type Server, type Socket } from "node:net";
import { limits } from "../../../../core/limits.ts";
import type { ApiName, ClientRequest, ClientResponse } from "../../../../core/protocol/index.ts";
import { apiVersionsResponse } from "../../../../runtime/protocol/api-versions.ts";
import { describeDecodeError } from "../../../../runtime/protocol/decode-error.ts";
import { decodeRequest, encodeResponse } from "../../../../runtime/protocol/frame.ts";
import { FrameSplitter } from "../../../../runtime/protocol/frame-splitter.ts";

/** What the handler answers: a response, or nothing (Produce with acks=0). */
export type Handler = (request: ClientRequest, port: number) => ClientResponse | undefined;

export interface FakeBroker {
  readonly port: number;
  /** Every request seen, as "Api vN", in arrival order. */
  readonly seen: string[];
  readonly requests: ClientRequest[];
  readonly errors: string[];
  close(): Promise<void>;
}

export async function startFakeBroker(handler: Handler): Promise<FakeBroker> {
  const seen: string[] = [];
  const requests: ClientRequest[] = [];
  const errors: string[] = [];
  const sockets = new Set<Socket>();
  let port = 0;
  const server: Server = createServer((socket) => {
    sockets.add(socket);
    socket.on("close", () => sockets.delete(socket));
    socket.on("error", () => socket.destroy());
    const splitter = new FrameSplitter(limits.requestBytesMax);
    socket.on("data", (chunk: Buffer) => {
      const frames = splitter.push(new Uint8Array(chunk.buffer, chunk.byteOffset, chunk.length));
      if (!frames.ok) {
        errors.push(describeDecodeError(frames.error));
        socket.destroy();
        return;
      }
      for (const frame of frames.value) {
        const decoded = decodeRequest(frame);
        if (!decoded.ok) {
          errors.push(describeDecodeError(decoded.error));
          socket.destroy();
          return;
        }
        const { header, request } = decoded.value;
        seen.push(`${request.api} v${header.apiVersion}`);
        requests.push(request);
        const response =
          request.api === "ApiVersions"
            ? ({ api: "ApiVersions", body: apiVersionsResponse(header.apiVersion) } as const)
            : handler(request, port);
        if (response !== undefined) socket.write(encodeResponse(header, response));
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const address = server.address();
  if (address === null || typeof address === "string") throw new Error("no port");
  port = address.port;
  return {
    port,
    seen,
    requests,
    errors,
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}

/** Metadata for one broker (this one) and the asked topics, one partition each, led by node 1. */
export function metadataFor(request: ClientRequest, port: number): ClientResponse {
  const asked = request.api === "Metadata" ? request.body.topics : null;
  const names = asked === null ? ["t"] : asked.map((t) => t.name);
  return {
    api: "Metadata",
    body: {
      throttleTimeMs: 0,
      brokers: [{ nodeId: 1, host: "127.0.0.1", port, rack: null }],
      clusterId: "runnel-test",
      controllerId: 1,
      topics: names.map((name) => ({
        errorCode: 0,
        name,
        isInternal: false,
        partitions: [
          {
            errorCode: 0,
            partitionIndex: 0,
            leaderId: 1,
            replicaNodes: [1],
            isrNodes: [1],
            offlineReplicas: [],
          },
        ],
      })),
    },
  };
}

/** A Produce answer: every partition appended at offset 0. */
export function produceOk(request: ClientRequest): ClientResponse | undefined {
  if (request.api !== "Produce") return undefined;
  if (request.body.acks === 0) return undefined;
  return {
    api: "Produce",
    body: {
      throttleTimeMs: 0,
      responses: request.body.topicData.map((topic) => ({
        name: topic.name,
        partitionResponses: topic.partitionData.map((p) => ({
          index: p.index,
          errorCode: 0,
          baseOffset: 0,
          logAppendTimeMs: -1,
          logStartOffset: 0,
        })),
      })),
    },
  };
}

export function isApi<N extends ApiName>(
  request: ClientRequest,
  api: N,
): request is Extract<ClientRequest, { api: N }> {
  return request.api === api;
}

/**
 * A one-member consumer group and a one-batch log, just enough for a client's consumer to join,
 * sync, find its start offset and fetch `batch` once: not a coordinator, a script.
 */
export function groupScript(batch: Uint8Array): Handler {
  let assignment: Uint8Array = new Uint8Array(0);
  return (request, port) => {
    switch (request.api) {
      case "Metadata":
        return metadataFor(request, port);
      case "FindCoordinator":
        return {
          api: "FindCoordinator",
          body: {
            throttleTimeMs: 0,
            errorCode: 0,
            errorMessage: null,
            nodeId: 1,
            host: "127.0.0.1",
            port,
          },
        };
      case "JoinGroup": {
        const chosen = request.body.protocols[0];
        return {
          api: "JoinGroup",
          body: {
            throttleTimeMs: 0,
            errorCode: 0,
            generationId: 1,
            protocolName: chosen?.name ?? "",
            leader: "m-1",
            memberId: "m-1",
            members: [
              {
                memberId: "m-1",
                groupInstanceId: null,
                metadata: chosen?.metadata ?? new Uint8Array(0),
              },
            ],
          },
        };
      }
      case "SyncGroup":
        assignment =
          request.body.assignments.find((a) => a.memberId === "m-1")?.assignment ?? assignment;
        return { api: "SyncGroup", body: { throttleTimeMs: 0, errorCode: 0, assignment } };
      case "Heartbeat":
        return { api: "Heartbeat", body: { throttleTimeMs: 0, errorCode: 0 } };
      case "LeaveGroup":
        return { api: "LeaveGroup", body: { throttleTimeMs: 0, errorCode: 0, members: [] } };
      case "OffsetFetch":
        return {
          api: "OffsetFetch",
          body: {
            throttleTimeMs: 0,
            errorCode: 0,
            topics: (request.body.topics ?? []).map((t) => ({
              name: t.name,
              partitions: t.partitionIndexes.map((partitionIndex) => ({
                partitionIndex,
                committedOffset: -1,
                committedLeaderEpoch: -1,
                metadata: "",
                errorCode: 0,
              })),
            })),
          },
        };
      case "OffsetCommit":
        return {
          api: "OffsetCommit",
          body: {
            throttleTimeMs: 0,
            topics: request.body.topics.map((t) => ({
              name: t.name,
              partitions: t.partitions.map((p) => ({
                partitionIndex: p.partitionIndex,
                errorCode: 0,
              })),
            })),
          },
        };
      case "ListOffsets":
        return {
          api: "ListOffsets",
          body: {
            throttleTimeMs: 0,
            topics: request.body.topics.map((t) => ({
              name: t.name,
              partitions: t.partitions.map((p) => ({
                partitionIndex: p.partitionIndex,
                errorCode: 0,
                timestamp: -1,
                offset: p.timestamp === -1 ? 1 : 0,
              })),
            })),
          },
        };
      case "Fetch":
        return {
          api: "Fetch",
          body: {
            throttleTimeMs: 0,
            errorCode: 0,
            sessionId: 0,
            responses: request.body.topics.map((t) => ({
              topic: t.topic,
              partitions: t.partitions.map((p) => ({
                partitionIndex: p.partition,
                errorCode: 0,
                highWatermark: 1,
                lastStableOffset: 1,
                logStartOffset: 0,
                abortedTransactions: null,
                preferredReadReplica: -1,
                records: p.fetchOffset === 0 ? batch : new Uint8Array(0),
              })),
            })),
          },
        };
      default:
        throw new Error(`the group script has no answer for ${request.api}`);
    }
  };
}
