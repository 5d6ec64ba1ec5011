import { NextResponse } from "next/server";
import { currentActor } from "@/lib/auth/session";
import { homeView } from "@/lib/data/home";

export const dynamic = "force-dynamic";

/** What needs the signed-in person now (the start page and the nav's badges poll it while visible). */
export async function GET() {
  const actor = await currentActor();
  if (!actor) return NextResponse.json({ message: "Sign in to see what needs you." }, { status: 401, headers: { "Cache-Control": "no-store" } });
  // Each part is filtered by the person's permissions inside homeView (incidents need incident.view, runs run.view).
  return NextResponse.json(await homeView(actor), { headers: { "Cache-Control": "private, no-store" } });
}
