import { createDb } from "../lib/db";
import { createTestDatabase, startTestPostgres } from "../tests/support/test-postgres";
import pg from "pg";
const s = await startTestPostgres();
const url = await createTestDatabase(s.adminUrl, "mb");
const db = createDb(url);
const N = 2000;
async function measure(name: string, fn: () => Promise<unknown>) {
  for (let i = 0; i < 200; i++) await fn();
  const c0 = process.cpuUsage(); const t0 = performance.now();
  for (let i = 0; i < N; i++) await fn();
  const c = process.cpuUsage(c0);
  console.log(name.padEnd(40), "wall", ((performance.now() - t0) / N).toFixed(3), "ms, node cpu", ((c.user + c.system) / 1000 / N).toFixed(3), "ms");
}
await measure("prisma $queryRaw SELECT 1", () => db.$queryRaw`SELECT 1`);
await measure("prisma empty interactive tx", () => db.$transaction(async () => {}));
await measure("prisma tx + 3 raw", () => db.$transaction(async (tx) => { await tx.$queryRaw`SELECT 1`; await tx.$queryRaw`SELECT 2`; await tx.$queryRaw`SELECT 3`; }));
const pool = new pg.Pool({ connectionString: url, max: 20 });
await measure("pg pool SELECT 1", () => pool.query({ text: "SELECT 1", name: "s1" }));
await measure("pg client tx + 3 raw", async () => { const c = await pool.connect(); await c.query("BEGIN"); await c.query({ text: "SELECT 1", name: "a" }); await c.query({ text: "SELECT 2", name: "b" }); await c.query({ text: "SELECT 3", name: "c" }); await c.query("COMMIT"); c.release(); });
await pool.end(); await db.$disconnect(); await s.stop();
