import type { Metadata } from "next";
import { randomUUID } from "node:crypto";
import { z } from "zod";
import { requireActor } from "@/lib/next/guard";
import { getOwnRequestForPrefill } from "@/lib/data/onboarding";
import { paths } from "@/lib/paths";
import { PageHeader } from "@/components/ui/page-header";
import { Card } from "@/components/ui/card";
import { RequestForm } from "@/components/onboarding/request-form";
import { Breadcrumb } from "@/components/ui/breadcrumb";

export const metadata: Metadata = { title: "Request onboarding" };

/** The request form; `?from=<id>` prefills it from one of the person's own requests that was sent back. */
export default async function NewOnboardingPage({ searchParams }: { searchParams: Promise<{ from?: string }> }) {
  const actor = await requireActor("onboarding.request");
  const from = z.uuid().safeParse((await searchParams).from);
  const previous = from.success ? await getOwnRequestForPrefill(actor, from.data) : null;
  // One key per form shown: submitting the same form twice creates one request.
  const submissionKey = randomUUID();
  return (
    <>
      <Breadcrumb href={paths.onboarding()} parent="Onboarding">new request</Breadcrumb>
      <PageHeader
        title="Request onboarding"
        description="Onboard your repo to the orchestrator (RB-LAUNCH-001). An SRE reviews the request; then you add the generated workflow, run your first flow and follow week 1 here."
      />
      {previous?.reviewReason && (
        <p role="status" className="mb-4 rounded-md border border-amber-300 bg-amber-50 p-3 text-sm text-amber-900 dark:border-amber-800 dark:bg-amber-950 dark:text-amber-100">
          Your previous request was sent back: {previous.reviewReason}
        </p>
      )}
      <Card>
        <RequestForm submissionKey={submissionKey} defaults={previous ?? undefined} />
      </Card>
    </>
  );
}
