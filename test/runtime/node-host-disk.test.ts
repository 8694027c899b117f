// The node host's disk path: with a disk that can answer later (run), a deferred answer comes
// back as a disk-done input after the step that issued it, immediate answers within the same drain,
// failures logged either way; without run, execute answers every operation at once.

import { describe, expect, it } from "vitest";
import type { DiskOp, DiskResult } from "../../core/disk.ts";
import { diskOpId, type Millis } from "../../core/ids.ts";
import type { Effect, Input, Node } from "../../core/node.ts";
import { Logger } from "../../runtime/logger.ts";
import { type DiskExecutor, NodeHost } from "../../runtime/node-host.ts";

const DONE: DiskResult = { ok: true, type: "done" };

/** On start, asks for a write and a sync; records every input it gets. */
class TwoOpNode implements Node {
  readonly inputs: string[] = [];
  step(_now: Millis, input: Input): readonly Effect[] {
    this.inputs.push(
      input.type === "disk-done"
        ? `done ${input.id} ${input.result.ok ? "ok" : "failed"}`
        : input.type,
    );
    if (input.type !== "start") return [];
    return [
      {
        type: "disk",
        id: diskOpId(1),
        op: { type: "write", path: "f", position: 0, bytes: new Uint8Array(1) },
      },
      { type: "disk", id: diskOpId(2), op: { type: "sync", path: "f" } },
    ];
  }
  nextWakeup(): Millis | undefined {
    return undefined;
  }
  view() {
    return {} as never;
  }
  checkInvariants(): void {}
}

function host(disk: DiskExecutor, node: Node, lines: string[]): NodeHost {
  const logger = new Logger({ level: "warn", json: false, write: (line) => lines.push(line) });
  return new NodeHost(node, {
    disk,
    connections: { respond: () => undefined, close: () => undefined },
    logger,
  });
}

describe("NodeHost disk operations", () => {
  it("delivers a deferred answer as its own input, after the issuing step", () => {
    let later: ((result: DiskResult) => void) | undefined;
    const disk: DiskExecutor = {
      execute: () => {
        throw new Error("execute must not be used when run exists");
      },
      run: (op: DiskOp, callback) => {
        if (op.type !== "sync") return DONE;
        later = callback;
        return undefined;
      },
    };
    const node = new TwoOpNode();
    const lines: string[] = [];
    const h = host(disk, node, lines);
    h.start();
    expect(node.inputs).toEqual(["start", "done 1 ok"]);
    later!({ ok: false, code: "EIO", message: "bad sector" });
    expect(node.inputs).toEqual(["start", "done 1 ok", "done 2 failed"]);
    expect(lines.join("\n")).toMatch(/disk operation failed.*EIO/);
    h.stop();
  });

  it("answers every operation at once through execute when the disk has no run", () => {
    const ops: string[] = [];
    const disk: DiskExecutor = {
      execute: (op) => {
        ops.push(op.type);
        return DONE;
      },
    };
    const node = new TwoOpNode();
    const h = host(disk, node, []);
    h.start();
    expect(ops).toEqual(["write", "sync"]);
    expect(node.inputs).toEqual(["start", "done 1 ok", "done 2 ok"]);
    h.stop();
  });
});
