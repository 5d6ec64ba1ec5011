import type { Metadata } from "next";
import { headers } from "next/headers";
import { notFound } from "next/navigation";
import { z } from "zod";
import { requireActor } from "@/lib/next/guard";
import { getOnboardingView } from "@/lib/data/onboarding";
import { OnboardingView } from "@/components/onboarding/onboarding-view";

export const metadata: Metadata = { title: "Onboarding" };

/** One onboarding, live. Someone else's request is "not found" to a repo owner (SREs see all). */
export default async function OnboardingPage({ params }: { params: Promise<{ id: string }> }) {
  const actor = await requireActor("onboarding.request");
  const id = z.uuid().safeParse((await params).id);
  if (!id.success) notFound();
  const h = await headers();
  const host = h.get("x-forwarded-host") ?? h.get("host");
  const portalUrl = host ? `${h.get("x-forwarded-proto") ?? "http"}://${host}` : undefined;
  const view = await getOnboardingView(actor, id.data, { portalUrl });
  if (!view) notFound();
  return <OnboardingView initial={view} />;
}
