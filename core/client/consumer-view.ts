// What a SimConsumer shows of itself (NodeView for the viewer and the checks): its requests in
// flight, each partition's position and buffer, final polls, metadata, and a group member's state.
// Keeps: a view is a snapshot of plain data; nothing in it aliases the consumer's own state.

import type { Millis, NodeId, Offset } from "../ids.ts";
import type { NodeView } from "../node.ts";
import type { ClientNetwork } from "./client-network.ts";
import type { ConsumerTag } from "./consumer-fetcher.ts";
import type { FinalPollsView } from "./consumer-final-polls.ts";
import type { ConsumerGroup } from "./consumer-group.ts";
import type { ConsumerPositions, ResetTarget } from "./consumer-positions.ts";
import type { MemberState } from "./group-member.ts";
import type { GroupStamp } from "./history.ts";
import type { MetadataView } from "./metadata-cache.ts";

export interface ConsumerView extends NodeView {
  readonly kind: "consumer";
  readonly processId: number;
  readonly pollOpen: boolean;
  readonly bufferedRecords: number;
  readonly inFlightRequests: readonly {
    node: NodeId;
    correlationId: number;
    api: string;
    sentMs: Millis;
  }[];
  readonly partitions: readonly {
    readonly key: number;
    readonly topic: string;
    readonly partition: number;
    /** -1 while the position is unknown (a reset is pending). */
    readonly position: Offset;
    readonly epoch: number;
    readonly highWatermark: Offset;
    readonly buffered: number;
    readonly reset: ResetTarget | "none" | null;
  }[];
  readonly finalPolls: FinalPollsView;
  readonly metadata: MetadataView;
  /** Group members only. */
  readonly group?: ConsumerGroupView;
}

export interface ConsumerGroupView extends GroupStamp {
  readonly state: MemberState | "closed";
  readonly coordinator: number;
  /** Keys of the partitions the member owns. */
  readonly owned: readonly number[];
  readonly paused: boolean;
}

const apiOf = {
  metadata: "Metadata",
  fetch: "Fetch",
  "list-offsets": "ListOffsets",
  group: "Group",
} as const;

export function inFlightViews(
  network: ClientNetwork<ConsumerTag>,
): ConsumerView["inFlightRequests"] {
  return [...network.entries()].map((e) => ({
    node: e.node,
    correlationId: e.correlationId,
    api: apiOf[e.tag.type],
    sentMs: e.sentMs,
  }));
}

export function partitionViews(positions: ConsumerPositions): ConsumerView["partitions"] {
  return [...positions.all()].map((s) => ({
    key: s.key,
    topic: s.topic,
    partition: s.partition,
    position: s.position ?? -1,
    epoch: s.epoch,
    highWatermark: s.highWatermark,
    buffered: s.fetched.length,
    reset: s.reset ?? (s.outOfRange ? "none" : null),
  }));
}

export function groupView(
  group: ConsumerGroup<ConsumerTag>,
  closed: boolean,
  paused: boolean,
): ConsumerGroupView {
  return {
    ...group.stamp(),
    state: closed ? "closed" : group.member.state,
    coordinator: group.member.coordinator ?? -1,
    owned: group.member.owned.map((p) => p.key),
    paused,
  };
}
