/**
 * The audit log at a million events: seeds a dedicated embedded PostgreSQL (started here, removed afterwards) with
 * N hash-chained events (hashes computed in Node, written in large multi-row INSERTs), then measures
 *   - the filtered audit page (p50/p95) through lib/data/audit.ts listAuditEvents, the function the page calls,
 *   - verifying the whole chain (lib/audit/log.ts verifyChain),
 *   - exporting every event as CSV and as JSON Lines through the export stream the route serves, with the peak
 *     resident memory of this process over its idle level, sampled every 10 ms.
 * Prints a Markdown table with the command, the machine and the date.
 *
 *   npx tsx --conditions=react-server scripts/bench-audit.ts [--events 1000000] [--samples 100] [--skip-export]
 *
 * (`--conditions=react-server` lets the script import the server-only data layer, exactly as the page does.)
 */
import { randomUUID } from "node:crypto";
import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { cpus, loadavg, totalmem } from "node:os";
import { parseArgs } from "node:util";
import pg from "pg";
import { GENESIS_HASH, hashEvent, type StoredEvent } from "../lib/audit/chain";
import { closeDb, createDb } from "../lib/db";
import { seedDatabase } from "../prisma/seed-db";
import { createTestDatabaseWithRoles, startTestPostgres } from "../tests/support/test-postgres";

const { values } = parseArgs({
  options: {
    events: { type: "string", default: "1000000" },
    samples: { type: "string", default: "100" },
    "skip-export": { type: "boolean", default: false },
    "export-child": { type: "string" },
  },
});
const TOTAL = Number(values.events);
const SAMPLES = Number(values.samples);

