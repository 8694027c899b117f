// The group coordinator of the fake cluster: Kafka's GroupCoordinator component (core/groups) on
// one broker of the fake cluster, its __consumer_offsets appends committed at once into an
// in-memory log, and a move to another broker that replays that log (coordinator failover).

import { ErrorCode } from "../../../../core/error-codes.ts";
import type { CoordinatorRecord } from "../../../../core/groups/coordinator-records.ts";
import type { GroupRequest } from "../../../../core/groups/coordinator-requests.ts";
import {
  type GroupCoordinatorConfig,
  groupCoordinatorConfig,
} from "../../../../core/groups/group-config.ts";
import type { GroupOutput } from "../../../../core/groups/group-context.ts";
import { GroupCoordinator } from "../../../../core/groups/group-coordinator.ts";
import type { NodeId } from "../../../../core/ids.ts";
import type { ClientRequest, ClientResponse } from "../../../../core/protocol/index.ts";
import { testRng } from "../../../support/test-rng.ts";

/** Where a parked group request's answer goes. */
export interface Reply {
  readonly client: NodeId;
  readonly broker: NodeId;
  readonly generation: number;
  readonly correlationId: number;
}

export interface GroupAnswer {
  readonly reply: Reply;
  readonly response: ClientResponse;
}

const groupApis = new Set([
  "JoinGroup",
  "SyncGroup",
  "Heartbeat",
  "LeaveGroup",
  "OffsetCommit",
  "OffsetFetch",
  "OffsetDelete",
  "DescribeGroups",
  "ListGroups",
  "DeleteGroups",
]);

export function isGroupRequest(request: ClientRequest): boolean {
  return request.api === "FindCoordinator" || groupApis.has(request.api);
}

export class FakeGroups {
  readonly config: GroupCoordinatorConfig;
  coordinatorNode: NodeId | undefined;
  #coordinator: GroupCoordinator<Reply>;
  /** The __consumer_offsets log (one partition), as committed records. */
  readonly log: CoordinatorRecord[] = [];
  #seed = 10;

  constructor(coordinatorNode: NodeId, overrides: Partial<GroupCoordinatorConfig> = {}) {
    this.config = groupCoordinatorConfig({
      offsetsTopicNumPartitions: 1,
      groupInitialRebalanceDelayMs: 0,
      groupMinSessionTimeoutMs: 500,
      ...overrides,
    });
    this.coordinatorNode = coordinatorNode;
    this.#coordinator = this.#load(0);
  }

  #load(now: number): GroupCoordinator<Reply> {
    const c = new GroupCoordinator<Reply>(this.config, testRng(this.#seed++));
    c.beginLoading(now, 0);
    c.loadRecords(now, 0, this.log);
    c.completeLoading(now, 0);
    return c;
  }

  /** Coordinator failover: the old one unloads (its parked requests get NOT_COORDINATOR). */
  move(now: number, to: NodeId | undefined): GroupAnswer[] {
    const answers = this.#drain(now, this.#coordinator.unload(now, 0));
    this.coordinatorNode = to;
    if (to !== undefined) this.#coordinator = this.#load(now);
    return answers;
  }

  handle(now: number, to: NodeId, request: ClientRequest, reply: Reply): GroupAnswer[] {
    if (request.api === "FindCoordinator") {
      const node = this.coordinatorNode;
      const body = {
        throttleTimeMs: 0,
        errorCode: node === undefined ? ErrorCode.COORDINATOR_NOT_AVAILABLE : ErrorCode.NONE,
        errorMessage: null,
        nodeId: node ?? -1,
        host: "sim",
        port: 9092,
      };
      return [{ reply, response: { api: "FindCoordinator", body } }];
    }
    if (to !== this.coordinatorNode) {
      const fresh = new GroupCoordinator<Reply>(this.config, testRng(1));
      return this.#drain(now, fresh.handle(now, request as GroupRequest, reply));
    }
    return this.#drain(now, this.#coordinator.handle(now, request as GroupRequest, reply));
  }

  tick(now: number): GroupAnswer[] {
    return this.#drain(now, this.#coordinator.tick(now));
  }

  nextDeadline(): number | undefined {
    return this.coordinatorNode === undefined ? undefined : this.#coordinator.nextDeadline();
  }

  /** Responses out; appends committed at once (their callbacks may answer more). */
  #drain(now: number, outputs: GroupOutput<Reply>[]): GroupAnswer[] {
    const answers: GroupAnswer[] = [];
    const queue = [...outputs];
    for (let i = 0; i < 100_000 && queue.length > 0; i++) {
      const output = queue.shift()!;
      if (output.type === "respond")
        answers.push({ reply: output.replyTo, response: output.response });
      else if (output.type === "append") {
        this.log.push(...output.records);
        queue.push(...this.#coordinator.onAppendDone(now, output.appendId, ErrorCode.NONE));
      }
    }
    return answers;
  }

  view() {
    return this.#coordinator.view();
  }
}
