import { NextResponse, type NextRequest } from "next/server";
import { z } from "zod";
import { currentActor } from "@/lib/auth/session";
import { executeAction } from "@/lib/actions/safe-action";
import { HTTP_STATUS, type ActionResult } from "@/lib/actions/result";
import { approveStepAction, decideStepAction, requestStepAction, signStepAction, skipStepAction } from "@/lib/runs/actions";

export const dynamic = "force-dynamic";

const body = z.object({ op: z.enum(["sign", "request", "approve", "decide", "skip"], { error: "op must be sign, request, approve, decide or skip." }) }).passthrough();

/**
 * Acts on a step of a run (JSON API for automation and chat-ops): the same actions, checks and audit trail as the
 * run page. Body: `{ "op": "sign" | "request" | "approve" | "decide" | "skip", …fields of that action }`.
 */
export async function POST(req: NextRequest, { params }: { params: Promise<{ id: string; stepId: string }> }) {
  const { id, stepId } = await params;
  let raw: unknown;
  try {
    raw = await req.json();
  } catch {
    return NextResponse.json({ ok: false, code: "INVALID", message: "The body must be JSON." }, { status: 400 });
  }
  const parsed = body.safeParse(raw);
  if (!parsed.success) return NextResponse.json({ ok: false, code: "INVALID", message: parsed.error.issues[0].message }, { status: 400 });
  const actor = await currentActor().catch(() => null);
  const input = { ...parsed.data, runId: id, stepId };
  let result: ActionResult<unknown>;
  switch (parsed.data.op) {
    case "sign":
      result = await executeAction(signStepAction, actor, input);
      break;
    case "request":
      result = await executeAction(requestStepAction, actor, input);
      break;
    case "approve":
      result = await executeAction(approveStepAction, actor, input);
      break;
    case "decide":
      result = await executeAction(decideStepAction, actor, input);
      break;
    case "skip":
      result = await executeAction(skipStepAction, actor, input);
      break;
  }
  return NextResponse.json(result, { status: result.ok ? 200 : HTTP_STATUS[result.code] });
}
