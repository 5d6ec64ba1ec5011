import { NextResponse } from "next/server";
import { currentActor } from "@/lib/auth/session";
import { homeView } from "@/lib/data/home";
import { readRefusal } from "@/lib/http/read-access";

export const dynamic = "force-dynamic";

/** What needs the signed-in person now (the start page and the nav's badges poll it while visible). */
export async function GET(req: Request) {
  const actor = await currentActor().catch(() => null);
  // Any signed-in person: each part is filtered by their permissions inside homeView (incidents need
  // incident.view, runs run.view).
  const refused = await readRefusal(actor, null, "GET /api/home", req.headers);
  if (!actor || refused) return refused!;
  return NextResponse.json(await homeView(actor), { headers: { "Cache-Control": "private, no-store" } });
}