/** A small deterministic generator, so two runs seed the same log. */
function rng(seed: number) {
  let s = seed >>> 0;
  return () => {
    s = (s * 1664525 + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}
const rand = rng(20261128);
const pick = <T,>(xs: readonly T[]) => xs[Math.floor(rand() * xs.length)];

function weighted<T>(entries: [T, number][]): () => T {
  const total = entries.reduce((s, [, w]) => s + w, 0);
  return () => {
    let x = rand() * total;
    for (const [v, w] of entries) if ((x -= w) < 0) return v;
    return entries[entries.length - 1][0];
  };
}

/** What a year of a busy portal looks like: mostly run steps and command outcomes, a few percent refusals. */
const ACTIONS = weighted<[string, "person" | "system", string]>([
  [["run.step.signed", "person", "run"], 22],
  [["run.step.command_requested", "person", "run"], 8],
  [["command.succeeded", "system", "command"], 8],
  [["command.retry", "system", "command"], 2],
  [["command.failed", "system", "command"], 1],
  [["run.start", "person", "run"], 5],
  [["run.completed", "system", "run"], 4],
  [["run.step.decided", "person", "run"], 5],
  [["run.step.approved", "person", "run"], 4],
  [["run.step.evidence_added", "person", "run"], 6],
  [["run.step.skipped", "person", "run"], 1],
  [["run.aborted", "person", "run"], 0.5],
  [["incident.declared", "person", "incident"], 1],
  [["incident.updated", "person", "incident"], 3],
  [["onboarding.requested", "person", "onboarding"], 1],
  [["onboarding.approved", "person", "onboarding"], 1],
  [["repo.cap.changed", "person", "repo"], 0.5],
  [["audit.chain.verified", "person", "audit"], 0.5],
  [["audit.exported", "person", "audit"], 0.3],
  [["audit.head.signed", "person", "audit"], 0.2],
]);

type World = { people: { id: string; email: string; roles: string[] }[]; runs: string[]; incidents: string[]; commands: string[]; repos: string[] };

function makeEvent(seq: bigint, at: Date, prevHash: string, w: World): StoredEvent {
  const [action, who, targetType] = ACTIONS();
  const person = who === "person" ? pick(w.people) : null;
  const refused = person !== null && rand() < 0.035;
  const outcome = refused ? "refused" : action === "command.failed" || action === "command.retry" ? "failed" : "allowed";
  const targetId = targetType === "run" ? pick(w.runs) : targetType === "command" ? pick(w.commands) : targetType === "incident" ? pick(w.incidents) : targetType === "repo" ? pick(w.repos) : targetType === "onboarding" ? randomUUID() : null;
  const stepId = pick(["triage", "throttle", "verify", "decide", "notify", "rollback", "postmortem"]);
  const details: Record<string, unknown> = refused
    ? { reason: "role lacks permission run.step.signoff" }
    : action.startsWith("run.")
      ? { runbookId: pick(["RB-CORE-001", "RB-CORE-003", "RB-LAUNCH-002", "RB-COST-001"]), stepId, notes: rand() < 0.3 ? `checked dashboards for ${pick(w.repos)}, error rate ${Math.floor(rand() * 50)}%` : null }
      : action.startsWith("command.")
        ? { action: pick(["throttle-repo", "set-context-pruning", "pause-flows"]), attempts: 1 + Math.floor(rand() * 3), idempotencyKey: randomUUID(), status: "ok", summary: "applied" }
        : action === "repo.cap.changed"
          ? { before: { dailyCapUsd: 5, allowlisted: true }, after: { dailyCapUsd: 5 + Math.floor(rand() * 20), allowlisted: true } }
          : { title: `note ${seq}`, severity: pick(["P1", "P2", "P3"]) };
  const e = {
    seq,
    at,
    actorId: person?.id ?? null,
    actorEmail: person?.email ?? null,
    actorRoles: person?.roles ?? [],
    action,
    outcome,
    targetType: targetType === "audit" ? null : targetType,
    targetId,
    details,
    requestId: person ? randomUUID() : null,
    prevHash,
  };
  return { ...e, hash: hashEvent(e) };
}

async function seed(client: pg.Client, w: World, total: number) {
  const batch = 5_000;
  let prev = GENESIS_HASH;
  let at = Date.UTC(2026, 0, 1);
  let seq = 0n;
  const started = performance.now();
  let hashing = 0;
  while (seq < BigInt(total)) {
    const cols: unknown[][] = Array.from({ length: 13 }, () => []);
    const h0 = performance.now();
    for (let i = 0; i < batch && seq < BigInt(total); i++) {
      seq++;
      at += Math.floor(rand() * 60_000);
      const e = makeEvent(seq, new Date(at), prev, w);
      prev = e.hash;
      const row = [e.seq.toString(), e.at.toISOString(), e.actorId, e.actorEmail, e.actorRoles.join(","), e.action, e.outcome, e.targetType, e.targetId, JSON.stringify(e.details), e.requestId, e.prevHash, e.hash];
      row.forEach((v, c) => cols[c].push(v));
    }
    hashing += performance.now() - h0;
    await client.query(
      `INSERT INTO audit_event (seq, at, "actorId", "actorEmail", "actorRoles", action, outcome, "targetType", "targetId", details, "requestId", "prevHash", hash)
       SELECT s, a, ai::uuid, ae, string_to_array(ar, ','), ac, o, tt, ti, d::jsonb, r, p, h
         FROM unnest($1::bigint[], $2::timestamptz[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[], $8::text[], $9::text[], $10::text[], $11::text[], $12::text[], $13::text[])
           AS t(s, a, ai, ae, ar, ac, o, tt, ti, d, r, p, h)`,
      cols,
    );
    if (seq % 100_000n === 0n) process.stderr.write(`  seeded ${seq} events (${((performance.now() - started) / 1000).toFixed(1)} s)\n`);
  }
  return { seconds: (performance.now() - started) / 1000, hashingSeconds: hashing / 1000 };
}

const machine = `${cpus().length} × ${cpus()[0]?.model ?? "?"}, ${Math.round(totalmem() / 2 ** 30)} GiB, node ${process.version}`;
const command = `npx tsx --conditions=react-server scripts/bench-audit.ts${process.argv.slice(2).length ? " " + process.argv.slice(2).join(" ") : ""}`;

function percentile(sorted: number[], p: number) {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}
const ms = (n: number) => (n < 10 ? n.toFixed(1) : n.toFixed(0));
const mib = (bytes: number) => (bytes / 2 ** 20).toFixed(0);

/** Child mode: one export, in a fresh process, with its resident memory sampled every 10 ms (see runExport). */
if (values["export-child"]) {
  const { executeAction } = await import("../lib/actions/safe-action");
  const { exportAuditAction } = await import("../lib/audit/actions");
  const { openAuditExport } = await import("../lib/data/audit");
  const { createDb: create } = await import("../lib/db");
  const format = values["export-child"] as "csv" | "jsonl";
  const prisma = create(process.env.DATABASE_URL!);
  const p = await prisma.person.findUniqueOrThrow({ where: { email: "ada.mensah@ops.example" } });
  const auditor = { id: p.id, email: p.email, name: p.name, roles: p.roles };
  const drain = async (filter: Record<string, string>) => {
    const recorded = await executeAction(exportAuditAction, auditor, { format, filter });
    if (!recorded.ok) throw new Error(recorded.message);
    const started = performance.now();
    const reader = openAuditExport(auditor, filter, format, recorded.data)!.getReader();
    let bytes = 0;
    let chunks = 0;
    let first = 0;
    let firstRows = 0;
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      if (chunks === 0) first = performance.now() - started;
      if (chunks === 1) firstRows = performance.now() - started;
      chunks++;
      bytes += value.byteLength;
    }
    return { bytes, firstByteMs: first, firstRowsMs: firstRows, seconds: (performance.now() - started) / 1000 };
  };
  await drain({ action: "audit.head.signed" }); // warm-up: the same code paths, a few rows
  (globalThis as { gc?: () => void }).gc?.();
  await new Promise((r) => setTimeout(r, 300));
  const idle = process.memoryUsage().rss;
  let peak = idle;
  const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 10);
  const result = await drain({});
  clearInterval(sampler);
  peak = Math.max(peak, process.memoryUsage().rss);
  console.log(JSON.stringify({ ...result, idleRss: idle, peakRss: peak }));
  await prisma.$disconnect();
  process.exit(0);
}

