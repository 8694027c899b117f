// The partition replicas this broker hosts (Kafka's ReplicaManager + LogManager): logs are created,
// recovered and destroyed exactly as the metadata image says, one folder at a time; the data-path
// requests (produce, fetch, offsets) and the periodic log duties run against them.

import { assert } from "../assert.ts";
import type { ConnectionId, Millis } from "../ids.ts";
import type {
  DeleteRecordsRequest,
  FetchRequest,
  ListOffsetsRequest,
  ProduceRequest,
} from "../protocol/index.ts";
import type { BrokerContext } from "./broker-context.ts";
import type { PartitionView } from "./broker-view.ts";
import type { Reply } from "./connections.ts";
import { FetchPurgatory } from "./fetch-purgatory.ts";
import { handleDeleteRecords, handleListOffsets } from "./handle-offsets.ts";
import type { HostedLogFactory } from "./hosted-log.ts";
import { HostedPartition, partitionKey } from "./hosted-partition.ts";
import { LogDuties } from "./log-duties.ts";
import {
  ConfigResourceType,
  type ImageChange,
  type PartitionRegistration,
} from "./metadata-image.ts";
import {
  deleteFolderFiles,
  METADATA_FOLDER,
  parsePartitionFolder,
  partitionFolder,
  readFolderTopicId,
  writeFolderTopicId,
} from "./partition-folder.ts";
import { ProducePurgatory } from "./produce-purgatory.ts";
import { ReplicationManager } from "./replication-manager.ts";
import { resolveTopicConfig, type TopicConfig } from "./topic-config.ts";

export class ReplicaManager {
  readonly ctx: BrokerContext;
  readonly #logFactory: HostedLogFactory;
  readonly #hosted = new Map<string, HostedPartition>();
  /**
   * For checkInvariants: the map key and registration each hosted partition was last checked
   * against. A registration is immutable, so the same pair needs no new key string every step.
   */
  readonly #keysChecked = new WeakMap<
    HostedPartition,
    { key: string; of: PartitionRegistration }
  >();
  /** Folders whose files are being deleted; a new log for the same folder waits for them. */
  readonly #destroying = new Map<string, (() => void)[]>();
  /** Partitions whose state may have changed this step (partition-state events, wakeups). */
  readonly #touched = new Set<HostedPartition>();
  readonly #topicConfigs = new Map<string, TopicConfig>();
  readonly produces: ProducePurgatory;
  readonly fetches: FetchPurgatory;
  readonly replication: ReplicationManager;
  readonly #duties: LogDuties;
  #loading = 0;
  #flushing = false;
  /** A hosted log went offline after a disk error (its directory failed, in Kafka's words). */
  logDirFailed = false;
  /** loadAll() has listed the folders: new replicas open as the image names them. */
  #opening = false;
  #onLoaded: (() => void) | undefined;

  constructor(ctx: BrokerContext, logFactory: HostedLogFactory) {
    this.ctx = ctx;
    this.#logFactory = logFactory;
    this.produces = new ProducePurgatory(this);
    this.fetches = new FetchPurgatory(this);
    this.replication = new ReplicationManager(ctx);
    this.#duties = new LogDuties(ctx, (p) => this.touch(p));
  }

  get pendingProduces(): number {
    return this.produces.size;
  }

  get parkedFetches(): number {
    return this.fetches.size;
  }

  /** Every hosted replica, in the order they were opened. */
  hostedPartitions(): IterableIterator<HostedPartition> {
    return this.#hosted.values();
  }

  /** The hosted replica of a partition, if this broker has one (loading or online). */
  hosted(topic: string, partition: number): HostedPartition | undefined {
    return this.#hosted.get(partitionKey(topic, partition));
  }

  /** A topic's effective config; cached until its config records change. */
  topicConfig(topic: string): TopicConfig {
    const cached = this.#topicConfigs.get(topic);
    if (cached !== undefined) return cached;
    const config = resolveTopicConfig(
      this.ctx.image.configs(ConfigResourceType.topic, topic),
      this.ctx.config,
    );
    // Bounded: one entry per topic of the image (entries of removed topics are dropped).
    if (this.ctx.image.topic(topic) !== undefined) this.#topicConfigs.set(topic, config);
    return config;
  }

