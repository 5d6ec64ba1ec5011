import { describe, expect, it } from "vitest";
import { orderIncidents } from "./severity";

describe("open incidents on the start page", () => {
  it("come most severe first, then newest first", () => {
    const list = orderIncidents([
      { id: "p2-old", severity: "P2", detectedAt: "2026-11-29T01:00:00.000Z" },
      { id: "p3-new", severity: "P3", detectedAt: "2026-11-29T05:00:00.000Z" },
      { id: "p1-old", severity: "P1", detectedAt: "2026-11-29T00:00:00.000Z" },
      { id: "p2-new", severity: "P2", detectedAt: "2026-11-29T04:00:00.000Z" },
      { id: "p1-new", severity: "P1", detectedAt: "2026-11-29T03:00:00.000Z" },
    ]);
    expect(list.map((i) => i.id)).toEqual(["p1-new", "p1-old", "p2-new", "p2-old", "p3-new"]);
  });
});
