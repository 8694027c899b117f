// The zero-latency disk driver: runs a component's disk effects in issue order, feeds results back,
// including operations submitted from continuations, and collects the other effects.

import { describe, expect, it } from "vitest";
import type { DiskResult } from "../../core/disk.ts";
import { DiskIo } from "../../core/disk-io.ts";
import { Outbox } from "../../core/outbox.ts";
import { SimDisk } from "../../sim/disk.ts";
import { DiskDriver } from "../../sim/disk-driver.ts";
import { testRng } from "../support/test-rng.ts";

function setup() {
  const outbox = new Outbox();
  const io = new DiskIo(outbox);
  const disk = new SimDisk(testRng(1));
  return { outbox, io, disk, driver: new DiskDriver(disk, io, outbox) };
}

describe("DiskDriver", () => {
  it("runs operations in issue order, including ones submitted by continuations", () => {
    const { outbox, io, driver } = setup();
    const order: string[] = [];
    io.submit({ type: "append", path: "f", bytes: Uint8Array.of(1) }, () => {
      order.push("append");
      io.submit({ type: "read", path: "f", position: 0, length: 8 }, (r: DiskResult) => {
        order.push(`read ${r.ok && r.type === "read" ? r.bytes.length : -1}`);
        outbox.mark("read-done");
      });
    });
    io.submit({ type: "sync", path: "f" }, () => order.push("sync"));
    expect(driver.pending).toBe(2);
    expect(driver.run()).toBe(3);
    expect(order).toEqual(["append", "sync", "read 1"]);
    expect(driver.traces()).toEqual([{ type: "mark", name: "read-done" }]);
    expect(io.inFlight).toBe(0);
  });

  it("stops after maxOps and can drop what is still pending", () => {
    const { io, driver } = setup();
    for (let i = 0; i < 5; i++)
      io.submit({ type: "append", path: "f", bytes: Uint8Array.of(i) }, () => {});
    expect(driver.run(2)).toBe(2);
    expect(driver.pending).toBe(3);
    expect(driver.dropPending()).toBe(3);
    expect(driver.step()).toBe(false);
  });
});
