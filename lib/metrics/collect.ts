/**
 * What a scrape reads at the moment it happens: gauges derived from the database (one cheap, bounded query each,
 * all in one read-only transaction with a statement timeout), whether this replica holds the relay and jobs locks,
 * and whether the control plane answers (at most one check every 10 s, with a short timeout). Concurrent scrapes
 * share one collection.
 */
import { ROLES } from "../auth/roles";
import { db as defaultDb, type Db } from "../db";
import { poolOf } from "../db-connection";
import { log } from "../log";
import { listRunbooks, getRunbook } from "../runbooks";
import { portalMetrics, type PortalMetrics } from "./registry";

/** A statement that takes longer than this is cancelled by PostgreSQL; the scrape then reports the database down. */
const STATEMENT_TIMEOUT_MS = 1_000;
const CONTROL_PLANE_TIMEOUT_MS = 2_000;
const CONTROL_PLANE_CHECK_EVERY_MS = 10_000;
const SEVERITIES = ["P1", "P2", "P3"];

type Handle = { isLeader?: () => boolean } | undefined;
type ControlPlaneProbe = { health: (opts: { timeoutMs: number; maxAttempts: number }) => Promise<unknown> };

export type CollectOptions = {
  db?: Db;
  /** The control plane to check (default: the configured one, when CONTROL_PLANE_URL is set). */
  controlPlane?: ControlPlaneProbe | null;
  now?: () => number;
};

let inFlight: Promise<void> | null = null;

/** Brings the scrape-time gauges up to date. Never throws: a failure shows as portal_database_up 0. */
export function collectScrapeTimeMetrics(opts: CollectOptions = {}): Promise<void> {
  inFlight ??= collect(opts).finally(() => {
    inFlight = null;
  });
  return inFlight;
}

async function collect(opts: CollectOptions): Promise<void> {
  const m = portalMetrics();
  const started = performance.now();
  const g = globalThis as { portalRelay?: Handle; portalJobs?: Handle };
  m.relayLeader.set(g.portalRelay?.isLeader?.() ? 1 : 0);
  m.jobsLeader.set(g.portalJobs?.isLeader?.() ? 1 : 0);
  await Promise.all([databaseGauges(m, opts.db), controlPlaneCheck(m, opts)]);
  m.scrapeDuration.set((performance.now() - started) / 1000);
}

type Row = Record<string, unknown>;

