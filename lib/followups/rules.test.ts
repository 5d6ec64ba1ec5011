import { describe, expect, it } from "vitest";
import { isOverdue } from "./rules";

describe("follow-up due dates", () => {
  const now = new Date("2026-11-29T08:00:00Z");

  it("an open follow-up is overdue from the day after its due date; a closed one never is", () => {
    expect(isOverdue({ state: "OPEN", dueOn: "2026-11-29" }, now)).toBe(false);
    expect(isOverdue({ state: "OPEN", dueOn: "2026-11-28" }, now)).toBe(true);
    expect(isOverdue({ state: "DONE", dueOn: "2026-11-01" }, now)).toBe(false);
    expect(isOverdue({ state: "WONT_DO", dueOn: "2026-11-01" }, now)).toBe(false);
  });
});
