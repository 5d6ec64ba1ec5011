import { Link } from "@/components/ui/link";
import { requireActor } from "@/lib/next/guard";
import { homeView } from "@/lib/data/home";
import { listRunbooks } from "@/lib/runbooks";
import { paths } from "@/lib/paths";
import { Card } from "@/components/ui/card";
import { SeverityBadge } from "@/components/runbooks/severity-badge";
import { HomeView } from "@/components/home/home-view";
import { holdsOneOf } from "@/lib/auth/permissions";
import { overdueWork } from "@/lib/followups/read";
import { getContacts } from "@/lib/contacts/load";
import { OverdueCard } from "@/components/followups/overdue-card";
import { SupportLinks } from "@/components/contacts/support-links";

/** The start page answers "what needs me now": open incidents, steps waiting on me, my runs; then the urgent runbooks. */
export default async function HomePage() {
  const actor = await requireActor();
  const [view, overdue] = await Promise.all([homeView(actor), overdueWork(actor, "mine")]);
  const urgent = listRunbooks().filter((rb) => rb.severity === "CRITICAL" || rb.severity === "HIGH");
  return (
    <>
      <h1 className="text-2xl font-semibold tracking-tight">Good to see you, {actor.name.split(" ")[0]}</h1>
      <p className="mt-1 text-sm text-zinc-600 dark:text-zinc-400">What needs you now. This page keeps itself up to date while it is open.</p>
      <div className="mt-6">
        <HomeView initial={view} />
      </div>
      {overdue.followUps.length + overdue.rcas.length > 0 && <OverdueCard work={overdue} title="Overdue: your follow-ups and RCAs" className="mt-6" />}
      {holdsOneOf(actor, ["REPO_OWNER"]) && <SupportLinks links={getContacts().links} />}
      <Card
        title="Critical and high-severity runbooks"
        className="mt-6"
        actions={
          <Link href={paths.runbooks()} className="text-sm text-indigo-700 hover:underline dark:text-indigo-300">
            All runbooks
          </Link>
        }
      >
        <ul className="divide-y divide-zinc-200 dark:divide-zinc-800">
          {urgent.map((rb) => (
            <li key={rb.id} className="flex items-center justify-between gap-3 py-2">
              <Link href={paths.runbook(rb.id)} className="text-sm hover:underline">
                <span className="font-medium">{rb.id}</span> {rb.title}
              </Link>
              <span className="flex items-center gap-2 text-xs text-zinc-500">
                {rb.responseTime.label}
                <SeverityBadge severity={rb.severity} />
              </span>
            </li>
          ))}
        </ul>
      </Card>
    </>
  );
}
