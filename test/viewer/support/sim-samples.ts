// Sampling the simulator for comparison with the page: seeded sample times, the running brokers'
// own views at each (the world run forward in order), and what the page's panels show when it is
// seeked to those same times. The panels' rows are compared in replica-samples.ts / group-samples.ts.

import type { Page } from "playwright-core";
import { expect } from "vitest";
import type { BrokerView } from "../../../core/broker/broker-view.ts";
import type { NodeId } from "../../../core/ids.ts";
import type { ShownGroup, ShownReplica } from "../../../viewer/test-hook.ts";
import type { ViewerSession } from "./browser.ts";

/** Seeded sample times in [0, durationMs), sorted. */
export function sampleTimes(seed: number, durationMs: number, count: number): number[] {
  let x = seed;
  return Array.from({ length: count }, () => {
    x = (Math.imul(x, 1103515245) + 12345) >>> 0;
    return Math.round((x / 2 ** 32) * durationMs * 1000) / 1000;
  }).sort((a, b) => a - b);
}

export interface SampledRun {
  readonly world: { runUntil(t: number): unknown; view(id: NodeId): unknown };
  readonly brokers: readonly NodeId[];
}

/** Runs the world to each of `times` (sorted) and hands `take` the running brokers' views there. */
export function sampleViews<S>(
  run: SampledRun,
  times: readonly number[],
  take: (t: number, views: readonly BrokerView[]) => S,
): S[] {
  return times.map((t) => {
    run.world.runUntil(t);
    const views = run.brokers
      .map((id) => run.world.view(id) as BrokerView | undefined)
      .filter((v): v is BrokerView => v !== undefined);
    return take(t, views);
  });
}

/** Opens the page on `text` as a trace fixture, once it has loaded without an error. */
export async function openTrace(session: ViewerSession, name: string, text: string): Promise<Page> {
  const page = await session.open(`?trace=${session.fixture(name, text)}`);
  await page.evaluate(() => window.__runnelViewer.ready());
  expect(await page.evaluate(() => window.__runnelViewer.error())).toBeNull();
  return page;
}

interface Shown {
  /** The partitions panel's replicas, offline ones left out. */
  readonly replicas: ShownReplica;
  readonly groups: ShownGroup;
}

/** What one panel shows with the page seeked to each of `times` in turn. */
export async function shownAt<K extends keyof Shown>(
  page: Page,
  kind: K,
  times: readonly number[],
): Promise<Shown[K][][]> {
  const shown = await page.evaluate(
    async ({ kind, times }) => {
      const viewer = window.__runnelViewer;
      const out: (ShownReplica[] | ShownGroup[])[] = [];
      for (const t of times) {
        await viewer.seek(t);
        out.push(
          kind === "groups"
            ? viewer.shownGroups()
            : viewer.shownReplicas().filter((r) => !r.offline),
        );
      }
      return out;
    },
    { kind: kind as keyof Shown, times: [...times] },
  );
  return shown as Shown[K][][];
}
