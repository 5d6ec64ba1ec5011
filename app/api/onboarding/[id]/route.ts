import { NextResponse } from "next/server";
import { z } from "zod";
import { currentActor } from "@/lib/auth/session";
import { readRefusal } from "@/lib/http/read-access";
import { getOnboardingView } from "@/lib/data/onboarding";

export const dynamic = "force-dynamic";

/** The onboarding as its page shows it; polled by its viewers for live updates. */
export async function GET(req: Request, { params }: { params: Promise<{ id: string }> }) {
  const id = z.uuid().safeParse((await params).id);
  if (!id.success) return NextResponse.json({ message: "Not an onboarding id." }, { status: 400 });
  const actor = await currentActor().catch(() => null);
  const refused = await readRefusal(actor, "onboarding.request", "GET /api/onboarding/[id]", req.headers);
  if (!actor || refused) return refused!;
  const view = await getOnboardingView(actor, id.data, { portalUrl: new URL(req.url).origin });
  if (!view) return NextResponse.json({ message: "There is no such onboarding." }, { status: 404 });
  return NextResponse.json(view, { headers: { "Cache-Control": "private, no-store" } });
}
