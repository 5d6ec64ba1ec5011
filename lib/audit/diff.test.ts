import { describe, expect, it } from "vitest";
import { beforeAfter, diffStates } from "./diff";

describe("diffStates", () => {
  it("lists every key with what happened to it, walking nested objects", () => {
    const rows = diffStates({ status: "OPEN", commander: null, limits: { usd: 5, calls: 10 }, tags: ["a"] }, { status: "MITIGATED", limits: { usd: 7, calls: 10 }, tags: ["a"], note: "x" });
    expect(rows).toEqual([
      { path: "commander", before: null, after: undefined, change: "removed" },
      { path: "limits.calls", before: 10, after: 10, change: "same" },
      { path: "limits.usd", before: 5, after: 7, change: "changed" },
      { path: "note", before: undefined, after: "x", change: "added" },
      { path: "status", before: "OPEN", after: "MITIGATED", change: "changed" },
      { path: "tags", before: ["a"], after: ["a"], change: "same" },
    ]);
  });

  it("compares arrays and key order as values, not text", () => {
    expect(diffStates({ a: { x: 1, y: 2 } }, { a: { y: 2, x: 1 } }).every((r) => r.change === "same")).toBe(true);
    expect(diffStates({ a: [1, 2] }, { a: [2, 1] })[0].change).toBe("changed");
  });
});

describe("beforeAfter", () => {
  it("finds before/after objects in details, with a missing side as empty", () => {
    expect(beforeAfter({ before: { status: "OPEN" }, after: { status: "RESOLVED" }, note: null })).toEqual({ before: { status: "OPEN" }, after: { status: "RESOLVED" } });
    expect(beforeAfter({ before: null, after: { seq: "4" } })).toEqual({ before: {}, after: { seq: "4" } });
    expect(beforeAfter({ before: "x", after: "y" })).toBeNull();
    expect(beforeAfter({ runbookId: "RB-CORE-001" })).toBeNull();
  });
});
