import { describe, expect, it } from "vitest";
import { browserOrigin } from "./request-origin";

const h = (o: Record<string, string>) => new Headers(o);

describe("the origin a browser used", () => {
  it("is the Host header's, with the request's scheme, when Next.js reports another host", () => {
    expect(browserOrigin(h({ host: "127.0.0.1:3123" }), "http://localhost:3123/api/auth/callback/oidc")).toBe("http://127.0.0.1:3123");
  });

  it("is what a proxy in front says (X-Forwarded-Host, X-Forwarded-Proto), first value only", () => {
    expect(browserOrigin(h({ host: "10.0.0.5:3000", "x-forwarded-host": "portal.corp.example, other", "x-forwarded-proto": "https" }), "http://localhost:3000/x")).toBe("https://portal.corp.example");
  });

  it("is the request's own when there is no Host header or it is not a host", () => {
    expect(browserOrigin(h({}), "http://localhost:3000/x")).toBe("http://localhost:3000");
    expect(browserOrigin(h({ host: "evil.example/path?" }), "http://localhost:3000/x")).toBe("http://localhost:3000");
  });
});
