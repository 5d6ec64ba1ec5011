"use client";

import { addPerson, decideGrant, grantRole, revokeRole, setDisabled } from "@/lib/next/actions/access";
import { ROLES, ROLE_LABELS, type Role } from "@/lib/auth/roles";
import { isPrivileged } from "@/lib/access/rules";
import { ActionForm } from "../ui/action-form";
import { Button } from "../ui/button";

const field = "w-full rounded-md border border-zinc-300 bg-white px-2 py-1.5 text-sm dark:border-zinc-700 dark:bg-zinc-950";
const small = "rounded-md border border-zinc-300 bg-white px-2 py-1 text-sm dark:border-zinc-700 dark:bg-zinc-950";

function FieldError({ id, text }: { id: string; text?: string }) {
  return text ? (
    <span id={id} className="mt-0.5 block text-xs font-normal text-red-700 dark:text-red-300">
      {text}
    </span>
  ) : null;
}

const roleOption = (r: Role) => `${ROLE_LABELS[r]}${isPrivileged(r) ? " (needs a second administrator)" : ""}`;

/** Add someone who has not signed in yet (e.g. before their first single sign-on, or who has no mapped group). */
export function AddPersonForm() {
  return (
    <ActionForm action={addPerson} testId="add-person" className="grid gap-3 sm:grid-cols-2 lg:grid-cols-[1.2fr_1fr_2fr_auto] lg:items-start">
      {(pending, err) => (
        <>
          <label className="text-xs font-medium" htmlFor="add-email">
            Email
            <input id="add-email" name="email" type="email" required autoComplete="off" className={field} aria-invalid={err("email") ? true : undefined} aria-describedby={err("email") ? "add-email-err" : undefined} />
            <FieldError id="add-email-err" text={err("email")} />
          </label>
          <label className="text-xs font-medium" htmlFor="add-name">
            Name
            <input id="add-name" name="name" required autoComplete="off" className={field} aria-invalid={err("name") ? true : undefined} aria-describedby={err("name") ? "add-name-err" : undefined} />
            <FieldError id="add-name-err" text={err("name")} />
          </label>
          <fieldset className="text-xs font-medium" aria-describedby={err("roles") ? "add-roles-err" : "add-roles-hint"}>
            <legend>Roles</legend>
            <div className="mt-1 flex flex-wrap gap-x-3 gap-y-1 font-normal">
              {ROLES.map((r) => (
                <label key={r} className="inline-flex items-center gap-1 text-sm">
                  <input type="checkbox" name="roles" value={r} />
                  {ROLE_LABELS[r]}
                  {isPrivileged(r) && <span aria-hidden="true">*</span>}
                </label>
              ))}
            </div>
            <span id="add-roles-hint" className="mt-0.5 block font-normal text-zinc-500">
              * Auditor, InfoSec and Incident commander are requested: a second administrator approves them.
            </span>
            <FieldError id="add-roles-err" text={err("roles")} />
          </fieldset>
          <div className="flex items-end">
            <Button type="submit" disabled={pending}>
              Add person
            </Button>
          </div>
        </>
      )}
    </ActionForm>
  );
}

/** Grant a role to one person (a privileged role becomes a request). */
export function GrantRoleForm({ personId, personName, held }: { personId: string; personName: string; held: Role[] }) {
  const options = ROLES.filter((r) => !held.includes(r));
  if (options.length === 0) return null;
  const id = `grant-${personId}`;
  return (
    <ActionForm action={grantRole} hidden={{ personId }} className="flex flex-wrap items-start gap-2" testId="grant-role">
      {(pending, err) => (
        <>
          <label htmlFor={`${id}-role`} className="sr-only">
            Role to grant to {personName}
          </label>
          <select id={`${id}-role`} name="role" required defaultValue="" className={`${small} max-w-64`} aria-invalid={err("role") ? true : undefined} aria-describedby={err("role") ? `${id}-role-err` : undefined}>
            <option value="" disabled>
              Role…
            </option>
            {options.map((r) => (
              <option key={r} value={r}>
                {roleOption(r)}
              </option>
            ))}
          </select>
          <label htmlFor={`${id}-reason`} className="sr-only">
            Reason for granting a role to {personName} (optional)
          </label>
          <input id={`${id}-reason`} name="reason" placeholder="Reason (optional)" maxLength={500} className={`${small} w-40`} aria-invalid={err("reason") ? true : undefined} aria-describedby={err("reason") ? `${id}-reason-err` : undefined} />
          <Button type="submit" variant="secondary" disabled={pending} aria-label={`Grant the chosen role to ${personName}`}>
            Grant
          </Button>
          <FieldError id={`${id}-role-err`} text={err("role")} />
          <FieldError id={`${id}-reason-err`} text={err("reason")} />
        </>
      )}
    </ActionForm>
  );
}

/** Revoke one role (an identity-provider role is blocked here until granted again). */
export function RevokeRoleForm({ personId, personName, role, fromIdp }: { personId: string; personName: string; role: Role; fromIdp: boolean }) {
  return (
    <ActionForm action={revokeRole} hidden={{ personId, role }} className="inline">
      {(pending) => (
        <button
          type="submit"
          disabled={pending}
          aria-label={`Revoke ${ROLE_LABELS[role]} from ${personName}`}
          title={fromIdp ? "From the identity provider: revoking blocks it here until an administrator grants it again (the group at the provider stays)." : undefined}
          className="ml-1 rounded px-1 text-xs text-red-700 hover:bg-red-50 disabled:opacity-50 dark:text-red-300 dark:hover:bg-red-950"
        >
          Revoke
        </button>
      )}
    </ActionForm>
  );
}

/** Disable (sessions end at their next request) or enable one person. */
export function DisableForm({ personId, personName, disabled }: { personId: string; personName: string; disabled: boolean }) {
  return (
    <ActionForm action={setDisabled} hidden={{ personId, state: disabled ? "enabled" : "disabled" }}>
      {(pending) => (
        <Button type="submit" variant={disabled ? "secondary" : "danger"} disabled={pending} aria-label={`${disabled ? "Enable" : "Disable"} ${personName}`}>
          {disabled ? "Enable" : "Disable"}
        </Button>
      )}
    </ActionForm>
  );
}

/** Approve or reject a pending grant; the requester sees only "Withdraw". */
export function DecideGrantForm({ requestId, label, mine }: { requestId: string; label: string; mine: boolean }) {
  return (
    <ActionForm action={decideGrant} hidden={{ requestId }} className="flex flex-wrap items-center gap-2">
      {(pending) =>
        mine ? (
          <Button type="submit" name="decision" value="reject" variant="secondary" disabled={pending} aria-label={`Withdraw the request: ${label}`}>
            Withdraw
          </Button>
        ) : (
          <>
            <Button type="submit" name="decision" value="approve" disabled={pending} aria-label={`Approve: ${label}`}>
              Approve
            </Button>
            <Button type="submit" name="decision" value="reject" variant="secondary" disabled={pending} aria-label={`Reject: ${label}`}>
              Reject
            </Button>
          </>
        )
      }
    </ActionForm>
  );
}