async function databaseGauges(m: PortalMetrics, client?: Db): Promise<void> {
  let conn: import("pg").PoolClient | undefined;
  let broken = false;
  try {
    const pool = poolOf(client ?? defaultDb());
    if (!pool) throw new Error("the database client has no pool");
    conn = await pool.connect();
    await conn.query(`BEGIN READ ONLY; SET LOCAL statement_timeout = ${STATEMENT_TIMEOUT_MS}`);
    const q = async (sql: string) => (await conn!.query<Row>(sql)).rows;
    const runs = await q(`SELECT "runbookId" AS id, count(*)::int AS n FROM "run" WHERE "status" = 'IN_PROGRESS' GROUP BY 1 LIMIT 500`);
    const waiting = await q(
      `SELECT r."runbookId" AS runbook, s."stepId" AS step, extract(epoch FROM now() - s."currentSince")::float8 AS waited
         FROM "run" r JOIN "step_state" s ON s."runId" = r."id"
        WHERE r."status" = 'IN_PROGRESS' AND s."status" IN ('PENDING', 'AWAITING_SIGNATURES') AND s."currentSince" IS NOT NULL
        ORDER BY s."currentSince" LIMIT 2000`,
    );
    const [outbox] = await q(
      `SELECT count(*)::int AS n, coalesce(extract(epoch FROM now() - min("createdAt")), 0)::float8 AS oldest FROM "command" WHERE "state" IN ('PENDING', 'SENDING')`,
    );
    const incidents = await q(`SELECT "severity" AS severity, "status"::text AS status, count(*)::int AS n FROM "incident" WHERE "status" <> 'RESOLVED' GROUP BY 1, 2 LIMIT 100`);
    const [chain] = await q(`SELECT (SELECT max("seq") FROM "audit_event")::float8 AS head, (SELECT max("seq") FROM "chain_head")::float8 AS signed`);
    await conn.query("COMMIT");

    m.runsInProgress.reset();
    for (const id of knownRunbookIds()) m.runsInProgress.set({ runbook: id }, 0);
    for (const r of runs) m.runsInProgress.set({ runbook: String(r.id) }, Number(r.n));

    const byRole = new Map<string, { n: number; oldest: number }>(ROLES.map((role) => [role, { n: 0, oldest: 0 }]));
    for (const w of waiting) {
      for (const role of signoffRoles(String(w.runbook), String(w.step))) {
        const entry = byRole.get(role) ?? { n: 0, oldest: 0 };
        entry.n += 1;
        entry.oldest = Math.max(entry.oldest, Math.max(0, Number(w.waited)));
        byRole.set(role, entry);
      }
    }
    m.stepsWaiting.reset();
    m.stepsWaitingOldest.reset();
    for (const [role, { n, oldest }] of byRole) {
      m.stepsWaiting.set({ role }, n);
      m.stepsWaitingOldest.set({ role }, oldest);
    }

    m.outboxPending.set(Number(outbox?.n ?? 0));
    m.outboxOldest.set(Math.max(0, Number(outbox?.oldest ?? 0)));

    m.incidentsOpen.reset();
    for (const severity of SEVERITIES) for (const status of ["OPEN", "MITIGATED"]) m.incidentsOpen.set({ severity, status }, 0);
    for (const i of incidents) m.incidentsOpen.set({ severity: String(i.severity), status: String(i.status) }, Number(i.n));

    m.chainHeadSeq.set(Number(chain?.head ?? 0));
    m.state.verifiedSeq = Math.max(m.state.verifiedSeq, Number(chain?.signed ?? 0));
    m.chainVerifiedSeq.set(m.state.verifiedSeq);
    m.databaseUp.set(1);
  } catch (e) {
    broken = true;
    m.databaseUp.set(0);
    log.warn("metrics.database_unavailable", { err: e });
    await conn?.query("ROLLBACK").catch(() => {});
  } finally {
    conn?.release(broken ? true : undefined);
  }
}

function knownRunbookIds(): string[] {
  try {
    return listRunbooks().map((r) => r.id);
  } catch {
    return [];
  }
}

/** The roles that may sign a step off, from the runbook files (a step the files no longer have counts as "unknown"). */
function signoffRoles(runbookId: string, stepId: string): string[] {
  try {
    return getRunbook(runbookId)?.steps.find((s) => s.id === stepId)?.signoff ?? ["unknown"];
  } catch {
    return ["unknown"];
  }
}

async function controlPlaneCheck(m: PortalMetrics, opts: CollectOptions): Promise<void> {
  const now = (opts.now ?? Date.now)();
  if (now - m.state.controlPlaneCheckedAt < CONTROL_PLANE_CHECK_EVERY_MS) return;
  let probe = opts.controlPlane;
  if (probe === undefined) {
    if (!process.env.CONTROL_PLANE_URL) return;
    probe = (await import("../control-plane/config")).controlPlaneClient();
  }
  if (!probe) return;
  m.state.controlPlaneCheckedAt = now;
  const started = performance.now();
  try {
    await probe.health({ timeoutMs: CONTROL_PLANE_TIMEOUT_MS, maxAttempts: 1 });
    m.controlPlaneUp.set(1);
    m.controlPlaneDuration.observe({ operation: "health", result: "ok" }, (performance.now() - started) / 1000);
  } catch (e) {
    m.controlPlaneUp.set(0);
    m.controlPlaneDuration.observe({ operation: "health", result: "error" }, (performance.now() - started) / 1000);
    log.warn("metrics.control_plane_unreachable", { err: e });
  }
}
