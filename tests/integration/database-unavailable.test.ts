import { describe, expect, it } from "vitest";
import { executeAction } from "@/lib/actions/safe-action";
import { startRunAction } from "@/lib/runs/start-run";
import { freePort } from "@/scripts/lib/ports";

describe("when PostgreSQL is unreachable", () => {
  it("a mutation answers UNAVAILABLE with a plain message and a correlation id, not a stack trace", async () => {
    process.env.DATABASE_URL = `postgresql://portal:x@127.0.0.1:${await freePort()}/portal`;
    const actor = { id: "00000000-0000-4000-8000-000000000001", email: "sre@ops.example", name: "SRE", roles: ["SRE" as const] };
    const result = await executeAction(startRunAction, actor, { runbookId: "RB-CORE-001" });
    expect(result).toMatchObject({ ok: false, code: "UNAVAILABLE" });
    if (result.ok) return;
    expect(result.message).toMatch(/database is unreachable/);
    expect(result.message).not.toMatch(/ECONNREFUSED|at .*\.ts/);
    expect(result.correlationId).toMatch(/^[0-9a-f-]{36}$/);
  });
});
