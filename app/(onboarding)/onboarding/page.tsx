import type { Metadata } from "next";
import { Link } from "@/components/ui/link";
import { requireActor } from "@/lib/next/guard";
import { listOnboardings } from "@/lib/data/onboarding";
import { PHASE_LABELS } from "@/lib/onboarding/impact";
import { paths } from "@/lib/paths";
import { PageHeader } from "@/components/ui/page-header";
import { buttonClass } from "@/components/ui/button";
import { Time } from "@/components/ui/time";
import { DataTable } from "@/components/ui/data-table";
import { OnboardingStateBadge } from "@/components/onboarding/state-badge";

export const metadata: Metadata = { title: "Onboarding" };

/** Onboarding requests: a repo owner sees theirs, an SRE sees everyone's. */
export default async function OnboardingListPage() {
  const actor = await requireActor("onboarding.request");
  const { scope, items } = await listOnboardings(actor);
  return (
    <>
      <PageHeader
        title="Repo onboarding"
        description={
          scope === "all"
            ? "Every onboarding request (RB-LAUNCH-001), newest first. Review those awaiting review."
            : "Your onboarding requests (RB-LAUNCH-001): from request to a first green flow, with an SRE approving."
        }
        actions={
          <Link href={paths.onboardingNew()} className={buttonClass("primary")}>
            Request onboarding
          </Link>
        }
      />
      <DataTable
        testId="onboarding-list"
        rows={items}
        rowKey={(o) => o.id}
        rowProps={() => ({ "data-testid": "onboarding-row" })}
        empty="No onboarding requests yet."
        columns={[
          {
            header: "Repo",
            className: "font-medium",
            cell: (o) => (
              <Link href={paths.onboardingItem(o.id)} className="text-indigo-700 hover:underline dark:text-indigo-300">
                {o.repoName}
              </Link>
            ),
          },
          { header: "Team", cell: (o) => o.team },
          { header: "Phase", cell: (o) => PHASE_LABELS[o.targetPhase] },
          { header: "State", cell: (o) => <OnboardingStateBadge state={o.state} /> },
          { header: "Requested by", cell: (o) => o.requestedBy },
          { header: "Requested", className: "whitespace-nowrap text-xs", cell: (o) => <Time value={new Date(o.createdAt)} /> },
        ]}
      />
    </>
  );
}
