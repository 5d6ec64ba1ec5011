import { describe, expect, it } from "vitest";
import { auditFilterSchema } from "./audit";

describe("the audit filter's free-text search", () => {
  it("refuses text without three letters or digits in a row, saying why", () => {
    for (const q of ["ab", "P1", "a-b", "---", "x_yz", "Müé"]) {
      const r = auditFilterSchema.safeParse({ q });
      expect(r.success, q).toBe(false);
      expect(r.error?.issues.map((i) => [i.path[0], i.message])).toEqual([["q", expect.stringMatching(/three letters or digits in a row/)]]);
    }
  });

  it("accepts text the index can narrow, and an empty field as no search", () => {
    for (const q of ["abc", "billing-api", "100%_", " P1 severity ", "9f3e"]) expect(auditFilterSchema.safeParse({ q }).success, q).toBe(true);
    expect(auditFilterSchema.parse({ q: "  " }).q).toBeUndefined();
    expect(auditFilterSchema.parse({ q: " billing-api " }).q).toBe("billing-api");
  });
});
