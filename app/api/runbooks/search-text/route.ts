import { NextResponse } from "next/server";
import { currentActor } from "@/lib/auth/session";
import { readRefusal } from "@/lib/http/read-access";
import { listRunbooks } from "@/lib/runbooks";
import { stepsTexts } from "@/lib/runbooks/search";

export const dynamic = "force-dynamic";

/**
 * Every runbook's step text, for the index page's search: kept out of the page's HTML, which would otherwise carry
 * it twice (markup and React's payload) to everyone who opens the index. It changes only with a new build.
 */
export async function GET(req: Request) {
  const actor = await currentActor().catch(() => null);
  const refused = await readRefusal(actor, "runbook.view", "GET /api/runbooks/search-text", req.headers);
  if (refused) return refused;
  return NextResponse.json(stepsTexts(listRunbooks()), { headers: { "Cache-Control": "private, max-age=300" } });
}
