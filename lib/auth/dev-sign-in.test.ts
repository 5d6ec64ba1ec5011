import { describe, expect, it } from "vitest";
import { parseEnv } from "../env";
import { devSignIn, launchDevSignIn } from "./dev-sign-in";

const embeddedUrl = "postgresql://postgres:postgres@127.0.0.1:54329/portal";
const mode = (vars: Record<string, string>) => devSignIn(parseEnv(vars));

describe("passwordless sign-in in the portal process", () => {
  it("is off unless asked for", () => {
    expect(mode({})).toEqual({ enabled: false, forced: false });
    expect(mode({ PORTAL_DEV_SIGN_IN: "false", DATABASE_URL: embeddedUrl, PORTAL_EMBEDDED_DATABASE: embeddedUrl })).toEqual({ enabled: false, forced: false });
  });

  it("is on with PORTAL_DEV_SIGN_IN=true on the embedded database that npm start opened", () => {
    expect(mode({ PORTAL_DEV_SIGN_IN: "true", DATABASE_URL: embeddedUrl, PORTAL_EMBEDDED_DATABASE: embeddedUrl })).toEqual({ enabled: true, forced: false });
  });

  it("refuses PORTAL_DEV_SIGN_IN=true on any other database, saying how to turn it off or force it", () => {
    expect(() => mode({ PORTAL_DEV_SIGN_IN: "true", DATABASE_URL: "postgresql://portal@db.internal:5432/portal" })).toThrow(/PORTAL_DEV_SIGN_IN=true is refused.*PORTAL_DEV_SIGN_IN=force/s);
    // The marker names another database than the one in use.
    expect(() => mode({ PORTAL_DEV_SIGN_IN: "true", DATABASE_URL: "postgresql://portal@db.internal:5432/portal", PORTAL_EMBEDDED_DATABASE: embeddedUrl })).toThrow(/refused/);
    // A marker that names a database on another machine is no embedded database.
    const remote = "postgresql://portal@db.internal:5432/portal";
    expect(() => mode({ PORTAL_DEV_SIGN_IN: "true", DATABASE_URL: remote, PORTAL_EMBEDDED_DATABASE: remote })).toThrow(/refused/);
  });

  it("is on, and announced, when forced", () => {
    expect(mode({ PORTAL_DEV_SIGN_IN: "force", DATABASE_URL: "postgresql://portal@db.internal:5432/portal" })).toEqual({ enabled: true, forced: true });
  });

  it("refuses a value it does not know", () => {
    expect(() => parseEnv({ PORTAL_DEV_SIGN_IN: "yes" })).toThrow("PORTAL_DEV_SIGN_IN");
  });
});

describe("passwordless sign-in as npm start decides it", () => {
  it("is on by default on the embedded database, off by default on DATABASE_URL", () => {
    expect(launchDevSignIn({ embedded: true, requested: undefined })).toEqual({ value: "true" });
    expect(launchDevSignIn({ embedded: false, requested: undefined })).toEqual({ value: "false" });
  });

  it("refuses to start with PORTAL_DEV_SIGN_IN=true on DATABASE_URL", () => {
    expect(launchDevSignIn({ embedded: false, requested: "true" })).toMatchObject({ refused: expect.stringContaining("PORTAL_DEV_SIGN_IN=force") });
  });

  it("passes force and false through", () => {
    expect(launchDevSignIn({ embedded: false, requested: "force" })).toEqual({ value: "force" });
    expect(launchDevSignIn({ embedded: true, requested: "false" })).toEqual({ value: "false" });
  });
});
