import { describe, expect, it } from "vitest";
import { crossSiteRefusal, jsonContentTypeRefusal, ownHosts, parseJson, readCapped } from "./perimeter";

const headers = (h: Record<string, string>) => new Headers(h);
const own = ["portal.example", "127.0.0.1:3000"];

describe("crossSiteRefusal (CSRF)", () => {
  it.each([
    ["the portal's own origin", { origin: "https://portal.example" }],
    ["the portal's own origin on another scheme (TLS ends at the proxy)", { origin: "http://portal.example" }],
    ["a program that sends neither Origin nor Sec-Fetch-Site", {}],
    ["a same-origin fetch without Origin", { "sec-fetch-site": "same-origin" }],
    ["a typed-in navigation", { "sec-fetch-site": "none" }],
  ])("lets %s through", (_name, h) => {
    expect(crossSiteRefusal(headers(h), own)).toBeNull();
  });

  it.each([
    ["another site", { origin: "https://evil.example" }],
    ["a sibling subdomain", { origin: "https://evil.portal.example" }],
    ["the right host on another port", { origin: "http://127.0.0.1:4000" }],
    ["an opaque origin (sandboxed frame, data: URL)", { origin: "null" }],
    ["a malformed Origin", { origin: "::::" }],
    ["a cross-site request without Origin", { "sec-fetch-site": "cross-site" }],
    ["a same-site (sibling subdomain) request without Origin", { "sec-fetch-site": "same-site" }],
  ])("refuses %s with 403", (_name, h) => {
    expect(crossSiteRefusal(headers(h), own)).toMatchObject({ status: 403, code: "FORBIDDEN_ORIGIN" });
  });

  it("tells the caller which header gave the request away", () => {
    expect(crossSiteRefusal(headers({ origin: "https://evil.example" }), own)?.message).toBe(
      "This request did not come from the portal's own pages (Origin), so it was refused.",
    );
    expect(crossSiteRefusal(headers({ "sec-fetch-site": "cross-site" }), own)?.message).toBe(
      "This request did not come from the portal's own pages (Sec-Fetch-Site), so it was refused.",
    );
  });

  it("judges by Origin when both are sent", () => {
    expect(crossSiteRefusal(headers({ origin: "https://evil.example", "sec-fetch-site": "same-origin" }), own)).not.toBeNull();
  });
});

describe("ownHosts", () => {
  it("is the proxy's forwarded host, the Host header and PORTAL_URL's host", () => {
    expect(ownHosts(headers({ host: "10.0.0.5:3000", "x-forwarded-host": "portal.example, other" }), "https://ops.example/")).toEqual(["portal.example", "10.0.0.5:3000", "ops.example"]);
  });
  it("takes the first forwarded host without the space a proxy puts before its comma", () => {
    expect(ownHosts(headers({ "x-forwarded-host": "portal.example , proxy.internal" }), undefined)).toEqual(["portal.example"]);
  });
  it("ignores a malformed PORTAL_URL", () => {
    expect(ownHosts(headers({ host: "a:1" }), "not a url")).toEqual(["a:1"]);
  });
});

describe("jsonContentTypeRefusal", () => {
  it.each(["application/json", "application/json; charset=utf-8", "application/json ; charset=utf-8", "Application/JSON", "application/problem+json"])("accepts %s", (t) => {
    expect(jsonContentTypeRefusal(t)).toBeNull();
  });
  it.each([null, "", "text/plain", "application/x-www-form-urlencoded", "multipart/form-data; boundary=x", "application/jsonp", "text/json", "x-application/vnd.a+json", "application/geo+json-seq"])("refuses %s with 415", (t) => {
    expect(jsonContentTypeRefusal(t)).toEqual({ status: 415, code: "UNSUPPORTED_MEDIA_TYPE", message: "Send the body as JSON, with Content-Type: application/json." });
  });
});

const stream = (...chunks: string[]) =>
  new ReadableStream<Uint8Array>({
    start(c) {
      for (const chunk of chunks) c.enqueue(new TextEncoder().encode(chunk));
      c.close();
    },
  });

describe("readCapped", () => {
  it("reads a body within the limit", async () => {
    expect(await readCapped(stream('{"a":', "1}"), "7", 7)).toEqual({ text: '{"a":1}' });
  });

  it("reads a request without a body as empty text", async () => {
    expect(await readCapped(null, null, 1024)).toEqual({ text: "" });
    expect(await readCapped(null, "0", 1024)).toEqual({ text: "" });
  });

  it("refuses at once, without reading, when Content-Length is over the limit", async () => {
    let pulled = false;
    const body = new ReadableStream<Uint8Array>({ pull: () => void (pulled = true) }, { highWaterMark: 0 });
    expect(await readCapped(body, String(20 * 1024 * 1024), 1024)).toEqual({ status: 413, code: "TOO_LARGE", message: "The body is larger than this endpoint accepts (1 KiB)." });
    expect(pulled).toBe(false);
  });

  it("stops reading a body that says nothing of its length once it passes the limit", async () => {
    let cancelled = false;
    let sent = 0;
    const endless = new ReadableStream<Uint8Array>({
      pull(c) {
        sent++;
        c.enqueue(new Uint8Array(1000));
      },
      cancel: () => void (cancelled = true),
    });
    expect(await readCapped(endless, null, 4096)).toMatchObject({ status: 413 });
    expect(cancelled).toBe(true);
    expect(sent).toBeLessThan(10);
  });

  it("refuses a body longer than its Content-Length claims", async () => {
    expect(await readCapped(stream("x".repeat(50)), "10", 20)).toMatchObject({ status: 413 });
  });

  it("takes exactly the limit, and not a byte more", async () => {
    expect(await readCapped(stream("x".repeat(20)), null, 20)).toEqual({ text: "x".repeat(20) });
    expect(await readCapped(stream("x".repeat(21)), null, 20)).toMatchObject({ status: 413 });
  });

  it("counts bytes, not characters", async () => {
    expect(await readCapped(stream("é".repeat(11)), null, 20)).toMatchObject({ status: 413 });
  });
});

describe("parseJson", () => {
  it("parses JSON and answers 400 otherwise", () => {
    expect(parseJson('{"a":[1]}')).toEqual({ value: { a: [1] } });
    expect(parseJson("{a:1}")).toEqual({ status: 400, code: "INVALID", message: "The body must be JSON." });
  });
});