  /** Notes that a partition's offsets may have moved: events and wakeups follow at step end. */
  touch(partition: HostedPartition): void {
    this.#touched.add(partition);
  }

  handleProduce(body: ProduceRequest, reply: Reply, internalTopicsAllowed = false): void {
    this.produces.handle(body, reply, internalTopicsAllowed);
    this.flushChanges();
  }

  handleFetch(body: FetchRequest, reply: Reply): void {
    this.fetches.handle(body, reply);
    this.flushChanges();
  }

  handleListOffsets(body: ListOffsetsRequest, reply: Reply): void {
    handleListOffsets(this, body, reply);
  }

  handleDeleteRecords(body: DeleteRecordsRequest, reply: Reply): void {
    handleDeleteRecords(this, body, reply);
    this.flushChanges();
  }

  connectionClosed(connection: ConnectionId): void {
    this.produces.connectionClosed(connection);
    this.fetches.connectionClosed(connection);
  }

  /**
   * Called after anything that may move offsets or roles: make each touched replica leader or
   * follower as the image says, let leaders advance their high watermarks, complete produces
   * waiting on them, wake parked fetches (consumers' and followers'), emit partition-state events.
   */
  flushChanges(): void {
    // Not reentrant: an answer sent from inside may start the connection's next request, whose
    // own flush would run in the middle of this one; what it touched is taken by the next round.
    if (this.#flushing) return;
    this.#flushing = true;
    try {
      this.#flush();
    } finally {
      this.#flushing = false;
    }
  }

  #flush(): void {
    const now = this.ctx.mono.now;
    for (let round = 0; round < 8 && this.#touched.size > 0; round++) {
      const touched = [...this.#touched];
      this.#touched.clear();
      for (const p of touched) {
        this.replication.reconcile(p);
        p.leader?.onLogAdvanced(now);
        p.emitState(this.ctx.outbox);
        this.produces.partitionChanged(p);
        this.fetches.partitionChanged(p);
        this.replication.fetchServer.partitionChanged(p);
        this.ctx.groups.partitionChanged(p);
      }
    }
  }

  // ---- Hosting: logs follow the image ----

  onImageChange(change: ImageChange): void {
    if (
      change.type === "config-changed" ||
      change.type === "topic-removed" ||
      change.type === "reset"
    ) {
      this.#topicConfigs.clear();
    }
    switch (change.type) {
      case "partition-changed":
        this.#partitionChanged(change.after);
        break;
      case "topic-removed":
        for (const p of change.topic.partitions)
          this.#remove(p.topic, p.partition, "topic deleted");
        break;
      case "config-changed":
        if (change.resourceType === ConfigResourceType.topic)
          this.#reconfigure(change.resourceName);
        break;
      case "reset":
        this.#reconcile();
        break;
      case "topic-added":
      case "broker-changed":
        break;
    }
    this.flushChanges();
  }

  #partitionChanged(registration: PartitionRegistration): void {
    const self = this.ctx.config.nodeId;
    const key = partitionKey(registration.topic, registration.partition);
    const existing = this.#hosted.get(key);
    if (!registration.replicas.includes(self)) {
      if (existing !== undefined) this.#remove(registration.topic, registration.partition, "moved");
      return;
    }
    if (existing !== undefined) {
      existing.registration = registration;
      this.touch(existing);
      return;
    }
    // Until loadAll() lists the folders, logs wait to be opened all together by it.
    if (this.#opening) this.#open(registration, () => {});
  }

  #reconcile(): void {
    for (const p of [...this.#hosted.values()]) {
      const now = this.ctx.image.partition(p.topic, p.partition);
      if (now === undefined || now.topicId !== p.registration.topicId) {
        this.#remove(p.topic, p.partition, "gone after snapshot");
      }
    }
    for (const topic of this.ctx.image.topics()) {
      for (const p of topic.partitions) this.#partitionChanged(p);
    }
  }

  #reconfigure(topic: string): void {
    const config = this.topicConfig(topic);
    for (const p of this.#hosted.values()) {
      if (p.topic === topic && p.log.status === "online") {
        p.log.reconfigure(config);
        this.replication.reconfigure(p);
        this.touch(p);
      }
    }
  }

