import { describe, expect, it } from "vitest";
import { slowestReport } from "./timings";

const t = (name: string, ms: number, timeoutMs: number) => ({ runner: "integration", file: "tests/integration/x.test.ts", name, ms, timeoutMs });

describe("the slowest-tests report at the end of npm test", () => {
  it("names every test over half its timeout, also those too quick to be among the slowest", () => {
    const lines = slowestReport([t("long but roomy", 40_000, 120_000), t("short and tight", 16_000, 30_000), t("fine", 1_000, 30_000)], 1);
    expect(lines.join("\n")).toContain("long but roomy");
    expect(lines.filter((l) => l.includes("short and tight") && l.includes("← over half its timeout"))).toHaveLength(1);
    expect(lines.join("\n")).toContain("1 test(s) over half their timeout");
    expect(lines.join("\n")).not.toContain("fine");
  });

  it("a test exactly at half is not flagged, and an empty run prints nothing", () => {
    expect(slowestReport([t("at half", 15_000, 30_000)], 10).join("\n")).not.toContain("over half");
    expect(slowestReport([], 10)).toEqual([]);
  });
});
