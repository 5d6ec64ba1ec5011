import { parseArgs } from "node:util";
import { z } from "zod";
import { appendAudit } from "../audit/log";
import type { Db } from "../db";
import { ROLES, isRole, type Role } from "../auth/roles";
import { personSnapshot as snapshot } from "../access/snapshot";

export type AddPersonInput = { email: string; name?: string; roles: Role[]; enable?: boolean };


/**
 * Creates a person, or updates the one with that email: sets the name when given, adds the roles (keeping the
 * ones they hold; a role granted here is no longer blocked) and, with `enable`, enables them again. One transaction with its audit event (no actor: the
 * change comes from the command line, `npm run people:add`). A role change or enabling ends the person's
 * sessions (trigger person_session_version). Nothing is written when nothing changes.
 */
export async function addPerson(client: Db, input: AddPersonInput) {
  const email = input.email.trim().toLowerCase();
  return client.$transaction(async (tx) => {
    const existing = await tx.person.findUnique({ where: { email } });
    if (!existing) {
      if (!input.name?.trim()) throw new Error(`No person has the email ${email}: give --name to create one.`);
      if (!input.roles.length) throw new Error("A new person needs at least one --role.");
      const person = await tx.person.create({ data: { email, name: input.name.trim(), roles: input.roles } });
      await appendAudit(tx, { actor: null, action: "person.create", target: { type: "person", id: person.id }, details: { source: "command line", before: null, after: snapshot(person) } });
      return { created: true, changed: true, person };
    }
    const roles = ROLES.filter((r) => existing.roles.includes(r) || input.roles.includes(r));
    const name = input.name?.trim() || existing.name;
    const blockedRoles = (existing.blockedRoles ?? []).filter((r) => !input.roles.includes(r));
    const disabled = input.enable ? false : existing.disabled;
    const changed = name !== existing.name || disabled !== existing.disabled || roles.length !== existing.roles.length || blockedRoles.length !== (existing.blockedRoles ?? []).length;
    if (!changed) return { created: false, changed: false, person: existing };
    const person = await tx.person.update({ where: { id: existing.id }, data: { name, roles, blockedRoles, disabled } });
    await appendAudit(tx, { actor: null, action: "person.update", target: { type: "person", id: person.id }, details: { source: "command line", before: snapshot(existing), after: snapshot(person) } });
    return { created: false, changed: true, person };
  });
}

/** `--email … --name … --role INFOSEC [--role SRE,AUDITOR] [--enable]`, or every problem with it. */
export function parsePeopleAddArgs(args: string[]): { ok: true; input: Required<Pick<AddPersonInput, "email" | "roles" | "enable">> & { name?: string } } | { ok: false; errors: string[] } {
  let values;
  try {
    ({ values } = parseArgs({ args, options: { email: { type: "string" }, name: { type: "string" }, role: { type: "string", multiple: true }, enable: { type: "boolean" } }, strict: true }));
  } catch (e) {
    return { ok: false, errors: [e instanceof Error ? e.message : String(e)] };
  }
  const errors: string[] = [];
  if (!values.email) errors.push("--email is required");
  else if (!z.email().safeParse(values.email.trim()).success) errors.push(`--email: "${values.email}" is not an email address`);
  const roles: Role[] = [];
  for (const raw of (values.role ?? []).flatMap((r) => r.split(","))) {
    const role = raw.trim().toUpperCase();
    if (!role) continue;
    if (!isRole(role)) errors.push(`--role: unknown role "${raw.trim()}" (roles: ${ROLES.join(", ")})`);
    else if (!roles.includes(role)) roles.push(role);
  }
  if (errors.length) return { ok: false, errors };
  return { ok: true, input: { email: values.email!.trim(), ...(values.name ? { name: values.name } : {}), roles, enable: Boolean(values.enable) } };
}
