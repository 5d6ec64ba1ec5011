import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { diffLines, withContext, type LineChange } from "./line-diff";

const show = (changes: LineChange[]) => changes.map((c) => `${c.kind === "same" ? " " : c.kind === "added" ? "+" : "-"}${c.text}`);
const beforeOf = (changes: LineChange[]) => changes.filter((c) => c.kind !== "added").map((c) => c.text);
const afterOf = (changes: LineChange[]) => changes.filter((c) => c.kind !== "removed").map((c) => c.text);

/** Length of the longest common subsequence, the slow and obvious way. */
function lcsLength(a: string[], b: string[]): number {
  if (a.length === 0 || b.length === 0) return 0;
  if (a[0] === b[0]) return 1 + lcsLength(a.slice(1), b.slice(1));
  return Math.max(lcsLength(a.slice(1), b), lcsLength(a, b.slice(1)));
}

describe("diffLines", () => {
  it("shows an edit in the middle of an RCA as the removed line, then the added one, between kept lines", () => {
    const v1 = "# RCA\n\n## Root cause\n\nUnknown.\n\n## Actions\n";
    const v2 = "# RCA\n\n## Root cause\n\nA bad deploy of the router.\nFound by bisecting.\n\n## Actions\n";
    expect(show(diffLines(v1, v2))).toEqual([" # RCA", " ", " ## Root cause", " ", "-Unknown.", "+A bad deploy of the router.", "+Found by bisecting.", " ", " ## Actions", " "]);
  });

  it("numbers the lines of each side", () => {
    expect(diffLines("a\nb\nc", "a\nx\nc\nd")).toEqual([
      { kind: "same", text: "a", before: 1, after: 1 },
      { kind: "removed", text: "b", before: 2 },
      { kind: "added", text: "x", after: 2 },
      { kind: "same", text: "c", before: 3, after: 3 },
      { kind: "added", text: "d", after: 4 },
    ]);
  });

  it("handles empty texts, identical texts, and Windows line ends", () => {
    expect(diffLines("", "")).toEqual([]);
    expect(show(diffLines("", "a\nb"))).toEqual(["+a", "+b"]);
    expect(show(diffLines("a\nb", ""))).toEqual(["-a", "-b"]);
    expect(show(diffLines("a\r\nb", "a\nb"))).toEqual([" a", " b"]);
    expect(diffLines("x\ny", "x\ny").every((c) => c.kind === "same")).toBe(true);
  });

  it("keeps a moved line as one removal and one addition, not a rewrite of everything between", () => {
    expect(show(diffLines("a\nb\nc\nd", "b\nc\nd\na"))).toEqual(["-a", " b", " c", " d", "+a"]);
  });

  it("shows too large a middle as removed then added, still correct", () => {
    expect(show(diffLines("h\na\nb\nt", "h\nb\na\nt", 1))).toEqual([" h", "-a", "-b", "+b", "+a", " t"]);
  });

  it("property: each side is rebuilt from the diff, and the kept lines are a longest common subsequence", () => {
    const text = fc.array(fc.constantFrom("a", "b", "c", ""), { maxLength: 9 }).map((l) => l.join("\n"));
    fc.assert(
      fc.property(text, text, (x, y) => {
        const d = diffLines(x, y);
        const split = (t: string) => (t === "" ? [] : t.split("\n"));
        expect(beforeOf(d)).toEqual(split(x));
        expect(afterOf(d)).toEqual(split(y));
        expect(d.filter((c) => c.kind === "same")).toHaveLength(lcsLength(split(x), split(y)));
        for (const c of d) {
          if (c.kind !== "added") expect(split(x)[c.before - 1]).toBe(c.text);
          if (c.kind !== "removed") expect(split(y)[c.after - 1]).toBe(c.text);
        }
        const fallback = diffLines(x, y, 0);
        expect(beforeOf(fallback)).toEqual(split(x));
        expect(afterOf(fallback)).toEqual(split(y));
      }),
      { numRuns: 1_000 },
    );
  });
});

describe("withContext", () => {
  it("keeps two lines either side of a change and counts the unchanged lines left out", () => {
    const v1 = Array.from({ length: 12 }, (_, i) => `line ${i + 1}`).join("\n");
    const v2 = v1.replace("line 6", "line six");
    const rows = withContext(diffLines(v1, v2));
    expect(rows.map((r) => (r.kind === "skipped" ? `… ${r.lines}` : `${r.kind === "same" ? " " : r.kind === "added" ? "+" : "-"}${r.text}`))).toEqual([
      "… 3",
      " line 4",
      " line 5",
      "-line 6",
      "+line six",
      " line 7",
      " line 8",
      "… 4",
    ]);
  });

  it("shows nothing but a skipped count when nothing changed, and every line when everything did", () => {
    expect(withContext(diffLines("a\nb\nc", "a\nb\nc"))).toEqual([{ kind: "skipped", lines: 3 }]);
    expect(withContext(diffLines("a", "b"))).toHaveLength(2);
    expect(withContext([])).toEqual([]);
  });
});
