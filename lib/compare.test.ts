import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { byCodePoint, groupThousands } from "./compare";

describe("byCodePoint", () => {
  it("orders as the default sort does, with ties at zero", () => {
    fc.assert(
      fc.property(fc.array(fc.string()), (xs) => {
        expect([...xs].sort(byCodePoint)).toEqual([...xs].sort());
      }),
    );
    // Sorting looks only at "less than": a comparator must also answer the other way round.
    fc.assert(
      fc.property(fc.string(), fc.string(), (a, b) => {
        expect(Math.sign(byCodePoint(a, b))).toBe(a === b ? 0 : -Math.sign(byCodePoint(b, a)));
      }),
    );
    expect(byCodePoint("RB-CORE-002", "RB-CORE-002")).toBe(0);
  });

  it("orders ISO timestamps by time and ids by their digits", () => {
    expect(["2026-11-30T10:00:00Z", "2026-02-01T00:00:00Z", "2026-11-30T09:59:59Z"].sort(byCodePoint)).toEqual(["2026-02-01T00:00:00Z", "2026-11-30T09:59:59Z", "2026-11-30T10:00:00Z"]);
    expect(["RB-LAUNCH-010", "RB-CORE-004", "RB-LAUNCH-002"].sort(byCodePoint)).toEqual(["RB-CORE-004", "RB-LAUNCH-002", "RB-LAUNCH-010"]);
  });
});

describe("groupThousands", () => {
  it("writes what en-US grouping writes, for integers and decimals of either sign", () => {
    const amount = fc.oneof(fc.integer({ min: -1e12, max: 1e12 }), fc.double({ min: -1e9, max: 1e9, noNaN: true }).map((d) => Math.round(d * 100) / 100));
    fc.assert(
      fc.property(amount.filter((n) => !Object.is(n, -0)), (n) => {
        expect(groupThousands(n)).toBe(n.toLocaleString("en-US", { maximumFractionDigits: 20 }));
      }),
    );
    expect(groupThousands(1234567)).toBe("1,234,567");
    expect(groupThousands(999)).toBe("999");
    expect(groupThousands(-1000)).toBe("-1,000");
  });
});
