import { readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { CONTROL_PLANE_ACTIONS } from "./actions";
import { buildOpenApiDocument } from "./openapi";

type Doc = {
  openapi: string;
  paths: Record<string, Record<string, { requestBody?: { content: Record<string, { schema: { $ref: string } }> }; parameters?: unknown[]; responses: Record<string, unknown> }>>;
  components: { schemas: Record<string, Record<string, unknown>>; responses: Record<string, unknown>; parameters: Record<string, unknown> };
};

const doc = buildOpenApiDocument({ serverUrl: "http://127.0.0.1:4010" }) as unknown as Doc;

function refs(value: unknown, out: string[] = []): string[] {
  if (Array.isArray(value)) value.forEach((v) => refs(v, out));
  else if (value && typeof value === "object") {
    for (const [k, v] of Object.entries(value)) {
      if (k === "$ref" && typeof v === "string") out.push(v);
      else refs(v, out);
    }
  }
  return out;
}

describe("OpenAPI document", () => {
  it("is OpenAPI 3.1 with one POST endpoint per action, each taking an Idempotency-Key", () => {
    expect(doc.openapi).toBe("3.1.0");
    for (const action of CONTROL_PLANE_ACTIONS) {
      const op = doc.paths[`/v1/actions/${action}`]?.post;
      expect(op, action).toBeDefined();
      expect(op.parameters).toEqual([{ $ref: "#/components/parameters/IdempotencyKey" }]);
      expect(op.requestBody?.content["application/json"].schema.$ref).toMatch(/Params$/);
      expect(Object.keys(op.responses).sort()).toEqual(["200", "400", "404", "409", "422", "429", "503"]);
    }
    expect(Object.keys(doc.paths).filter((p) => p.startsWith("/v1/actions/"))).toHaveLength(14);
  });

  it("describes the telemetry reads", () => {
    for (const p of ["/v1/telemetry", "/v1/telemetry/flows", "/v1/telemetry/flows/{flowId}", "/v1/telemetry/aggregates", "/v1/telemetry/providers", "/v1/telemetry/capacity", "/v1/settings"]) {
      expect(doc.paths[p]?.get, p).toBeDefined();
    }
    const flow = doc.components.schemas.Flow as { properties: Record<string, unknown>; required: string[] };
    expect(flow.required).toEqual(expect.arrayContaining(["repo", "provider", "model", "status", "durationMs", "contextKb", "tokens", "costUsd", "qualityGatesPassed", "errorType"]));
  });

  it("resolves every $ref inside the document and carries no per-schema $id", () => {
    const all = refs(doc);
    expect(all.length).toBeGreaterThan(50);
    for (const ref of all) {
      const [, section, name] = /^#\/components\/(schemas|responses|parameters)\/(.+)$/.exec(ref) ?? [];
      expect(section, ref).toBeDefined();
      expect(doc.components[section as "schemas"][name], ref).toBeDefined();
    }
    for (const schema of Object.values(doc.components.schemas)) expect(schema).not.toHaveProperty("$id");
  });

  it("documents canonical request bodies (e.g. throttle-repo's repos as an array, weights as an object)", () => {
    const throttle = doc.components.schemas.ThrottleRepoParams as { properties: Record<string, { type?: string }> };
    expect(throttle.properties.repos.type).toBe("array");
    const routing = doc.components.schemas.SetRoutingWeightsParams as { properties: Record<string, unknown> };
    expect(JSON.stringify(routing.properties.weights)).toContain("google");
  });
});

describe("docs/openapi/control-plane.json", () => {
  it("matches the contract (regenerate with `npx tsx docs/openapi/generate.ts`)", () => {
    const file = path.join(process.cwd(), "docs/openapi/control-plane.json");
    expect(JSON.parse(readFileSync(file, "utf8"))).toEqual(buildOpenApiDocument());
  });
});
