/**
 * `npm start`: the portal on its embedded defaults. Builds if the sources changed, starts a private PostgreSQL in
 * .data/ (unless DATABASE_URL is set), migrates, seeds on first run and serves http://localhost:3000 (PORT), on
 * loopback only unless HOSTNAME says otherwise. Passwordless sign-in is on for the embedded database only
 * (PORTAL_DEV_SIGN_IN=force overrides that, with a banner on every page).
 * Ctrl-C stops the portal and the database cleanly; the data stays in .data/.
 * `npm run dev` does the same with `next dev`.
 */
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { existsSync, readdirSync, statSync } from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";
import { launchDevSignIn } from "../lib/auth/dev-sign-in";
import { createDb } from "../lib/db";
import { seedDatabase } from "../prisma/seed-db";
import { startSimulator } from "../simulator/server";
import { DATA_DIR, mayMigrate, migrateDatabase, openDatabase } from "./lib/database";
import { portInUse } from "./lib/ports";
import { localSecret } from "./lib/secrets";

const ROOT = path.resolve(import.meta.dirname, "..");
const dev = process.argv.includes("--dev");
const port = Number(process.env.PORT ?? 3000);
const say = (msg: string) => console.log(`[portal] ${msg}`);

if (!Number.isInteger(port) || port <= 0 || port > 65535) {
  console.error(`[portal] PORT must be a port number, got "${process.env.PORT}".`);
  process.exit(1);
}
if (await portInUse(port)) {
  console.error(`[portal] Port ${port} is busy (another program is listening on it).`);
  console.error(`[portal] Start the portal on another port, e.g.:  PORT=${port + 1} npm start`);
  process.exit(1);
}

const embedded = !process.env.DATABASE_URL;
// Passwordless sign-in is a laptop feature: on by default on the embedded database, refused on any other unless forced.
const devSignIn = launchDevSignIn({ embedded, requested: process.env.PORTAL_DEV_SIGN_IN });
if ("refused" in devSignIn) {
  console.error(`[portal] ${devSignIn.refused}`);
  process.exit(1);
}
// The embedded default listens on loopback only (anyone who reaches it could sign in as anyone); HOSTNAME overrides.
const host = process.env.HOSTNAME?.trim() || (embedded ? "127.0.0.1" : undefined);
const loopback = host !== undefined && ["127.0.0.1", "localhost", "::1"].includes(host);
if (devSignIn.value !== "false" && !loopback) {
  console.warn(`[portal] WARNING: passwordless sign-in is on and the portal listens on ${host ?? "every interface"}: anyone who can reach it can sign in as any person.`);
}

const SOURCES = ["app", "components", "lib", "runbooks", "public", "auth.ts", "auth.config.ts", "proxy.ts", "instrumentation.ts", "next.config.js", "package-lock.json", "postcss.config.mjs"];
function newestMtime(p: string): number {
  if (!existsSync(p)) return 0;
  const s = statSync(p);
  if (!s.isDirectory()) return s.mtimeMs;
  return readdirSync(p).reduce((m, f) => (f === "generated" ? m : Math.max(m, newestMtime(path.join(p, f)))), s.mtimeMs);
}
function needsBuild(): boolean {
  const id = path.join(ROOT, ".next", "BUILD_ID");
  if (!existsSync(id)) return true;
  const built = statSync(id).mtimeMs;
  return SOURCES.some((s) => newestMtime(path.join(ROOT, s)) > built);
}

if (!dev && needsBuild()) {
  say("Building the portal (first start or sources changed)…");
  const build = spawnSync(process.execPath, [createRequire(import.meta.url).resolve("next/dist/bin/next"), "build"], { cwd: ROOT, stdio: "inherit", env: { ...process.env, NEXT_TELEMETRY_DISABLED: "1" } });
  if (build.status !== 0) process.exit(build.status ?? 1);
}

say(embedded ? "Starting the embedded PostgreSQL (.data/postgres)…" : "Using the PostgreSQL in DATABASE_URL.");
const database = await openDatabase((line) => process.env.PORTAL_DB_LOG && console.log(`[postgres] ${line}`));
const app: { process?: ChildProcess } = {};
const simulator: { stop?: () => Promise<void> } = {};
let stopping = false;

