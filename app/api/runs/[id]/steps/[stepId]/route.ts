import { NextResponse } from "next/server";
import { z } from "zod";
import { executeAction, type AnyActionDefinition } from "@/lib/actions/safe-action";
import { HTTP_STATUS, type ActionResult } from "@/lib/actions/result";
import { BODY_LIMITS } from "@/lib/http/perimeter";
import { LIMITS } from "@/lib/http/rate-limit";
import { jsonRoute } from "@/lib/next/json-route";
import { approveStepAction, decideStepAction, requestStepAction, signStepAction, skipStepAction } from "@/lib/runs/actions";

export const dynamic = "force-dynamic";

/** The run page's step actions, by the body's `op`. */
const STEP_ACTIONS = { sign: signStepAction, request: requestStepAction, approve: approveStepAction, decide: decideStepAction, skip: skipStepAction } as const;

const body = z.object({ op: z.enum(["sign", "request", "approve", "decide", "skip"], { error: "op must be sign, request, approve, decide or skip." }) }).passthrough();

/**
 * Acts on a step of a run (JSON API for automation and chat-ops): the same actions, checks and audit trail as the
 * run page. Body: `{ "op": "sign" | "request" | "approve" | "decide" | "skip", …fields of that action }`.
 */
export const POST = jsonRoute<{ params: Promise<{ id: string; stepId: string }> }>(
  // Evidence and reasons are free text: the larger text limit.
  { endpoint: "POST /api/runs/:id/steps/:stepId", maxBytes: BODY_LIMITS.text, rateLimit: LIMITS.action },
  async ({ actor, body: raw }, { params }) => {
    const { id, stepId } = await params;
    const parsed = body.safeParse(raw);
    if (!parsed.success) return NextResponse.json({ ok: false, code: "INVALID", message: parsed.error.issues[0].message }, { status: 400 });
    const input = { ...parsed.data, runId: id, stepId };
    const result: ActionResult<unknown> = await executeAction(STEP_ACTIONS[parsed.data.op] as AnyActionDefinition<z.ZodType, unknown, unknown>, actor, input);
    return NextResponse.json(result, { status: result.ok ? 200 : HTTP_STATUS[result.code] });
  },
);
