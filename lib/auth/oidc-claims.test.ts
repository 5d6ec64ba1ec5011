import { describe, expect, it } from "vitest";
import { mergeOidcClaims } from "./oidc-claims";

const jwt = (payload: Record<string, unknown>) => ["eyJhbGciOiJSUzI1NiJ9", Buffer.from(JSON.stringify(payload)).toString("base64url"), "sig"].join(".");

describe("OIDC claims", () => {
  const idToken = jwt({ iss: "https://idp.example", sub: "u-1", aud: "portal", nonce: "n", name: "From ID token", groups: ["from-id-token"] });

  it("come from the ID token and from userinfo, userinfo winning for profile claims", () => {
    expect(mergeOidcClaims(idToken, { sub: "u-1", email: "a@corp.example", email_verified: true, name: "From userinfo" })).toMatchObject({
      iss: "https://idp.example",
      sub: "u-1",
      email: "a@corp.example",
      email_verified: true,
      name: "From userinfo",
      groups: ["from-id-token"],
    });
  });

  it("keep issuer and subject from the ID token", () => {
    expect(mergeOidcClaims(idToken, { iss: "https://evil.example", sub: "u-1" })).toMatchObject({ iss: "https://idp.example", sub: "u-1" });
  });

  it("refuse a userinfo answer about someone else", () => {
    expect(() => mergeOidcClaims(idToken, { sub: "u-2" })).toThrow(/subject/);
  });

  it("need an ID token", () => {
    expect(() => mergeOidcClaims(undefined, { sub: "u-1" })).toThrow(/ID token/);
  });
});
