import { describe, expect, it } from "vitest";
import { controlPlaneConfig, maxRetryAfterMs } from "./config";

describe("control-plane configuration", () => {
  it("reads CONTROL_PLANE_URL, an optional token and timeout", () => {
    expect(controlPlaneConfig({ CONTROL_PLANE_URL: "https://cp.internal.example/" })).toEqual({ url: "https://cp.internal.example", token: undefined, timeoutMs: 5_000 });
    expect(controlPlaneConfig({ CONTROL_PLANE_URL: "http://127.0.0.1:4010", CONTROL_PLANE_TOKEN: "t", CONTROL_PLANE_TIMEOUT_MS: "2500" })).toEqual({
      url: "http://127.0.0.1:4010",
      token: "t",
      timeoutMs: 2_500,
    });
  });

  it("says what to set when the URL is missing or wrong", () => {
    expect(() => controlPlaneConfig({})).toThrow(/CONTROL_PLANE_URL is not set/);
    expect(() => controlPlaneConfig({ CONTROL_PLANE_URL: " " })).toThrow(/CONTROL_PLANE_URL is not set/);
    expect(() => controlPlaneConfig({ CONTROL_PLANE_URL: "cp:4010" })).toThrow(/CONTROL_PLANE_URL must be an http\(s\) URL/);
    expect(() => controlPlaneConfig({ CONTROL_PLANE_URL: "http://x", CONTROL_PLANE_TIMEOUT_MS: "fast" })).toThrow(/CONTROL_PLANE_TIMEOUT_MS/);
  });

  it("caps the Retry-After the relay obeys at 5 minutes unless CONTROL_PLANE_MAX_RETRY_AFTER_SECONDS says otherwise", () => {
    expect(maxRetryAfterMs({})).toBe(300_000);
    expect(maxRetryAfterMs({ CONTROL_PLANE_MAX_RETRY_AFTER_SECONDS: "" })).toBe(300_000);
    expect(maxRetryAfterMs({ CONTROL_PLANE_MAX_RETRY_AFTER_SECONDS: "60" })).toBe(60_000);
    expect(() => maxRetryAfterMs({ CONTROL_PLANE_MAX_RETRY_AFTER_SECONDS: "0" })).toThrow(/CONTROL_PLANE_MAX_RETRY_AFTER_SECONDS/);
    expect(() => maxRetryAfterMs({ CONTROL_PLANE_MAX_RETRY_AFTER_SECONDS: "a year" })).toThrow(/CONTROL_PLANE_MAX_RETRY_AFTER_SECONDS/);
  });
});