  /** Creates the replica and opens its folder: identity checked, log recovered, then online. */
  #open(registration: PartitionRegistration, done: () => void): void {
    const ctx = this.ctx;
    const folder = partitionFolder(registration.topic, registration.partition);
    const key = partitionKey(registration.topic, registration.partition);
    assert(!this.#hosted.has(key), `${key} hosted twice`);
    let hosted: HostedPartition | undefined;
    const log = this.#logFactory({
      topic: registration.topic,
      partition: registration.partition,
      config: this.topicConfig(registration.topic),
      producerIdExpirationMs: ctx.config.producerIdExpirationMs,
      io: ctx.diskIo,
      outbox: ctx.outbox,
      crc: ctx.crc,
      codecs: ctx.codecs,
      listener: {
        onDurable: () => {
          if (hosted !== undefined) this.touch(hosted);
        },
        onOffline: () => {
          ctx.outbox.mark("partition-log-offline");
          this.logDirFailed = true;
          if (hosted !== undefined) this.touch(hosted);
        },
      },
    });
    const partition = new HostedPartition(registration, log);
    hosted = partition;
    this.#hosted.set(key, partition);
    const recover = () => {
      log.recover(ctx.now, () => {
        if (partition.removed) {
          this.#destroy(partition);
        } else {
          // Recovered bytes above the recovery point are not known durable: sync them, so that an
          // fsync-bounded high watermark can cover them.
          if (log.status === "online" && log.durableOffset < log.logEndOffset) log.sync();
          this.touch(partition);
          this.flushChanges();
        }
        done();
      });
    };
    // Without a readable, durable topic id the folder could be taken for another topic's and
    // deleted: the log is not opened (nothing is read, deleted or appended) until a restart.
    const unopened = (mark: string) => {
      ctx.outbox.mark(mark);
      this.logDirFailed = true;
      done();
    };
    this.#afterDestroyed(folder, () => {
      readFolderTopicId(ctx.diskIo, folder, registration.topicId, (found) => {
        if (found.type === "error") return unopened("partition-metadata-read-failed");
        if (found.type === "found" && found.topicId === registration.topicId) return recover();
        if (found.type === "found") ctx.outbox.mark("partition-folder-of-other-topic-id");
        // A folder without our topic id holds nothing of this topic (the id is synced before any
        // record is appended): whatever is there belongs to a deleted topic of the same name.
        deleteFolderFiles(ctx.diskIo, folder, () => {
          writeFolderTopicId(ctx.diskIo, folder, registration.topicId, (ok) => {
            if (ok) recover();
            else unopened("partition-metadata-write-failed");
          });
        });
      });
    });
  }

  #remove(topic: string, partition: number, why: string): void {
    const key = partitionKey(topic, partition);
    const hosted = this.#hosted.get(key);
    if (hosted === undefined) return;
    this.#hosted.delete(key);
    hosted.removed = true;
    this.replication.drop(hosted);
    this.#duties.forget(hosted);
    this.ctx.outbox.mark(`partition-removed-${why.replaceAll(" ", "-")}`);
    this.produces.partitionChanged(hosted);
    this.fetches.partitionChanged(hosted);
    this.replication.fetchServer.partitionChanged(hosted);
    this.ctx.groups.partitionChanged(hosted);
    // From now on a new log for this folder waits until this one's files are gone.
    const folder = partitionFolder(topic, partition);
    if (!this.#destroying.has(folder)) this.#destroying.set(folder, []);
    if (hosted.log.status !== "loading") this.#destroy(hosted);
  }

  /** Deletes a removed replica's files, then lets a waiting new log of the same folder open. */
  #destroy(hosted: HostedPartition): void {
    const folder = partitionFolder(hosted.topic, hosted.partition);
    if (!this.#destroying.has(folder)) this.#destroying.set(folder, []);
    deleteFolderFiles(this.ctx.diskIo, folder, (failures) => {
      if (failures > 0) this.ctx.outbox.mark("partition-folder-delete-failed");
      const pending = this.#destroying.get(folder) ?? [];
      this.#destroying.delete(folder);
      for (const next of pending) next();
    });
  }

  #afterDestroyed(folder: string, then: () => void): void {
    const waiters = this.#destroying.get(folder);
    if (waiters === undefined) then();
    else waiters.push(then);
  }

  /** Startup: stray folders deleted, then every hosted log recovered; `done` once all are. */
  loadAll(done: () => void): void {
    const ctx = this.ctx;
    ctx.diskIo.submit({ type: "list", dir: "" }, (listed) => {
      // The image as it is now: partitions it gains from here on are opened one by one.
      const self = ctx.config.nodeId;
      const hosted = ctx.image
        .topics()
        .flatMap((t) => t.partitions)
        .filter((p) => p.replicas.includes(self));
      const wanted = new Set(hosted.map((p) => partitionFolder(p.topic, p.partition)));
      const entries = listed.ok && listed.type === "list" ? listed.entries : [];
      for (const entry of entries) {
        if (entry.kind !== "dir" || entry.name === METADATA_FOLDER || wanted.has(entry.name))
          continue;
        if (parsePartitionFolder(entry.name) === undefined) continue;
        ctx.outbox.mark("stray-partition-folder-deleted");
        deleteFolderFiles(ctx.diskIo, entry.name, () => {});
      }
      this.#opening = true;
      this.#loading = hosted.length;
      this.#onLoaded = done;
      if (hosted.length === 0) this.#loaded();
      for (const p of hosted) this.#open(p, () => this.#loaded());
    });
  }

  #loaded(): void {
    if (this.#loading > 0) this.#loading--;
    if (this.#loading > 0) return;
    const done = this.#onLoaded;
    this.#onLoaded = undefined;
    done?.();
  }

  // ---- Timers ----

  startTimers(): void {
    this.#duties.start();
  }

  /** After an append: a topic with a short flush.ms gets a deadline to sync this log. */
  scheduleFlush(p: HostedPartition): void {
    this.#duties.scheduleFlush(p, this.topicConfig(p.topic).flushMs);
  }

  onDeadline(key: string): boolean {
    const handled =
      this.produces.onDeadline(key) ||
      this.fetches.onDeadline(key) ||
      this.#duties.onDeadline(key, (k) => this.#hosted.get(k), this.#hosted.values());
    if (handled) this.flushChanges();
    return handled;
  }

  // ---- Views and invariants ----

  views(): PartitionView[] {
    return [...this.#hosted.values()]
      .map((p) => p.view())
      .sort((a, b) => (a.topic < b.topic ? -1 : a.topic > b.topic ? 1 : a.partition - b.partition));
  }

  /** Durable offset of a hosted partition, for tests and checkers. */
  durableOffsetOf(topic: string, partition: number): number | undefined {
    return this.hosted(topic, partition)?.log.durableOffset;
  }

  checkInvariants(): void {
    // Keys, then lookups: no entry array per partition per step. Messages only on failure.
    for (const key of this.#hosted.keys()) {
      const p = this.#hosted.get(key)!;
      if (p.removed) assert(false, `hosted map holds ${key} wrongly`);
      const checked = this.#keysChecked.get(p);
      if (checked === undefined || checked.key !== key || checked.of !== p.registration) {
        if (p.key !== key) assert(false, `hosted map holds ${key} wrongly`);
        this.#keysChecked.set(p, { key, of: p.registration });
      }
      const registration = this.ctx.image.partition(p.topic, p.partition);
      if (registration === undefined) assert(false, `${key} hosted but not in the image`);
      if (registration.topicId !== p.registration.topicId) {
        assert(false, `${key} hosts another topic id`);
      }
      p.checkInvariants();
    }
    this.produces.checkInvariants();
    this.fetches.checkInvariants();
    this.replication.checkInvariants();
  }

  /** The current time, for purgatories. */
  get now(): Millis {
    return this.ctx.now;
  }
}
