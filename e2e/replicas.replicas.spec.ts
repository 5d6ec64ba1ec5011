import { expect, test, type APIRequestContext, type BrowserContext } from "@playwright/test";
import { PEOPLE } from "./support";
import { startCluster, type Cluster, type Replica } from "./replicas/cluster";

/**
 * Two replicas on one PostgreSQL (issue 17, item 3): people's requests land on either replica, as behind a load
 * balancer. Sign-offs alternate between them and both show the same run; a 20-way race on one step, split across
 * them, has one winner and one audit event; killing (-9) the replica that holds the relay lock right after a command
 * was queued leaves the other to deliver it, exactly once; and the audit chain verifies afterwards, with nothing
 * lost or doubled.
 */

test.describe.configure({ mode: "serial" });

let cluster: Cluster;
let sre: BrowserContext;
const signed: string[] = [];

test.beforeAll(async ({ browser }) => {
  test.setTimeout(180_000);
  cluster = await startCluster();
  // One browser session: cookies belong to the host, not the port, so it is signed in on both replicas.
  sre = await browser.newContext();
  const page = await sre.newPage();
  await page.goto(`${cluster.a.url}/signin`);
  await page.getByRole("button", { name: new RegExp(`^Sign in as ${PEOPLE.sre.name}`) }).click();
  await page.waitForURL(`${cluster.a.url}/`);
  await page.close();
});

test.afterAll(async () => {
  await sre?.close();
  await cluster?.stop();
});

const post = (api: APIRequestContext, replica: Replica, path: string, data: unknown) => api.post(`${replica.url}${path}`, { headers: { origin: replica.url }, data });
const view = async (api: APIRequestContext, replica: Replica, runId: string) => {
  const res = await api.get(`${replica.url}/api/runs/${runId}`);
  expect(res.status()).toBe(200);
  return res.json();
};
/** What both replicas must agree on (the live telemetry and clocks around it may differ by a poll). */
const state = (v: { version: number; status: string; currentStepId: string | null; steps: { id: string; status: string; approvals: { personId: string }[] }[] }) => ({
  version: v.version,
  status: v.status,
  currentStepId: v.currentStepId,
  steps: v.steps.map((s) => ({ id: s.id, status: s.status, by: s.approvals.map((x) => x.personId) })),
});

async function startRun(runbookId: string, on: Replica): Promise<string> {
  const res = await post(sre.request, on, "/api/runs", { runbookId });
  expect(res.status(), await res.text()).toBe(201);
  return (await res.json()).data.runId;
}

test("sign-offs alternate between the replicas, and both show the same run after each", async () => {
  const runId = await startRun("RB-CORE-001", cluster.a);
  const replicas = [cluster.b, cluster.a];
  for (let i = 0; i < 3; i++) {
    const current = (await view(sre.request, cluster.a, runId)).currentStepId as string;
    const on = replicas[i % 2];
    const res = await post(sre.request, on, `/api/runs/${runId}/steps/${current}`, { op: "sign", notes: `signed on replica ${on.name}` });
    expect(res.status(), await res.text()).toBe(200);
    signed.push(`${runId}/${current}`);
    const [fromA, fromB] = await Promise.all([view(sre.request, cluster.a, runId), view(sre.request, cluster.b, runId)]);
    expect(state(fromB)).toEqual(state(fromA));
    // Signed: done, or (a link step) waiting for the specialised runbook it opened.
    expect(["DONE", "WAITING_CHILD"]).toContain(fromA.steps.find((s: { id: string }) => s.id === current).status);
  }
});

test("a 20-way race on one step, split across the replicas, has exactly one winner and one audit event", async () => {
  const runId = await startRun("RB-CORE-001", cluster.b);
  const step = (await view(sre.request, cluster.b, runId)).currentStepId as string;
  const answers = await Promise.all(
    Array.from({ length: 20 }, (_, i) => post(sre.request, i % 2 ? cluster.a : cluster.b, `/api/runs/${runId}/steps/${step}`, { op: "sign", notes: `racer ${i}` }).then((r) => r.status())),
  );
  expect(answers.filter((s) => s === 200)).toHaveLength(1);
  expect(answers.filter((s) => s === 409)).toHaveLength(19);
  signed.push(`${runId}/${step}`);
  const events = await cluster.sql(`SELECT count(*)::int AS n FROM audit_event WHERE action = 'run.step.signed' AND outcome = 'allowed' AND "targetId" = $1`, [runId]);
  expect(events[0].n).toBe(1);
});

