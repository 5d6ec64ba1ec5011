import { describe, expect, it } from "vitest";
import { addPersonSchema } from "./access";

const person = (name: unknown) => addPersonSchema.safeParse({ email: "kai.berg@ops.example", name, roles: "SRE" });
const nameErrors = (name: unknown) => {
  const r = person(name);
  return r.success ? [] : r.error.issues.filter((i) => i.path[0] === "name").map((i) => i.message);
};

describe("a person's name (access administration)", () => {
  it("takes names in any script, trimmed", () => {
    for (const name of ["Kai Berg", "Zoë O'Neil", "東京 太郎", "Ана Петрова", "R2", "  Kai  "]) expect(person(name).success, name).toBe(true);
    expect(person("  Kai  ").data?.name).toBe("Kai");
  });

  it("refuses a name with no letter or digit in it: blank, NUL, invisible or punctuation only", () => {
    for (const name of ["", "   ", "\u0000", " \u0000 ", "\u200b\u200b", "\uFEFF", "---"]) {
      expect(nameErrors(name), JSON.stringify(name)).toEqual([expect.stringMatching(/^Give the person's name/)]);
    }
  });
});
