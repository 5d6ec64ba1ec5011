import { NextResponse } from "next/server";
import { z } from "zod";
import { currentActor } from "@/lib/auth/session";
import { readRefusal } from "@/lib/http/read-access";
import { getOnboardingFiles } from "@/lib/data/onboarding";

/**
 * A generated file of an onboarding as an attachment: signed in, allowed to see onboardings, and this one (its
 * requester or an SRE), once approved.
 */
export async function downloadOnboardingFile(req: Request, rawId: string, which: "workflow" | "alertRules"): Promise<Response> {
  const id = z.uuid().safeParse(rawId);
  if (!id.success) return NextResponse.json({ message: "Not an onboarding id." }, { status: 400 });
  const actor = await currentActor().catch(() => null);
  const refused = await readRefusal(actor, "onboarding.request", `GET /api/onboarding/[id]/${which === "alertRules" ? "alert-rules" : which}`, req.headers);
  if (!actor || refused) return refused!;
  const found = await getOnboardingFiles(actor, id.data, new URL(req.url).origin);
  if (found.status === "not-found") return NextResponse.json({ message: "There is no such onboarding." }, { status: 404 });
  if (found.status === "not-approved") return NextResponse.json({ message: "The files are generated once the request is approved." }, { status: 409 });
  const file = found.files[which];
  return new Response(file.text, {
    headers: {
      "Content-Type": "application/yaml; charset=utf-8",
      "Content-Disposition": `attachment; filename="${file.name}"`,
      "Cache-Control": "private, no-store",
    },
  });
}