test("kill -9 of the replica holding the relay lock right after a command is queued: the other delivers it exactly once", async () => {
  test.setTimeout(90_000);
  // The control plane takes 3 s to act: replica A will be in the middle of sending when it dies.
  await fetch(`${cluster.simulator.url}/admin/faults`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ rules: [{ target: "actions", actions: ["set-context-pruning"], phase: "processing", kind: "latency", latencyMs: 3_000, times: 1 }] }),
  });
  expect(await cluster.relayLockHeld()).toBe(true);
  const prunesBefore: number = (await (await fetch(`${cluster.simulator.url}/admin/effects`)).json()).byAction["set-context-pruning"] ?? 0;
  const runId = await startRun("RB-CORE-002", cluster.b);
  const first = (await view(sre.request, cluster.b, runId)).currentStepId as string;
  expect((await post(sre.request, cluster.b, `/api/runs/${runId}/steps/${first}`, { op: "sign" })).status()).toBe(200);
  const prune = (await view(sre.request, cluster.b, runId)).currentStepId as string;
  const requested = await post(sre.request, cluster.b, `/api/runs/${runId}/steps/${prune}`, { op: "request", values: { repo: "reporting-etl" } });
  expect(requested.status(), await requested.text()).toBe(200);
  const [command] = await cluster.sql<{ id: string; idempotencyKey: string }>(`SELECT id, "idempotencyKey" FROM command WHERE "runId" = $1`, [runId]);

  // A holds the relay lock (it started first): wait until it has claimed the command, then kill it outright.
  await expect.poll(async () => (await cluster.sql<{ state: string }>(`SELECT state FROM command WHERE id = $1`, [command.id]))[0].state, { timeout: 10_000, intervals: [50] }).toBe("SENDING");
  cluster.a.child.kill("SIGKILL");
  const killedAt = Date.now();
  await cluster.a.exited;

  // B takes the lock over and delivers; the control plane sees the same idempotency key and acts once.
  await expect.poll(async () => (await cluster.sql<{ state: string }>(`SELECT state FROM command WHERE id = $1`, [command.id]))[0].state, { timeout: 30_000, intervals: [250] }).toBe("SUCCEEDED");
  const takeoverSeconds = (Date.now() - killedAt) / 1000;
  test.info().annotations.push({ type: "relay takeover", description: `${takeoverSeconds.toFixed(1)} s from kill -9 to the command recorded as delivered` });
  console.log(`relay takeover after kill -9: ${takeoverSeconds.toFixed(1)} s`);
  // The lease is 5 s, renewed while the relay works (issue 17: takeover under 10 s); the bound leaves room for a
  // loaded machine, and the measured figure is recorded in docs/benchmarks.md.
  expect(takeoverSeconds).toBeLessThan(15);
  expect(await cluster.relayLockHeld()).toBe(true);
  const effects = await (await fetch(`${cluster.simulator.url}/admin/effects`)).json();
  expect(effects.byKey[command.idempotencyKey]).toBe(1);
  expect(effects.duplicates).toEqual([]);
  // Once in all, not once per key: a retry under a new key would be a second pruning that the key count cannot see.
  expect(effects.byAction["set-context-pruning"]).toBe(prunesBefore + 1);
  const outcomes = await cluster.sql<{ action: string; n: number }>(`SELECT action, count(*)::int AS n FROM audit_event WHERE "targetType" = 'command' AND "targetId" = $1 GROUP BY action`, [command.id]);
  expect(outcomes.filter((o) => o.action === "command.succeeded")).toEqual([{ action: "command.succeeded", n: 1 }]);
  // B still serves the run, and shows the step done.
  await expect.poll(async () => (await view(sre.request, cluster.b, runId)).steps.find((s: { id: string }) => s.id === prune).status, { timeout: 15_000 }).toBe("DONE");
});

test("the audit chain verifies afterwards, with every sign-off recorded once", async () => {
  const res = await post(sre.request, cluster.b, "/api/audit/verify", {});
  expect(res.status(), await res.text()).toBe(200);
  expect((await res.json()).data).toMatchObject({ ok: true });
  for (const key of signed) {
    const [runId, stepId] = key.split("/");
    // A sign-off is "run.step.signed", or "run.step.child_opened" on a link step (it opens the specialised runbook).
    const rows = await cluster.sql<{ n: number }>(
      `SELECT count(*)::int AS n FROM audit_event WHERE action IN ('run.step.signed', 'run.step.child_opened') AND outcome = 'allowed' AND "targetId" = $1 AND details->>'stepId' = $2`,
      [runId, stepId],
    );
    expect(rows[0].n, key).toBe(1);
  }
});
