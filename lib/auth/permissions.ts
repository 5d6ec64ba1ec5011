import type { Actor, Role } from "./roles";

/**
 * The one table of who may do what. Every server action and route handler checks it
 * (and then the object it touches); pages use it only to decide what to show.
 */
export const PERMISSIONS = {
  "runbook.view": ["SRE", "INCIDENT_COMMANDER", "INFOSEC", "ENGINEERING_TL", "BUSINESS", "PRODUCT", "REPO_OWNER", "AUDITOR"],
  "run.start": ["SRE", "INCIDENT_COMMANDER", "INFOSEC", "ENGINEERING_TL"],
  "run.view": ["SRE", "INCIDENT_COMMANDER", "INFOSEC", "ENGINEERING_TL", "BUSINESS", "PRODUCT", "REPO_OWNER", "AUDITOR"],
  "run.step.signoff": ["SRE", "INCIDENT_COMMANDER", "INFOSEC", "ENGINEERING_TL", "BUSINESS", "PRODUCT", "REPO_OWNER"],
  "run.step.skip": ["INCIDENT_COMMANDER"],
  "run.abort": ["INCIDENT_COMMANDER"],
  /** Work on any run (evidence, escalation, RCA), not only on runs whose steps one may sign (see mayWorkOnRun). */
  "run.manage.any": ["INCIDENT_COMMANDER"],
  /**
   * Retry or abandon a control-plane command held for a person; the object rule (decideCommandAction) narrows it to
   * those who sign the command's step (or may manage any run), or approve onboardings for an onboarding's command.
   */
  "command.decide": ["SRE", "INCIDENT_COMMANDER", "INFOSEC", "ENGINEERING_TL", "BUSINESS", "PRODUCT", "REPO_OWNER"],
  "incident.declare": ["SRE", "INCIDENT_COMMANDER", "INFOSEC"],
  "incident.view": ["SRE", "INCIDENT_COMMANDER", "INFOSEC", "ENGINEERING_TL", "BUSINESS", "PRODUCT", "AUDITOR"],
  "incident.manage": ["SRE", "INCIDENT_COMMANDER", "INFOSEC"],
  "incident.command": ["INCIDENT_COMMANDER"],
  /** Move an incident back (resolved or mitigated → open). */
  "incident.reopen": ["INCIDENT_COMMANDER"],
  "panels.view": ["SRE", "INCIDENT_COMMANDER", "INFOSEC", "ENGINEERING_TL", "BUSINESS", "PRODUCT", "AUDITOR"],
  "onboarding.request": ["REPO_OWNER", "SRE"],
  "onboarding.approve": ["SRE"],
  "onboarding.view.all": ["SRE"],
  "audit.view.all": ["AUDITOR", "INFOSEC", "INCIDENT_COMMANDER"],
  "audit.view.own": ["SRE", "INCIDENT_COMMANDER", "INFOSEC", "ENGINEERING_TL", "BUSINESS", "PRODUCT", "REPO_OWNER", "AUDITOR"],
  "audit.verify": ["SRE", "INCIDENT_COMMANDER", "INFOSEC", "ENGINEERING_TL", "BUSINESS", "PRODUCT", "REPO_OWNER", "AUDITOR"],
  "audit.export": ["SRE", "INCIDENT_COMMANDER", "INFOSEC", "ENGINEERING_TL", "BUSINESS", "PRODUCT", "REPO_OWNER", "AUDITOR"],
  "audit.head.sign": ["AUDITOR", "INFOSEC", "INCIDENT_COMMANDER"],
  /** Access administration: add people, grant and revoke roles, disable and enable people (lib/access/rules.ts). */
  "access.admin": ["INFOSEC"],
  /** The access review: who held which role when, from the audit log, and its CSV export. */
  "access.review": ["AUDITOR", "INFOSEC"],
  /**
   * Add and close follow-ups of RCAs and incidents; the object rule (mayManageFollowUps) narrows it to the people who
   * work on the run, who manage incidents, or who own the follow-up.
   */
  "followup.manage": ["SRE", "INCIDENT_COMMANDER", "INFOSEC", "ENGINEERING_TL", "BUSINESS", "PRODUCT", "REPO_OWNER"],
  /** Record a runbook review; the object rule (mayReviewRunbook) narrows it to the runbook's owner roles. */
  "runbook.review": ["SRE", "INCIDENT_COMMANDER", "INFOSEC", "ENGINEERING_TL", "BUSINESS", "PRODUCT"],
} as const satisfies Record<string, readonly Role[]>;

