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
});