console.error(`bench-audit: ${TOTAL} events on ${machine}`);
const loadAtStart = loadavg()[0];

const pgServer = await startTestPostgres();
try {
  // The portal's code runs as the application role; the bench builds its world (and empties the log) as the superuser.
  const { url, superUrl } = await createTestDatabaseWithRoles(pgServer.adminUrl, "bench_audit");
  process.env.DATABASE_URL = url;
  const prisma = createDb(url);
  await seedDatabase(prisma);
  const client = new pg.Client({ connectionString: superUrl });
  await client.connect();

  // A world for the events to refer to: the seeded people, 2,000 runs (a tenth of them on 200 incidents), commands.
  const people = (await client.query<{ id: string; email: string; roles: string[] }>(`SELECT id::text, email, roles::text[] AS roles FROM person`)).rows;
  const repos = (await client.query<{ name: string }>(`SELECT name FROM repo`)).rows.map((r) => r.name);
  await client.query(`INSERT INTO runbook_version ("contentHash", "runbookId", source) VALUES ('bench', 'RB-CORE-001', '# bench')`);
  const incidents = Array.from({ length: 200 }, () => randomUUID());
  await client.query(
    `INSERT INTO incident (id, title, severity, source, "detectedAt", "updatedAt") SELECT id, 'bench incident', 'P2', 'PERSON', now(), now() FROM unnest($1::uuid[]) AS t(id)`,
    [incidents],
  );
  const runs = Array.from({ length: 2_000 }, () => randomUUID());
  await client.query(
    `INSERT INTO run (id, "runbookId", "contentHash", "startedById", "incidentId")
     SELECT id, 'RB-CORE-001', 'bench', $2::uuid, CASE WHEN i % 10 = 0 THEN ($3::uuid[])[1 + (i / 10) % 200] END
       FROM unnest($1::uuid[]) WITH ORDINALITY AS t(id, i)`,
    [runs, people[0].id, incidents],
  );
  const commands = Array.from({ length: 3_000 }, () => randomUUID());
  await client.query(
    `INSERT INTO command (id, action, params, "requestHash", "idempotencyKey", state, "runId", "updatedAt")
     SELECT id, 'throttle-repo', '{}'::jsonb, 'x', id::text, 'SUCCEEDED', ($2::uuid[])[1 + (i % 2000)], now() FROM unnest($1::uuid[]) WITH ORDINALITY AS t(id, i)`,
    [commands, runs],
  );
  const world: World = { people: people.map((p) => ({ ...p, roles: p.roles })), runs, incidents, commands, repos };
  // The seeded database already holds one audit event (the seed's own); start the bench log from scratch.
  await client.query(`BEGIN; SET LOCAL session_replication_role = replica; DELETE FROM audit_event; COMMIT`);

  // The trigram index (a hand-written migration) is built after seeding, as when a deployed portal migrates: that
  // measures its build time on existing data, and seeding does not pay for it row by row.
  const trgmMigration = readFileSync(fileURLToPath(new URL("../prisma/migrations/20261128160000_audit_details_joined_trgm/migration.sql", import.meta.url)), "utf8");
  const createTrgm = trgmMigration.match(/^CREATE INDEX "audit_event_details_trgm_idx"[^;]*;/m)?.[0];
  if (!createTrgm) throw new Error("the trigram index migration no longer holds its CREATE INDEX");
  await client.query(`DROP INDEX audit_event_details_trgm_idx`);

  console.error("seeding…");
  const seeded = await seed(client, world, TOTAL);
  const t0 = performance.now();
  await client.query(createTrgm);
  const trgmSeconds = (performance.now() - t0) / 1000;
  await client.query("VACUUM ANALYZE");
  const sizes = (await client.query<{ index: string; table: string }>(`SELECT pg_size_pretty(pg_relation_size('audit_event_details_trgm_idx')) AS index, pg_size_pretty(pg_relation_size('audit_event')) AS table`)).rows[0];
  console.error(`seeded in ${seeded.seconds.toFixed(1)} s (hashing ${seeded.hashingSeconds.toFixed(1)} s); trigram index built in ${trgmSeconds.toFixed(1)} s (${sizes.index} for a ${sizes.table} table)`);

  const { listAuditEvents } = await import("../lib/data/audit");
  const { verifyChain } = await import("../lib/audit/log");
  const { auditFilterSchema } = await import("../lib/validation/audit");
  const actorOf = (email: string) => {
    const p = people.find((x) => x.email === email)!;
    return { id: p.id, email: p.email, name: email, roles: p.roles as never };
  };
  const auditor = actorOf("ada.mensah@ops.example");
  const sre = actorOf("sam.rivera@ops.example");
  const incidentWithRuns = incidents[0];
  const aRun = runs[0];
  const third = (await client.query<{ day: string }>(`SELECT to_char(at AT TIME ZONE 'UTC', 'YYYY-MM-DD') AS day FROM audit_event WHERE seq = $1`, [Math.floor(TOTAL / 3)])).rows[0].day;
  const dayAfter = (d: string, n: number) => new Date(Date.parse(`${d}T00:00:00Z`) + n * 86_400_000).toISOString().slice(0, 16);
  const half = BigInt(Math.floor(TOTAL / 2));

  // The filtered page, through the data-layer function the page calls: page 1, then page 2 by its cursor.
  const scenarios: { name: string; actor: typeof auditor; filter: Record<string, string>; before?: bigint }[] = [
    { name: "no filter, newest page", actor: auditor, filter: {} },
    { name: `no filter, deep page (before event ${half.toLocaleString("en")})`, actor: auditor, filter: {}, before: half },
    { name: "action = run.step.signed", actor: auditor, filter: { action: "run.step.signed" } },
    { name: "action prefix run.step.", actor: auditor, filter: { action: "run.step." } },
    { name: "rare action = audit.head.signed", actor: auditor, filter: { action: "audit.head.signed" } },
    { name: "actor = one SRE (email)", actor: auditor, filter: { actor: "jordan.lee@ops.example" } },
    { name: "actor + action", actor: auditor, filter: { actor: "jordan.lee@ops.example", action: "run.start" } },
    { name: "role = AUDITOR", actor: auditor, filter: { role: "AUDITOR" } },
    { name: "outcome = refused", actor: auditor, filter: { outcome: "refused" } },
    { name: "outcome = failed, action prefix command.", actor: auditor, filter: { outcome: "failed", action: "command." } },
    { name: "target = one run", actor: auditor, filter: { targetType: "run", targetId: aRun } },
    { name: "run = one run (with its commands)", actor: auditor, filter: { run: aRun } },
    { name: "incident = one incident (runs, commands)", actor: auditor, filter: { incident: incidentWithRuns } },
    { name: "time range: one day", actor: auditor, filter: { from: dayAfter(third, 0), to: dayAfter(third, 1) } },
    { name: "time range (a week) + action", actor: auditor, filter: { from: dayAfter(third, 0), to: dayAfter(third, 7), action: "run.start" } },
    { name: "text in details (common: billing-api)", actor: auditor, filter: { q: "billing-api" } },
    { name: "text in details (rare: no match)", actor: auditor, filter: { q: "no-such-text-anywhere" } },
    { name: "text in details (no match, common trigrams: RB-CORE-002)", actor: auditor, filter: { q: "RB-CORE-002" } },
    { name: "text in details (an id with a one-letter word: E-002, 4 events)", actor: auditor, filter: { q: "E-002" } },
    { name: "text in details (an id with a one-letter word, no match: x-001)", actor: auditor, filter: { q: "x-001" } },
    { name: "text in details (rare: note 12345)", actor: auditor, filter: { q: "note 12345" } },
    { name: "own actions (SRE), no filter", actor: sre, filter: {} },
    { name: "own actions (SRE) + action prefix run.", actor: sre, filter: { action: "run." } },
  ];
  const pageRows: string[] = [];
  for (const sc of scenarios) {
    const filter = auditFilterSchema.parse(sc.filter);
    const times: number[] = [];
    const budget = performance.now() + 20_000;
    let events = 0;
    for (let i = 0; i < SAMPLES && performance.now() < budget; i++) {
      const t0 = performance.now();
      const page = await listAuditEvents(sc.actor, filter, sc.before !== undefined ? { before: sc.before } : {});
      times.push(performance.now() - t0);
      events = page.events.length;
      if (page.older !== null && performance.now() < budget) {
        const t1 = performance.now();
        await listAuditEvents(sc.actor, filter, { before: page.older });
        times.push(performance.now() - t1);
      }
    }
    times.sort((a, b) => a - b);
    const p95 = percentile(times, 95);
    if (p95 >= 50) {
      // The plan of the slow ones, to say which index would help.
      const { buildWhere } = await import("../lib/audit/filter-sql");
      const scope = sc.actor === sre ? { kind: "own" as const, actorId: sre.id } : { kind: "all" as const };
      const where = buildWhere(scope, filter);
      const plan = await client.query(`EXPLAIN (ANALYZE, BUFFERS) SELECT e.seq FROM audit_event e WHERE ${where.sql} ORDER BY e.seq DESC LIMIT 51`, where.params);
      console.error(`plan for "${sc.name}":\n${plan.rows.map((r) => `    ${r["QUERY PLAN"]}`).join("\n")}`);
    }
    pageRows.push(`| ${sc.name} | ${ms(percentile(times, 50))} | ${ms(p95)} | ${times.length} | ${events} | ${p95 < 50 ? "yes" : "**no**"} |`);
    console.error(pageRows[pageRows.length - 1]);
  }

  // Verifying the whole chain, as "Verify chain" does (binary COPY, worker threads), and the sequential verifier for
  // comparison. CPU is this process's (main thread and workers), not PostgreSQL's.
  const verifyRows: string[] = [];
  for (const [label, opts] of [
    ["verifyChain (COPY, worker threads), 1st run", {}],
    ["verifyChain (COPY, worker threads), 2nd run", {}],
    ["verifyChain (COPY, worker threads), 3rd run", {}],
    ["verifyChain, sequential only", { parallel: false }],
  ] as const) {
    const t0 = performance.now();
    const cpu0 = process.cpuUsage();
    const load0 = loadavg()[0];
    const r = await verifyChain(prisma, opts);
    const seconds = (performance.now() - t0) / 1000;
    const cpu = process.cpuUsage(cpu0);
    if (!r.ok || r.count !== TOTAL) throw new Error(`verification failed: ${JSON.stringify(r, (_k, v) => (typeof v === "bigint" ? v.toString() : v))}`);
    verifyRows.push(`| ${label} | ${seconds.toFixed(2)} | ${((cpu.user + cpu.system) / 1e6).toFixed(1)} | ${load0.toFixed(1)} → ${loadavg()[0].toFixed(1)} | ${r.count.toLocaleString("en")} | ${seconds < 3 ? "yes" : "**no**"} |`);
    console.error(verifyRows[verifyRows.length - 1]);
  }

  // Exports, each in a fresh process so its memory is its own.
  const exportRows: string[] = [];
  if (!values["skip-export"]) {
    for (const format of ["csv", "jsonl"] as const) {
      const out = execFileSync(process.execPath, [...process.execArgv, fileURLToPath(import.meta.url), "--export-child", format], {
        env: { ...process.env, DATABASE_URL: url, NODE_OPTIONS: `${process.env.NODE_OPTIONS ?? ""} --expose-gc`.trim(), LOG_LEVEL: "silent" },
        maxBuffer: 1 << 20,
      }).toString();
      const r = JSON.parse(out.trim().split("\n").pop()!);
      const over = r.peakRss - r.idleRss;
      exportRows.push(`| ${format.toUpperCase()} | ${r.seconds.toFixed(1)} | ${ms(r.firstByteMs)} / ${ms(r.firstRowsMs)} | ${mib(r.bytes)} | ${mib(r.idleRss)} | ${mib(r.peakRss)} | ${mib(over)} | ${over < 200 * 2 ** 20 ? "yes" : "**no**"} |`);
      console.error(exportRows[exportRows.length - 1]);
    }
  }

  console.log(`\n### Audit log at ${TOTAL.toLocaleString("en")} events — ${new Date().toISOString().slice(0, 10)}\n`);
  console.log(`Machine: ${machine}. Command: \`${command}\` (embedded PostgreSQL 17 started by the script). Load average (1 min) ${loadAtStart.toFixed(1)} at the start, ${loadavg()[0].toFixed(1)} at the end.`);
  console.log(`Seeding: ${seeded.seconds.toFixed(0)} s (hashes computed in Node: ${seeded.hashingSeconds.toFixed(0)} s; multi-row INSERT … SELECT FROM unnest, 5,000 rows a statement).`);
  console.log(`Trigram index on translate(details::text, '-_.', 'qqq') built afterwards in ${trgmSeconds.toFixed(1)} s: ${sizes.index} for a ${sizes.table} table.\n`);
  console.log("Filtered page (50 events, newest first) through `listAuditEvents`, page 1 and page 2 by cursor:\n");
  console.log("| filter | p50 (ms) | p95 (ms) | queries | events on page | p95 < 50 ms |");
  console.log("| --- | ---: | ---: | ---: | ---: | --- |");
  for (const row of pageRows) console.log(row);
  console.log("\nWhole-chain verification:\n");
  console.log("| run | seconds | Node CPU (s) | load average | events | < 3 s |");
  console.log("| --- | ---: | ---: | --- | ---: | --- |");
  for (const row of verifyRows) console.log(row);
  if (exportRows.length) {
    console.log("\nExport of all events (unfiltered), streamed, in a fresh process; memory sampled every 10 ms:\n");
    console.log("| format | seconds | first byte / first rows (ms) | size (MiB) | idle RSS (MiB) | peak RSS (MiB) | over idle (MiB) | < 200 MiB |");
    console.log("| --- | ---: | ---: | ---: | ---: | ---: | ---: | --- |");
    for (const row of exportRows) console.log(row);
  }
  await client.end();
  await prisma.$disconnect();
  await closeDb();
} finally {
  await pgServer.stop();
}
