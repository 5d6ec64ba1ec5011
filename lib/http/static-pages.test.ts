import { mkdtempSync, mkdirSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { inlineScriptHashes, prerenderedPages, scriptHash } from "./static-pages";

describe("the hashes a prerendered page's policy allows", () => {
  it("is the SHA-256 of the script's text, as CSP writes it (the example in MDN's CSP reference)", () => {
    expect(scriptHash("alert('Hello, world.');")).toBe("'sha256-qznLcsROx4GACP2dm0UCKCzCG+HiZ1guq6ZZDob/Tng='");
  });

  it("covers every inline script, once each, whatever its attributes, and no script file", () => {
    const html = [
      "<html><head><script>alert('Hello, world.');</script>",
      '<script src="/_next/static/chunks/a.js" async=""></script>',
      '<SCRIPT id="_R_">self.x=1</SCRIPT>',
      "<script>alert('Hello, world.');</script></head>",
      '<body><script type="module"\nsrc = "/b.js"></script><script async>self.__next_f.push([1,"a"])</script></body></html>',
    ].join("");
    expect(inlineScriptHashes(html)).toEqual([scriptHash("alert('Hello, world.');"), scriptHash("self.x=1"), scriptHash('self.__next_f.push([1,"a"])')]);
  });

  it("differs for a script changed by one character, so an edited page's scripts no longer match", () => {
    expect(scriptHash("self.x=1")).not.toBe(scriptHash("self.x=2"));
    expect(scriptHash("self.x=1")).not.toBe(scriptHash("self.x=1 "));
  });
});

describe("the prerendered pages of a build", () => {
  it("are the routes of its prerender manifest whose HTML exists, with that HTML's hashes", () => {
    const dir = mkdtempSync(join(tmpdir(), "static-pages-"));
    mkdirSync(join(dir, "server", "app"), { recursive: true });
    writeFileSync(join(dir, "prerender-manifest.json"), JSON.stringify({ routes: { "/runbooks": {}, "/": {}, "/gone": {} } }));
    writeFileSync(join(dir, "server", "app", "runbooks.html"), "<script>a()</script>");
    writeFileSync(join(dir, "server", "app", "index.html"), "<script>b()</script>");
    const pages = prerenderedPages(dir);
    expect([...pages.keys()].sort()).toEqual(["/", "/runbooks"]);
    expect(pages.get("/runbooks")).toEqual([scriptHash("a()")]);
    expect(pages.get("/")).toEqual([scriptHash("b()")]);
  });

  it("are none without a build (next dev renders every page per request)", () => {
    expect(prerenderedPages(mkdtempSync(join(tmpdir(), "static-pages-"))).size).toBe(0);
  });
});
