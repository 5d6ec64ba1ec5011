import { describe, expect, it } from "vitest";
import { safeRedirectPath } from "./safe-redirect";

describe("safeRedirectPath", () => {
  it.each([
    ["/", "/"],
    ["/runs/1b9d6bcd-bbfd-4b2d-9b5d-ab8dfbbd4bed", "/runs/1b9d6bcd-bbfd-4b2d-9b5d-ab8dfbbd4bed"],
    ["/audit?action=run.&actor=a%40b.example#top", "/audit?action=run.&actor=a%40b.example#top"],
    ["/onboarding/new?from=%2F%2Fevil.example", "/onboarding/new?from=%2F%2Fevil.example"],
    ["/audit?q=https://grafana.example/d//", "/audit?q=https://grafana.example/d//"],
    ["/runbooks//", "/runbooks//"],
  ])("follows the same-origin path %j", (input, expected) => {
    expect(safeRedirectPath(input)).toBe(expected);
  });

  it.each([
    "//evil.example",
    "///evil.example",
    "/\\evil.example",
    "/\\/evil.example",
    "\\\\evil.example",
    "/%5Cevil.example",
    "/%5cevil.example",
    "/%2F/evil.example",
    "/%2f%2fevil.example",
    "/%09/evil.example",
    "/\t/evil.example",
    "/\n/evil.example",
    "/\r/evil.example",
    "/\u0000/evil.example",
    "/\u007f",
    " /runs",
    "/runs\\..\\..\\evil",
    "/%",
    "/runs/%E0%A4%A",
    "/%C0%AF/evil.example",
    "https://evil.example",
    "https:evil.example",
    "http://localhost/runs",
    "javascript:alert(1)",
    "JaVaScRiPt:alert(1)",
    "data:text/html,<script>alert(1)</script>",
    "evil.example",
    "runs/1",
    "?x=1",
    "#x",
    "",
    null,
    undefined,
  ])("falls back to / for %j", (input) => {
    expect(safeRedirectPath(input)).toBe("/");
  });
});
