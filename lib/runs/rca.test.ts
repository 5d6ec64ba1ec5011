import { describe, expect, it } from "vitest";
import { RCA_DUE_MS, rcaDueAfter, rcaDueAt } from "./rca";

describe("which runs owe an RCA, and when (one rule for the run page, the start page and the dashboard)", () => {
  const ended = "2026-11-29T10:00:00.000Z";

  it("P1 and P2 runs (CRITICAL and HIGH runbooks) owe it 48 hours after they end", () => {
    expect(RCA_DUE_MS).toBe(48 * 3600_000);
    expect(rcaDueAfter("CRITICAL", ended)?.toISOString()).toBe("2026-12-01T10:00:00.000Z");
    expect(rcaDueAfter("HIGH", new Date(ended))?.toISOString()).toBe("2026-12-01T10:00:00.000Z");
    expect(rcaDueAt({ severity: "HIGH", endedAt: ended })?.toISOString()).toBe("2026-12-01T10:00:00.000Z");
  });

  it("MEDIUM and LOW runs owe none, and a run still going owes none yet", () => {
    expect(rcaDueAfter("MEDIUM", ended)).toBeNull();
    expect(rcaDueAfter("LOW", ended)).toBeNull();
    expect(rcaDueAfter("CRITICAL", null)).toBeNull();
    expect(rcaDueAt({ severity: "CRITICAL", endedAt: null })).toBeNull();
  });
});
