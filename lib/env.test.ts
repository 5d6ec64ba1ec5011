import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { DEFAULT_ANCHOR_FILE, DEFAULT_RELAY_INTERVAL_MS, LAUNCHER_VARIABLES, VALIDATED_VARIABLES, anchorSettings, loopsToStart, parseEnv } from "./env";

const APP = "postgresql://portal_app:pw@db.internal:5432/portal";
const OWNER = "postgresql://portal_owner:pw@db.internal:5432/portal";
/** LAUNCHER_VARIABLES as a plain list: read by the launcher, Next.js, Auth.js or the simulator, not validated here. */
const LAUNCHER: readonly string[] = LAUNCHER_VARIABLES;

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

describe("background loops", () => {
  const base = { DATABASE_URL: APP, AUDIT_HMAC_KEY: "k".repeat(32), CONTROL_PLANE_URL: "http://127.0.0.1:4010" };

  it("start all three by default, and none without a database", () => {
    expect(loopsToStart(parseEnv(base))).toEqual({ jobs: true, headSigner: true, relay: true });
    expect(loopsToStart(parseEnv({ ...base, DATABASE_URL: undefined }))).toEqual({ jobs: false, headSigner: false, relay: false });
  });

  it("turn off one at a time: PORTAL_JOBS=off leaves the relay and the head signer running", () => {
    expect(loopsToStart(parseEnv({ ...base, PORTAL_JOBS: "off" }))).toEqual({ jobs: false, headSigner: true, relay: true });
    expect(loopsToStart(parseEnv({ ...base, PORTAL_RELAY: "off" }))).toEqual({ jobs: true, headSigner: true, relay: false });
    expect(loopsToStart(parseEnv({ ...base, PORTAL_AUDIT_HEADS: "off" }))).toEqual({ jobs: true, headSigner: false, relay: true });
    expect(loopsToStart(parseEnv({ ...base, CONTROL_PLANE_URL: "" }))).toMatchObject({ relay: false });
  });

  it("refuse a switch that is neither on nor off, and an interval that is not a whole number", () => {
    expect(() => parseEnv({ PORTAL_JOBS: "false" })).toThrow(/PORTAL_JOBS: must be "on" or "off"/);
    expect(() => parseEnv({ PORTAL_RELAY_INTERVAL_MS: "fast" })).toThrow(/PORTAL_RELAY_INTERVAL_MS: must be a whole number/);
  });
});

describe("the README's configuration table", () => {
  const readme = readFileSync(path.join(__dirname, "..", "README.md"), "utf8");
  const table = readme.slice(readme.indexOf("## Configuration"), readme.indexOf("\n## ", readme.indexOf("## Configuration") + 1));
  const rows = table.split("\n").filter((l) => l.startsWith("| `"));
  const documented = new Set(rows.flatMap((r) => [...r.split("|")[1].matchAll(/`([A-Z][A-Z0-9_]+)`/g)].map((m) => m[1])));

  it("documents every variable the portal validates, and validates every variable it documents", () => {
    expect(VALIDATED_VARIABLES.filter((v) => !documented.has(v) && v !== "PORTAL_EMBEDDED_DATABASE")).toEqual([]);
    expect([...documented].filter((v) => !VALIDATED_VARIABLES.includes(v) && !LAUNCHER.includes(v))).toEqual([]);
  });

  it("states the defaults the code uses", () => {
    const row = rows.find((r) => r.includes("`PORTAL_RELAY_INTERVAL_MS`"));
    expect(row).toContain(`\`${DEFAULT_RELAY_INTERVAL_MS}\``);
    for (const [name, value] of Object.entries(parseEnv({}))) {
      if (typeof value !== "number") continue;
      const r = rows.find((l) => l.split("|")[1].includes(`\`${name}\``));
      expect(r, name).toBeDefined();
      expect(r!.split("|")[2], name).toMatch(new RegExp(`\\b${value}\\b`));
    }
  });
});

describe("where the portal reads the environment", () => {
  /** Set by Node and Next.js, inlined at build time, or a test's override; none of them is the operator's to set. */
  const NOT_CONFIGURATION: Record<string, string> = {
    NODE_ENV: "Node and Next.js",
    NEXT_RUNTIME: "Next.js",
    NEXT_DIST_DIR: "Next.js",
    PORTAL_BUILD_MIGRATIONS: "inlined by next.config.js at build time",
    PORTAL_MIGRATIONS_DIR: "tests that run the code unbuilt",
  };
  const root = path.join(__dirname, "..");
  const sources = ["lib", "app", "components", "simulator"]
    .flatMap((dir) => readdirSync(path.join(root, dir), { recursive: true, encoding: "utf8" }).map((f) => path.join(dir, f)))
    .filter((f) => /\.tsx?$/.test(f) && !/\.test\.tsx?$/.test(f) && !f.startsWith(path.join("lib", "generated")))
    .concat(["instrumentation.ts", "proxy.ts", "auth.ts", "auth.config.ts"]);

  it("validates every variable the code reads (a new one read elsewhere, unchecked, fails here)", () => {
    const read = new Map<string, string>();
    for (const file of sources) {
      for (const m of readFileSync(path.join(root, file), "utf8").matchAll(/process\.env(?:\.([A-Z_][A-Z0-9_]*)|\[["']([A-Z_][A-Z0-9_]*)["']\])/g)) read.set(m[1] ?? m[2], file);
    }
    expect(read.size).toBeGreaterThan(10);
    const unchecked = [...read].filter(([name]) => !VALIDATED_VARIABLES.includes(name) && !LAUNCHER.includes(name) && !(name in NOT_CONFIGURATION));
    expect(unchecked.map(([name, file]) => `${name} (${file})`)).toEqual([]);
  });
});