async function shutdown(code: number) {
  if (stopping) return;
  stopping = true;
  say("Stopping…");
  const child = app.process;
  if (child && child.exitCode === null && child.signalCode === null) {
    const exited = new Promise((r) => child.once("exit", r));
    child.kill("SIGTERM");
    // The portal finishes requests and control-plane deliveries in flight within PORTAL_SHUTDOWN_TIMEOUT_MS (docs/operations.md).
    const timer = setTimeout(() => child.kill("SIGKILL"), (Number(process.env.PORTAL_SHUTDOWN_TIMEOUT_MS) || 8_000) + 2_000);
    await exited;
    clearTimeout(timer);
  }
  await simulator.stop?.().catch(() => {});
  await database.stop().catch(() => {});
  say("Stopped. Data kept in .data/.");
  process.exit(code);
}
process.on("SIGINT", () => void shutdown(0));
process.on("SIGTERM", () => void shutdown(0));

try {
  // As the owner role; then the portal's own role gets exactly its privileges (prisma/grants.ts).
  if (await mayMigrate(database)) {
    const { applied } = await migrateDatabase(database, (m) => console.warn(`[portal] WARNING: ${m}`));
    if (applied.length) say(`Applied migrations: ${applied.join(", ")}`);
  } else {
    say("Not migrating: the role in DATABASE_URL is the application role. Run `npm run db:migrate` with DATABASE_OWNER_URL after each upgrade (docs/deploy.md).");
  }
  if (embedded) {
    const client = createDb(database.url);
    const created = await seedDatabase(client);
    await client.$disconnect();
    if (created.people || created.repos) say(`Seeded ${created.people} people and ${created.repos} repos.`);
  }
} catch (e) {
  console.error(`[portal] Could not prepare the database: ${e instanceof Error ? e.message : String(e)}`);
  await shutdown(1);
}

// The control plane: the bundled simulator unless CONTROL_PLANE_URL points at a real one.
let controlPlaneUrl = process.env.CONTROL_PLANE_URL;
if (!controlPlaneUrl) {
  const sim = await startSimulator({ port: process.env.SIMULATOR_PORT ? Number(process.env.SIMULATOR_PORT) : undefined });
  simulator.stop = sim.stop;
  controlPlaneUrl = sim.url;
  say(`Control-plane simulator on ${sim.url} (set CONTROL_PLANE_URL to use a real control plane).`);
}

const env: NodeJS.ProcessEnv = {
  ...process.env,
  // The portal serves as the application role; the owner's credentials stay with the migrations.
  DATABASE_URL: database.url,
  DATABASE_OWNER_URL: undefined,
  CONTROL_PLANE_URL: controlPlaneUrl,
  // Drills inject scenarios into the simulator; only when the simulator is the control plane.
  ...(simulator.stop ? { SIMULATOR_URL: controlPlaneUrl } : {}),
  PORT: String(port),
  NEXT_TELEMETRY_DISABLED: "1",
  AUTH_SECRET: localSecret(DATA_DIR, "auth-secret", process.env.AUTH_SECRET),
  AUDIT_HMAC_KEY: localSecret(DATA_DIR, "audit-hmac-key", process.env.AUDIT_HMAC_KEY),
  // Signed chain heads are also appended here, outside the database (lib/audit/anchor.ts).
  AUDIT_ANCHOR_FILE: process.env.AUDIT_ANCHOR_FILE || path.join(DATA_DIR, "audit-anchors.jsonl"),
  ALERTMANAGER_WEBHOOK_TOKEN: localSecret(DATA_DIR, "alertmanager-token", process.env.ALERTMANAGER_WEBHOOK_TOKEN),
  AUTH_TRUST_HOST: process.env.AUTH_TRUST_HOST ?? "true",
  PORTAL_DEV_SIGN_IN: devSignIn.value,
  // Tells the portal which database is the embedded one (lib/auth/dev-sign-in.ts); never passed on from outside.
  PORTAL_EMBEDDED_DATABASE: embedded ? database.url : "",
};

// Next's own CLI, started directly (not through npx) so stopping it stops the server itself.
const nextBin = createRequire(import.meta.url).resolve("next/dist/bin/next");
app.process = spawn(process.execPath, [nextBin, dev ? "dev" : "start", "-p", String(port), ...(host ? ["-H", host] : [])], { cwd: ROOT, stdio: "inherit", env });
app.process.on("exit", (code) => void shutdown(code ?? 0));
say(`Portal on http://localhost:${port}${devSignIn.value === "false" ? "" : " — sign in as any seeded person"}`);
if (loopback) say(`Listening on ${host} only (set HOSTNAME=0.0.0.0 to listen on every interface).`);
