/**
 * A second portal for the single sign-on and operations tests: `next start` on the production build that `npm test` made, on a
 * port of its own, with its own database (seeded) and its own settings (OIDC on, passwordless sign-in off). The main
 * portal of the browser tests keeps its settings.
 */
import { spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { createRequire } from "node:module";
import { createDb } from "../../lib/db";
import { seedDatabase } from "../../prisma/seed-db";
import { assertLocal, createTestDatabase, uniqueDatabaseName } from "../../tests/support/test-postgres";

export type TestPortal = {
  url: string;
  databaseUrl: string;
  logs: () => string;
  stop: () => Promise<void>;
  /** Sends a signal to the portal's process (the graceful-stop tests). */
  kill: (signal: NodeJS.Signals) => void;
  /** Resolves when the process has exited: its code or signal, and when. */
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null; at: number }>;
};

export async function startPortal(port: number, env: Record<string, string>, name = "sso"): Promise<TestPortal> {
  const adminUrl = process.env.PORTAL_TEST_PG_URL;
  if (!adminUrl) throw new Error("PORTAL_TEST_PG_URL is not set: run the browser tests through `npm test` or `npm run test:e2e`.");
  assertLocal(adminUrl);
  const databaseUrl = await createTestDatabase(adminUrl, uniqueDatabaseName(name));
  const client = createDb(databaseUrl);
  await seedDatabase(client);
  await client.$disconnect();

  const url = `http://127.0.0.1:${port}`;
  const nextBin = createRequire(import.meta.url).resolve("next/dist/bin/next");
  const child = spawn(process.execPath, [nextBin, "start", "-p", String(port), "-H", "127.0.0.1"], {
    stdio: ["ignore", "pipe", "pipe"],
    env: {
      ...process.env,
      DATABASE_URL: databaseUrl,
      AUTH_SECRET: randomBytes(32).toString("base64url"),
      AUTH_TRUST_HOST: "true",
      PORTAL_DEV_SIGN_IN: "false",
      PORTAL_JOBS: "off",
      PORTAL_RELAY: "off",
      PORTAL_AUDIT_HEADS: "off",
      AUDIT_ANCHOR_FILE: path.join(mkdtempSync(path.join(tmpdir(), "portal-sso-anchor-")), "audit-anchors.jsonl"),
      NEXT_TELEMETRY_DISABLED: "1",
      LOG_LEVEL: "info",
      ...env,
    },
  });
  let output = "";
  child.stdout.on("data", (d: Buffer) => (output += d.toString()));
  child.stderr.on("data", (d: Buffer) => (output += d.toString()));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null; at: number }>((resolve) => child.once("exit", (code, signal) => resolve({ code, signal, at: Date.now() })));

  const deadline = Date.now() + 30_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`The portal exited (${child.exitCode}):\n${output}`);
    const ok = await fetch(`${url}/api/health`).then((r) => r.ok, () => false);
    if (ok) break;
    if (Date.now() > deadline) throw new Error(`The portal did not start within 30 s:\n${output}`);
    await new Promise((r) => setTimeout(r, 200));
  }
  return {
    url,
    databaseUrl,
    logs: () => output,
    stop: async () => {
      if (child.exitCode === null && child.signalCode === null) child.kill("SIGTERM");
      await exited;
    },
    kill: (signal) => child.kill(signal),
    exited,
  };
}