export type Permission = keyof typeof PERMISSIONS;

export function rolesFor(permission: Permission): readonly Role[] {
  return PERMISSIONS[permission];
}

export function can(actor: Pick<Actor, "roles"> | null | undefined, permission: Permission): boolean {
  if (!actor) return false;
  const allowed: readonly Role[] = PERMISSIONS[permission];
  return actor.roles.some((r) => allowed.includes(r));
}

/** Everything a person may do, as the browser is told it (GET /api/me, and pages rendered for that person). */
export function permissionsOf(actor: Pick<Actor, "roles"> | null): Permission[] {
  return (Object.keys(PERMISSIONS) as Permission[]).filter((p) => can(actor, p));
}

/**
 * Whether the person holds one of `roles`: for rules whose roles come from data rather than from the table (a
 * runbook's start roles, a step's sign-off roles). Every role check in the portal goes through `can()` or this, so
 * the lint rule in eslint.config.mjs can forbid reading `actor.roles` for decisions anywhere else.
 */
export function holdsOneOf(actor: Pick<Actor, "roles"> | null | undefined, roles: readonly Role[]): boolean {
  return Boolean(actor && actor.roles.some((r) => roles.includes(r)));
}

/** The first of the person's roles that is one of `roles` (e.g. the role a sign-off is recorded under), or null. */
export function roleAmong(actor: Pick<Actor, "roles">, roles: readonly Role[]): Role | null {
  return actor.roles.find((r) => roles.includes(r)) ?? null;
}

/** Whether the person may start a run of a runbook whose start roles are `startRoles`. */
export function mayStartRunbook(actor: Pick<Actor, "roles"> | null | undefined, startRoles: readonly Role[]): boolean {
  return can(actor, "run.start") && holdsOneOf(actor, startRoles);
}

/**
 * Whether a person may work on a run (add evidence, escalate it, write its RCA): they may sign off steps at all, and
 * either one of their roles signs one of this run's steps (`signOffRoles`: the union of the sign-off roles of the
 * run's own runbook version) or they may manage any run (`run.manage.any`). The run's actions check it on the server;
 * the run pages use it to decide what to show.
 */
export function mayWorkOnRun(actor: Pick<Actor, "roles"> | null | undefined, signOffRoles: readonly Role[]): boolean {
  if (!actor || !can(actor, "run.step.signoff")) return false;
  return can(actor, "run.manage.any") || holdsOneOf(actor, signOffRoles);
}

/** Whether a person may record a review of a runbook whose owner roles are `owners`. */
export function mayReviewRunbook(actor: Pick<Actor, "roles"> | null | undefined, owners: readonly Role[]): boolean {
  return can(actor, "runbook.review") && holdsOneOf(actor, owners);
}

/**
 * Whether a person may add or close follow-ups of an RCA or incident: for a run's RCA, those who may work on the run
 * (`signOffRoles` as for mayWorkOnRun); for an incident, those who manage incidents. The owner of a follow-up may
 * also close it (`ownsIt`).
 */
export function mayManageFollowUps(actor: Pick<Actor, "roles"> | null | undefined, of: { signOffRoles: readonly Role[] } | { incident: true }, ownsIt = false): boolean {
  if (!can(actor, "followup.manage")) return false;
  if (ownsIt) return true;
  return "incident" in of ? can(actor, "incident.manage") : mayWorkOnRun(actor, of.signOffRoles);
}

/** A refusal that the action wrapper turns into a typed result and an audit event. */
export class AuthorizationError extends Error {
  readonly code = "FORBIDDEN";
  constructor(
    readonly permission: string,
    message = "You do not have permission to do this.",
  ) {
    super(message);
    this.name = "AuthorizationError";
  }
}

export function requirePermission(actor: Actor | null, permission: Permission): asserts actor is Actor {
  if (!can(actor, permission)) throw new AuthorizationError(permission);
}
