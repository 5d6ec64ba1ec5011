/**
 * Liveness and readiness, as orchestrators (Kubernetes, Docker, load balancers) ask for them.
 * - Live: the process can serve a request. Nothing else is checked, so a database outage never gets replicas
 *   restarted in a loop.
 * - Ready: this replica should get traffic. The database answers, every migration this build expects is applied,
 *   the runbooks are loaded and valid, and the replica is not shutting down.
 */
import { existsSync, readdirSync } from "node:fs";
import path from "node:path";
import { isDatabaseUnavailable, type Db } from "./db";
import { isShuttingDown } from "./shutdown";

export type ReadinessCheck = { ok: boolean; detail: string; latencyMs?: number };
export type Readiness = {
  ready: boolean;
  /** The first failed check, in words (what an operator reads in `kubectl describe` or a load balancer's log). */
  reason: string | null;
  checks: { shutdown: ReadinessCheck; database: ReadinessCheck; migrations: ReadinessCheck & { pending?: string[] }; runbooks: ReadinessCheck & { count?: number } };
};

const DATABASE_TIMEOUT_MS = 2_000;

/**
 * The migrations this build expects: the list `next build` recorded (next.config.js), else the directories of
 * prisma/migrations (PORTAL_MIGRATIONS_DIR overrides) where the code runs unbuilt, as in tests.
 */
export function expectedMigrations(): string[] {
  const built = process.env.PORTAL_BUILD_MIGRATIONS;
  if (built) return built.split(",").filter(Boolean);
  const dir = process.env.PORTAL_MIGRATIONS_DIR ?? path.join(process.cwd(), "prisma", "migrations");
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { withFileTypes: true })
    .filter((d) => d.isDirectory() && existsSync(path.join(dir, d.name, "migration.sql")))
    .map((d) => d.name)
    .sort();
}

function withTimeout<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} did not answer within ${ms / 1000} s`)), ms);
  });
  return Promise.race([p, timeout]).finally(() => clearTimeout(timer));
}

export async function readiness(deps: { db: () => Db; runbooks: () => unknown[]; expected?: () => string[] }): Promise<Readiness> {
  const shutdown: ReadinessCheck = isShuttingDown() ? { ok: false, detail: "shutting down (SIGTERM received)" } : { ok: true, detail: "serving" };

  let database: ReadinessCheck;
  let migrations: Readiness["checks"]["migrations"];
  const started = performance.now();
  try {
    // One query proves the database answers and says which migrations it has.
    const rows = await withTimeout(
      deps.db().$queryRaw<{ name: string }[]>`SELECT "migration_name" AS "name" FROM "_prisma_migrations" WHERE "finished_at" IS NOT NULL AND "rolled_back_at" IS NULL`,
      DATABASE_TIMEOUT_MS,
      "PostgreSQL",
    );
    database = { ok: true, detail: "reachable", latencyMs: Math.round(performance.now() - started) };
    const applied = new Set(rows.map((r) => r.name));
    const expected = (deps.expected ?? expectedMigrations)();
    const pending = expected.filter((m) => !applied.has(m));
    migrations =
      expected.length === 0
        ? { ok: false, detail: "this build knows no migrations (prisma/migrations missing at build time)", pending: [] }
        : pending.length > 0
          ? { ok: false, detail: `${pending.length} migration(s) not applied: ${pending.join(", ")} (run \`npm run db:migrate\`)`, pending }
          : { ok: true, detail: `${expected.length} applied`, pending: [] };
  } catch (e) {
    const message = e instanceof Error ? e.message : String(e);
    // Through a Prisma raw query, an unreachable server reads "Can't reach database server at …" (code P2010).
    const unreachable = isDatabaseUnavailable(e) || /did not answer|can't reach database server|ECONNREFUSED|ETIMEDOUT|ENOTFOUND|connection/i.test(message);
    const noTable = /_prisma_migrations/.test(message) && /does not exist/.test(message);
    const denied = /permission denied/i.test(message);
    const answered = noTable || denied;
    database = answered ? { ok: true, detail: "reachable", latencyMs: Math.round(performance.now() - started) } : { ok: false, detail: unreachable ? "PostgreSQL is unreachable" : "PostgreSQL refused the check query" };
    migrations = noTable
      ? { ok: false, detail: "no migration has been applied (run `npm run db:migrate`)", pending: (deps.expected ?? expectedMigrations)() }
      : denied
        ? { ok: false, detail: "the portal's database role may not read _prisma_migrations (GRANT SELECT ON _prisma_migrations to it)" }
        : { ok: false, detail: "not checked: the database did not answer" };
  }

  let runbooks: Readiness["checks"]["runbooks"];
  try {
    const count = deps.runbooks().length;
    runbooks = count > 0 ? { ok: true, detail: `${count} loaded`, count } : { ok: false, detail: "no runbooks found (RUNBOOKS_DIR)", count };
  } catch (e) {
    const first = (e instanceof Error ? e.message : String(e)).split("\n").slice(0, 2).join(" ").trim();
    runbooks = { ok: false, detail: `runbooks do not load: ${first}` };
  }

  const checks = { shutdown, database, migrations, runbooks };
  const failed = Object.entries(checks).find(([, c]) => !c.ok);
  return { ready: !failed, reason: failed ? `${failed[0]}: ${failed[1].detail}` : null, checks };
}
