import path from "node:path";
import { describe, expect, it } from "vitest";
import { DEFAULT_ANCHOR_FILE, anchorSettings, parseEnv } from "./env";

const APP = "postgresql://portal_app:pw@db.internal:5432/portal";
const OWNER = "postgresql://portal_owner:pw@db.internal:5432/portal";

describe("database roles in the environment", () => {
  it("takes an application role and an owner role", () => {
    expect(parseEnv({ DATABASE_URL: APP, DATABASE_OWNER_URL: OWNER })).toMatchObject({ DATABASE_URL: APP, DATABASE_OWNER_URL: OWNER });
  });

  it("refuses the same role for both, an owner without the application role, and URLs that are not PostgreSQL", () => {
    expect(() => parseEnv({ DATABASE_URL: APP, DATABASE_OWNER_URL: APP.replace("pw", "other") })).toThrow(/DATABASE_OWNER_URL: logs in as the same role as DATABASE_URL/);
    expect(() => parseEnv({ DATABASE_OWNER_URL: OWNER })).toThrow(/DATABASE_OWNER_URL: is set but DATABASE_URL is not/);
    expect(() => parseEnv({ DATABASE_URL: "mysql://a:b@h/db" })).toThrow(/DATABASE_URL: must start with postgresql:\/\//);
    expect(() => parseEnv({ DATABASE_URL: "postgresql://h/db" })).toThrow(/DATABASE_URL: must name the role/);
  });
});

describe("anchor settings", () => {
  it("default to .data/audit-anchors.jsonl and a 5 s webhook timeout", () => {
    expect(anchorSettings({})).toEqual({ AUDIT_ANCHOR_FILE: DEFAULT_ANCHOR_FILE, AUDIT_ANCHOR_WEBHOOK_URL: undefined, AUDIT_ANCHOR_WEBHOOK_TIMEOUT_MS: 5_000 });
    expect(DEFAULT_ANCHOR_FILE).toBe(path.resolve(".data", "audit-anchors.jsonl"));
  });

  it("refuse an anchor file inside the PostgreSQL data directory, a webhook that is not HTTP, and a bad timeout", () => {
    expect(() => anchorSettings({ AUDIT_ANCHOR_FILE: ".data/postgres/cluster/anchors.jsonl" })).toThrow(/AUDIT_ANCHOR_FILE: must be outside the PostgreSQL data directory/);
    expect(() => anchorSettings({ AUDIT_ANCHOR_WEBHOOK_URL: "file:///etc/passwd" })).toThrow(/AUDIT_ANCHOR_WEBHOOK_URL: must be an http/);
    expect(() => anchorSettings({ AUDIT_ANCHOR_WEBHOOK_TIMEOUT_MS: "0" })).toThrow(/AUDIT_ANCHOR_WEBHOOK_TIMEOUT_MS: must be a whole number/);
    expect(anchorSettings({ AUDIT_ANCHOR_FILE: "/var/lib/portal/anchors.jsonl", AUDIT_ANCHOR_WEBHOOK_URL: "https://anchor.example/heads" })).toMatchObject({ AUDIT_ANCHOR_FILE: "/var/lib/portal/anchors.jsonl", AUDIT_ANCHOR_WEBHOOK_URL: "https://anchor.example/heads" });
  });
});
