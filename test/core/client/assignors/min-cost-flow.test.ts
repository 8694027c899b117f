// The min-cost max-flow solver on graphs small enough to check by hand.

import { describe, expect, it } from "vitest";
import { MinCostFlow } from "../../../../core/client/assignors/min-cost-flow.ts";

describe("MinCostFlow", () => {
  it("prefers the cheap path and uses the dear one only for the extra unit", () => {
    // 0 -> 1 -> 3 costs 2, 0 -> 2 -> 3 costs 10; each path carries one unit; 0 -> 1 has room for 2.
    const graph = new MinCostFlow(4);
    graph.addEdge(0, 1, 2, 1);
    graph.addEdge(0, 2, 1, 5);
    const cheap = graph.addEdge(1, 3, 1, 1);
    graph.addEdge(2, 3, 1, 5);
    expect(graph.run(0, 3)).toEqual({ flow: 2, cost: 12 });
    expect(graph.flowOn(cheap)).toBe(1);
  });

  it("reroutes earlier flow through a residual edge when that is cheaper overall", () => {
    // Two jobs (1, 2), two workers (3, 4). Job 1 fits both (cost 0 / 1), job 2 only worker 3.
    const graph = new MinCostFlow(6);
    graph.addEdge(0, 1, 1, 0);
    graph.addEdge(0, 2, 1, 0);
    const job1Worker3 = graph.addEdge(1, 3, 1, 0);
    const job1Worker4 = graph.addEdge(1, 4, 1, 1);
    graph.addEdge(2, 3, 1, 0);
    graph.addEdge(3, 5, 1, 0);
    graph.addEdge(4, 5, 1, 0);
    expect(graph.run(0, 5)).toEqual({ flow: 2, cost: 1 });
    expect(graph.flowOn(job1Worker3)).toBe(0);
    expect(graph.flowOn(job1Worker4)).toBe(1);
  });

  it("stops at the maximum flow when the sink is cut off", () => {
    const graph = new MinCostFlow(3);
    graph.addEdge(0, 1, 5, 1);
    expect(graph.run(0, 2)).toEqual({ flow: 0, cost: 0 });
  });

  it("rejects negative costs (potentials start at zero)", () => {
    expect(() => new MinCostFlow(2).addEdge(0, 1, 1, -1)).toThrow(/cost/);
  });
});
