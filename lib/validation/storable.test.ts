import { describe, expect, it } from "vitest";
import { storable } from "./storable";

describe("storable", () => {
  it("replaces NUL and unpaired surrogates in nested strings and keys, and keeps everything else", () => {
    const at = new Date(0);
    const out = storable({ a: "x\u0000y", "k\u0000": ["\ud83d", "ok 🚨", 3, null, true], nested: { b: "fine" }, at });
    expect(out).toEqual({ a: "x\uFFFDy", "k\uFFFD": ["\uFFFD", "ok 🚨", 3, null, true], nested: { b: "fine" }, at });
    expect(out.at).toBe(at);
  });

  it("returns clean strings unchanged", () => {
    expect(storable("Zoë — 東京")).toBe("Zoë — 東京");
  });

  it("drops an own __proto__ key instead of making it the copy's prototype (fields under it are not given)", () => {
    const out = storable(JSON.parse('{"note":"x","__proto__":{"runbookId":"RB-CORE-001"}}') as Record<string, unknown>);
    expect(Object.getPrototypeOf(out)).toBe(Object.prototype);
    expect(out.runbookId).toBeUndefined();
    expect(out).toEqual({ note: "x" });
  });

  it("copies input nested 100,000 levels deep without overflowing the stack", () => {
    const deep = JSON.parse(`{"a":${"[".repeat(100_000)}"\\u0000"${"]".repeat(100_000)}}`) as { a: unknown };
    let v: unknown = storable(deep).a;
    for (let i = 0; i < 100_000; i++) v = (v as unknown[])[0];
    expect(v).toBe("\uFFFD");
  });
});
