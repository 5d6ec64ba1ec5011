import type { Metadata } from "next";
import { Link } from "@/components/ui/link";
import { requireActor } from "@/lib/next/guard";
import { can } from "@/lib/auth/permissions";
import { ROLE_LABELS } from "@/lib/auth/roles";
import { listAccess } from "@/lib/data/access";
import { paths } from "@/lib/paths";
import { PageHeader } from "@/components/ui/page-header";
import { Card } from "@/components/ui/card";
import { Badge } from "@/components/ui/badge";
import { buttonClass } from "@/components/ui/button";
import { Time } from "@/components/ui/time";
import { DataTable } from "@/components/ui/data-table";
import { AddPersonForm, DecideGrantForm, DisableForm, GrantRoleForm, RevokeRoleForm } from "@/components/access/access-forms";

export const metadata: Metadata = { title: "Access" };

const SOURCE = (r: { portal: boolean; idp: boolean }) => (r.portal && r.idp ? "granted here and identity provider" : r.portal ? "granted here" : "identity provider");

/**
 * Access administration (InfoSec): everyone, their roles and where each comes from, their last sign-in and whether
 * they are disabled; add people, grant and revoke roles, disable and enable; decide privileged grant requests.
 */
export default async function AccessPage() {
  const actor = await requireActor("access.admin");
  const data = await listAccess(actor);
  if (!data) return null;
  const { people, pending } = data;
  return (
    <>
      <PageHeader
        title="Access"
        description="Who may use the portal, with which roles. Every change is in the audit log with the person before and after, and ends the person's open sessions at their next request."
        actions={
          can(actor, "access.review") ? (
            <Link href={paths.accessReview()} className={buttonClass("secondary")}>
              Access review
            </Link>
          ) : undefined
        }
      />

      <div className="mb-4 rounded-md border border-sky-200 bg-sky-50 p-3 text-sm text-sky-950 dark:border-sky-900 dark:bg-sky-950 dark:text-sky-100" data-testid="idp-note">
        <p>
          <strong>Roles from the identity provider</strong> come from the person&apos;s groups and are recomputed at every sign-in. Revoking one here
          <strong> blocks it</strong>: it gives nothing, whatever the groups say, until an administrator grants it here again. Remove the person from
          the group at the provider too, or the block is all that stands between them and the role.
        </p>
        <p className="mt-1">
          Granting Auditor, InfoSec or Incident commander records a request that a second administrator approves (not the requester, not the person). Nobody
          changes their own roles or disables themselves.
        </p>
      </div>

      <Card title={`Waiting for a second administrator (${pending.length})`} className="mb-4">
        {pending.length === 0 ? (
          <p className="text-sm text-zinc-500">No grant requests are waiting.</p>
        ) : (
          <ul className="divide-y divide-zinc-200 dark:divide-zinc-800" data-testid="pending-grants">
            {pending.map((r) => {
              const label = `${ROLE_LABELS[r.role]} for ${r.personName}`;
              return (
                <li key={r.id} className="flex flex-wrap items-center justify-between gap-3 py-2 text-sm" data-testid="pending-grant">
                  <div>
                    <span className="font-medium">{label}</span>
                    <span className="block text-xs text-zinc-600 dark:text-zinc-400">
                      Requested by {r.requestedBy}, <Time value={r.createdAt} />
                      {r.reason ? ` · ${r.reason}` : ""}
                    </span>
                  </div>
                  {r.personId === actor.id ? (
                    <span className="text-xs text-zinc-600 dark:text-zinc-400">About your own roles: another administrator decides.</span>
                  ) : (
                    <div className="flex flex-col items-end gap-1">
                      {r.requestedById === actor.id && <span className="text-xs text-zinc-600 dark:text-zinc-400">You requested this: a second administrator approves it.</span>}
                      <DecideGrantForm requestId={r.id} label={label} mine={r.requestedById === actor.id} />
                    </div>
                  )}
                </li>
              );
            })}
          </ul>
        )}
      </Card>

      <Card title="Add a person" className="mb-4">
        <AddPersonForm />
      </Card>

      <DataTable
        testId="access-people"
        caption="People, their roles and where each comes from"
        hideCaption
        rows={people}
        rowKey={(p) => p.id}
        rowProps={(p) => ({ "data-testid": "access-person", "data-email": p.email, className: "align-top" })}
        columns={[
          {
            header: "Person",
            rowHeader: true,
            cell: (p) => (
              <>
                <span className="font-medium">{p.name}</span>
                {p.id === actor.id && <span className="ml-1 text-xs text-zinc-500">(you)</span>}
                <span className="block text-xs text-zinc-600 dark:text-zinc-400">{p.email}</span>
                {p.ssoBound && <span className="block text-xs text-zinc-500">single sign-on</span>}
              </>
            ),
          },
          {
            header: "Roles (source)",
            cell: (p) => (
              <>
                {p.roles.length === 0 && <span className="text-xs text-zinc-500">no role</span>}
                <ul className="flex flex-col gap-1">
                  {p.roles.map((r) => (
                    <li key={r.role} data-testid="access-role" data-role={r.role} data-held={r.held ? "yes" : "no"} className="flex items-center gap-1">
                      <Badge tone={r.held ? "violet" : "zinc"} className={r.held ? undefined : "line-through"}>
                        {ROLE_LABELS[r.role]}
                      </Badge>
                      <span className="text-xs text-zinc-600 dark:text-zinc-400">{r.held ? SOURCE(r) : "identity provider, blocked here"}</span>
                      {r.held && p.id !== actor.id && <RevokeRoleForm personId={p.id} personName={p.name} role={r.role} fromIdp={r.idp} />}
                    </li>
                  ))}
                </ul>
              </>
            ),
          },
          {
            header: "Last sign-in",
            className: "text-xs whitespace-nowrap",
            cell: (p) => (p.lastSignInAt ? <Time value={p.lastSignInAt} /> : <span className="text-zinc-500">never</span>),
          },
          { header: "Status", cell: (p) => (p.disabled ? <Badge tone="red">Disabled</Badge> : <Badge tone="green">Active</Badge>) },
          {
            header: "Change",
            cell: (p) =>
              p.id === actor.id ? (
                <span className="text-xs text-zinc-500">Another administrator changes your access.</span>
              ) : (
                <div className="flex flex-col items-start gap-2">
                  <GrantRoleForm personId={p.id} personName={p.name} held={p.roles.filter((r) => r.held).map((r) => r.role)} />
                  <DisableForm personId={p.id} personName={p.name} disabled={p.disabled} />
                </div>
              ),
          },
        ]}
      />
    </>
  );
}
