/**
 * The portal's own alert rules (ops/prometheus/portal-rules.yml) in a real Prometheus: `promtool check rules` loads
 * them and `promtool test rules` runs ops/prometheus/portal-rules.test.yml (each alert fires on the series that
 * should raise it, and not on healthy ones). A copy with a weakened rule must fail the same tests, so the tests can
 * fail. promtool comes from Debian's `prometheus` package; without it this file is skipped locally, never under CI.
 */
import { spawnSync } from "node:child_process";
import { copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";

const ROOT = path.resolve(import.meta.dirname, "../..");
const OPS = path.join(ROOT, "ops/prometheus");
const hasPromtool = spawnSync("promtool", ["--version"], { encoding: "utf8" }).status === 0;
const skip = !hasPromtool && !process.env.CI;
if (skip) console.warn("ops-prometheus-rules: promtool is not installed, so the portal's rule checks are skipped (apt-get install prometheus). Under CI they run.");

const dir = mkdtempSync(path.join(tmpdir(), "portal-rules-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function promtool(cwd: string, ...args: string[]) {
  const r = spawnSync("promtool", args, { encoding: "utf8", cwd, timeout: 60_000 });
  if (r.error) throw new Error(`promtool could not run (${r.error.message}): install Debian's prometheus package`);
  return { status: r.status, output: `${r.stdout}${r.stderr}` };
}

describe.skipIf(skip)("the portal's alert rules (promtool)", () => {
  it("promtool check rules accepts the file", () => {
    const r = promtool(OPS, "check", "rules", "portal-rules.yml");
    expect(r.output).toContain("SUCCESS: 5 rules found");
    expect(r.status).toBe(0);
  });

  it("promtool test rules: outbox stuck > 5 min, failed chain verification, control plane down, no relay leader, database down", () => {
    const r = promtool(OPS, "test", "rules", "portal-rules.test.yml");
    expect(r.output).toContain("SUCCESS");
    expect(r.status).toBe(0);
  });

  it.each([
    ["an outbox threshold of 10 min", (s: string) => s.replace("max(portal_outbox_oldest_pending_seconds) > 300", "max(portal_outbox_oldest_pending_seconds) > 600"), "PortalOutboxStuck"],
    ["no leader only when some replica reports", (s: string) => s.replace("(sum(portal_relay_leader) or vector(0)) < 1", "sum(portal_relay_leader) < 1"), "PortalNoRelayLeader"],
    ["control plane down on any one replica", (s: string) => s.replace("max(portal_control_plane_up) == 0", "min(portal_control_plane_up) == 0"), "PortalControlPlaneDown"],
    ["chain failures forgotten after 5 min", (s: string) => s.replace("[30m]", "[5m]"), "PortalAuditChainVerificationFailed"],
  ])("a weakened rule fails the tests: %s", (_name, weaken, alert) => {
    const original = readFileSync(path.join(OPS, "portal-rules.yml"), "utf8");
    const weakened = weaken(original);
    expect(weakened).not.toBe(original);
    writeFileSync(path.join(dir, "portal-rules.yml"), weakened);
    copyFileSync(path.join(OPS, "portal-rules.test.yml"), path.join(dir, "portal-rules.test.yml"));
    const r = promtool(dir, "test", "rules", "portal-rules.test.yml");
    expect(r.status).not.toBe(0);
    expect(r.output).toContain(`alertname: ${alert}`);
  });
});
