import type { Metadata } from "next";
import Link from "next/link";
import { requireActor } from "@/lib/next/guard";
import { listOnboardings } from "@/lib/data/onboarding";
import { PHASE_LABELS } from "@/lib/onboarding/impact";
import { paths } from "@/lib/paths";
import { PageHeader } from "@/components/ui/page-header";
import { buttonClass } from "@/components/ui/button";
import { Time } from "@/components/ui/time";
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
      <div className="overflow-x-auto rounded-lg border border-zinc-200 bg-white dark:border-zinc-800 dark:bg-zinc-900">
        <table className="w-full text-left text-sm" data-testid="onboarding-list">
          <thead className="border-b border-zinc-200 text-xs uppercase tracking-wide text-zinc-500 dark:border-zinc-800">
            <tr>
              <th className="px-3 py-2">Repo</th>
              <th className="px-3 py-2">Team</th>
              <th className="px-3 py-2">Phase</th>
              <th className="px-3 py-2">State</th>
              <th className="px-3 py-2">Requested by</th>
              <th className="px-3 py-2">Requested</th>
            </tr>
          </thead>
          <tbody className="divide-y divide-zinc-200 dark:divide-zinc-800">
            {items.length === 0 && (
              <tr>
                <td colSpan={6} className="px-3 py-6 text-center text-zinc-500">
                  No onboarding requests yet.
                </td>
              </tr>
            )}
            {items.map((o) => (
              <tr key={o.id} data-testid="onboarding-row">
                <td className="px-3 py-2 font-medium">
                  <Link href={paths.onboardingItem(o.id)} className="text-indigo-700 hover:underline dark:text-indigo-300">
                    {o.repoName}
                  </Link>
                </td>
                <td className="px-3 py-2">{o.team}</td>
                <td className="px-3 py-2">{PHASE_LABELS[o.targetPhase]}</td>
                <td className="px-3 py-2">
                  <OnboardingStateBadge state={o.state} />
                </td>
                <td className="px-3 py-2">{o.requestedBy}</td>
                <td className="whitespace-nowrap px-3 py-2 text-xs">
                  <Time value={new Date(o.createdAt)} />
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </>
  );
}
