import { NextResponse } from "next/server";
import { z } from "zod";
import { currentActor } from "@/lib/auth/session";
import { can } from "@/lib/auth/permissions";
import { getOnboardingView } from "@/lib/data/onboarding";
import { log } from "@/lib/log";

export const dynamic = "force-dynamic";

/** The onboarding as its page shows it; polled by its viewers for live updates. */
export async function GET(req: Request, { params }: { params: Promise<{ id: string }> }) {
  const id = z.uuid().safeParse((await params).id);
  if (!id.success) return NextResponse.json({ message: "Not an onboarding id." }, { status: 400 });
  const actor = await currentActor();
  if (!actor) return NextResponse.json({ message: "Sign in to see this onboarding." }, { status: 401 });
  if (!can(actor, "onboarding.request")) {
    log.warn("route.refused", { route: "GET /api/onboarding/[id]", actorId: actor.id });
    return NextResponse.json({ message: "You do not have permission to see onboardings." }, { status: 403 });
  }
  const view = await getOnboardingView(actor, id.data, { portalUrl: new URL(req.url).origin });
  if (!view) return NextResponse.json({ message: "There is no such onboarding." }, { status: 404 });
  return NextResponse.json(view, { headers: { "Cache-Control": "private, no-store" } });
}
