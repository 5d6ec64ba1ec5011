/**
 * The image and the compose file (issue 17 item 4) cannot be built or run here (no container runtime), so this keeps
 * them honest against what is tested: the image's command is the one e2e/standalone.standalone.spec.ts runs, as a
 * non-root user, with a health check on the live endpoint; the compose file runs what docs/deploy.md promises.
 */
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";

const dockerfile = readFileSync("Dockerfile", "utf8");
const stage = (name: string) => {
  const from = dockerfile.split(/^FROM /m).find((s) => new RegExp(`\\bAS ${name}\\b`).test(s.split("\n")[0]));
  if (!from) throw new Error(`no stage ${name}`);
  return from;
};

describe("Dockerfile", () => {
  it("is multi-stage, and its last stage is the runner", () => {
    const stages = [...dockerfile.matchAll(/^FROM \S+ AS (\w+)/gm)].map((m) => m[1]);
    expect(stages).toEqual(["deps", "builder", "migrate", "runner"]);
  });

  it("runs the assembled standalone server as a non-root user, as the smoke test does", () => {
    const runner = stage("runner");
    expect(runner).toMatch(/^USER node$/m);
    expect(runner).toMatch(/^CMD \["node", "server\.js"\]$/m);
    expect(runner).toMatch(/COPY --from=builder --chown=node:node \/app\/\.next\/standalone \.\//);
    expect(stage("builder")).toMatch(/node scripts\/assemble-standalone\.mjs/);
    const spec = readFileSync("e2e/standalone.standalone.spec.ts", "utf8");
    expect(spec).toMatch(/scripts\/assemble-standalone\.mjs/);
    expect(spec).toMatch(/spawn\(process\.execPath, \["server\.js"\]/);
  });

  it("checks health on the live endpoint", () => {
    expect(stage("runner")).toMatch(/HEALTHCHECK[\s\S]*\/api\/health\/live/);
  });
});

describe("ops/compose/compose.yaml", () => {
  const compose = parse(readFileSync("ops/compose/compose.yaml", "utf8"), { merge: true }) as { services: Record<string, Record<string, unknown>> };
  const env = (service: string) => compose.services[service].environment as Record<string, string>;

  it("runs PostgreSQL, a one-shot migration, two replicas behind a load balancer, Alertmanager and Prometheus", () => {
    expect(Object.keys(compose.services).sort()).toEqual(["alertmanager", "lb", "migrate", "portal-a", "portal-b", "postgres", "prometheus"]);
    expect(compose.services.migrate.restart).toBe("no");
    for (const replica of ["portal-a", "portal-b"]) {
      expect(compose.services[replica].depends_on).toMatchObject({ migrate: { condition: "service_completed_successfully" } });
    }
  });

  it("migrates as the owner and serves as the application role, with the owner's credentials kept from the replicas", () => {
    expect(env("migrate").DATABASE_OWNER_URL).toMatch(/^postgres:\/\/portal_owner:/);
    for (const replica of ["portal-a", "portal-b"]) {
      expect(env(replica).DATABASE_URL).toMatch(/^postgres:\/\/portal_app:/);
      expect(env(replica).DATABASE_OWNER_URL).toBeUndefined();
      expect(env(replica).PORTAL_DEV_SIGN_IN).toBe("false");
    }
    expect(env("portal-a").AUDIT_ANCHOR_FILE).not.toBe(env("portal-b").AUDIT_ANCHOR_FILE);
  });

  it("routes Alertmanager to the portal's webhook and has Prometheus scrape both replicas with the portal's rules", () => {
    const am = parse(readFileSync("ops/compose/alertmanager.yml", "utf8"));
    expect(am.receivers[0].webhook_configs[0].url).toMatch(/\/api\/alerts\/alertmanager$/);
    const prom = parse(readFileSync("ops/compose/prometheus.yml", "utf8"));
    expect(prom.scrape_configs[0].static_configs[0].targets).toEqual(["portal-a:3000", "portal-b:3000"]);
    expect(prom.rule_files).toEqual(["/etc/prometheus/portal-rules.yml"]);
    expect(compose.services.prometheus.volumes).toContain("../prometheus/portal-rules.yml:/etc/prometheus/portal-rules.yml:ro");
  });
});
