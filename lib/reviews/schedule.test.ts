import { describe, expect, it } from "vitest";
import { addCadence, reviewStatus } from "./schedule";

describe("addCadence", () => {
  it.each([
    ["2026-01-15", "monthly", "2026-02-15"],
    ["2026-01-31", "monthly", "2026-02-28"],
    ["2028-01-31", "monthly", "2028-02-29"],
    ["2026-11-30", "quarterly", "2027-02-28"],
    ["2026-10-15", "quarterly", "2027-01-15"],
    ["2026-12-31", "monthly", "2027-01-31"],
    ["2028-02-29", "annually", "2029-02-28"],
    ["2025-11-12", "annually", "2026-11-12"],
  ] as const)("%s + %s = %s", (from, cadence, expected) => {
    expect(addCadence(from, cadence)).toBe(expected);
  });
});

describe("reviewStatus", () => {
  const now = new Date("2026-11-29T10:00:00Z");

  it("counts from the validation date until a review is recorded, and is overdue after the next date", () => {
    const s = reviewStatus({ cadence: "quarterly", lastReviewedAt: null, validatedOn: "2025-11-12" }, now);
    expect(s).toMatchObject({ last: null, since: "2025-11-12", next: "2026-02-12", overdue: true });
    expect(s.daysOverdue).toBe(290);
  });

  it("counts from the last review once there is one, which moves the date", () => {
    const s = reviewStatus({ cadence: "quarterly", lastReviewedAt: new Date("2026-11-29T09:00:00Z"), validatedOn: "2025-11-12" }, now);
    expect(s).toMatchObject({ last: "2026-11-29", next: "2027-02-28", overdue: false, daysOverdue: 0 });
  });

  it("is due, not overdue, on the next date itself, and overdue the day after", () => {
    const input = { cadence: "monthly" as const, lastReviewedAt: "2026-10-29T12:00:00Z", validatedOn: "2025-01-01" };
    expect(reviewStatus(input, new Date("2026-11-29T23:59:59Z")).overdue).toBe(false);
    expect(reviewStatus(input, new Date("2026-11-30T00:00:00Z"))).toMatchObject({ overdue: true, daysOverdue: 1 });
  });
});
