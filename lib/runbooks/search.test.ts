import path from "node:path";
import { describe, expect, it } from "vitest";
import { loadRunbookDir } from "./loader";
import { searchRunbooks, toEntry } from "./search";
import { layoutDependencyGraph } from "./graph";

const { runbooks } = loadRunbookDir(path.resolve("runbooks"));
const entries = runbooks.map((rb) => toEntry(rb));

describe("searchRunbooks on the real runbooks", () => {
  it('ranks RB-CORE-003 first for "429"', () => {
    expect(searchRunbooks(entries, { query: "429" })[0].id).toBe("RB-CORE-003");
  });

  it("finds by title, id and when-to-use, and needs every word", () => {
    expect(searchRunbooks(entries, { query: "rollback" })[0].id).toBe("RB-LAUNCH-002");
    expect(searchRunbooks(entries, { query: "rb-core-004" })[0].id).toBe("RB-CORE-004");
    expect(searchRunbooks(entries, { query: "api key leak" })[0].id).toBe("RB-CORE-005");
    expect(searchRunbooks(entries, { query: "429 zebra-unicorn" })).toEqual([]);
  });

  it("filters CRITICAL to exactly RB-CORE-005 and RB-LAUNCH-005", () => {
    expect(searchRunbooks(entries, { severity: "CRITICAL" }).map((e) => e.id).sort()).toEqual(["RB-CORE-005", "RB-LAUNCH-005"]);
  });

  it("filters by category and by the role that signs off", () => {
    expect(searchRunbooks(entries, { category: "launch" }).every((e) => e.id.startsWith("RB-LAUNCH"))).toBe(true);
    const infosec = searchRunbooks(entries, { role: "INFOSEC" }).map((e) => e.id);
    expect(infosec).toContain("RB-CORE-005");
    expect(searchRunbooks(entries, { role: "AUDITOR" })).toEqual([]);
  });

  it("without a query lists by severity, most severe first", () => {
    const order = { CRITICAL: 0, HIGH: 1, MEDIUM: 2, LOW: 3 };
    const sev = searchRunbooks(entries, {}).map((e) => order[e.severity]);
    expect(sev).toEqual([...sev].sort((a, b) => a - b));
    expect(sev).toHaveLength(10);
  });
});

describe("layoutDependencyGraph", () => {
  const layout = layoutDependencyGraph(runbooks);

  it("draws every runbook and the seed's nine dependency edges", () => {
    expect(layout.nodes).toHaveLength(10);
    expect(layout.edges.map((e) => `${e.from}>${e.to}`).sort()).toEqual(
      [
        "RB-CORE-001>RB-CORE-002",
        "RB-CORE-001>RB-CORE-003",
        "RB-CORE-001>RB-CORE-004",
        "RB-CORE-001>RB-CORE-005",
        "RB-LAUNCH-001>RB-CORE-001",
        "RB-LAUNCH-004>RB-LAUNCH-002",
        "RB-LAUNCH-005>RB-CORE-003",
        "RB-LAUNCH-005>RB-CORE-004",
        "RB-LAUNCH-005>RB-LAUNCH-002",
      ].sort(),
    );
  });

  it("points every edge to the right and keeps nodes from overlapping", () => {
    const pos = new Map(layout.nodes.map((n) => [n.id, n]));
    for (const e of layout.edges) expect(pos.get(e.to)!.layer).toBeGreaterThan(pos.get(e.from)!.layer);
    for (const a of layout.nodes)
      for (const b of layout.nodes)
        if (a !== b && a.layer === b.layer) expect(Math.abs(a.y - b.y)).toBeGreaterThanOrEqual(layout.nodeHeight);
  });
});
