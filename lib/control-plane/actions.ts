/**
 * The control-plane actions a runbook step may trigger. The control-plane contract (OpenAPI, simulator, client)
 * implements each; runbooks are validated against this list so a typo fails at build, not at 3 a.m.
 */
export const CONTROL_PLANE_ACTIONS = [
  "set-allowlist",
  "rollback-to-pilot",
  "set-context-pruning",
  "set-routing-weights",
  "failover-provider",
  "throttle-repo",
  "set-circuit-breaker",
  "set-retry-limit",
  "scale-flowengine",
  "set-db-pool-size",
  "rotate-api-key",
  "quarantine-flow-output",
  "run-flow",
  "request-quota-increase",
] as const;

export type ControlPlaneAction = (typeof CONTROL_PLANE_ACTIONS)[number];

/**
 * Actions that always need two people (neither of them the requester). A runbook step using one of these
 * must say `twoPerson: true`; `set-circuit-breaker` counts when it opens the global breaker and
 * `throttle-repo` when it throttles more than one repo.
 */
export function isCriticalAction(action: ControlPlaneAction, params: Record<string, unknown>): boolean {
  switch (action) {
    case "rollback-to-pilot":
    case "set-allowlist":
    case "rotate-api-key":
      return true;
    case "set-circuit-breaker":
      return params.scope === "global" && params.state === "open";
    case "throttle-repo":
      return Array.isArray(params.repos) && params.repos.length > 1;
    default:
      return false;
  }
}

/**
 * Who agreed to a command: the person who asked (null: the portal itself) and those who approved that request.
 * Every caller that queues a critical action passes it; the outbox checks it (lib/stores/commands.ts).
 */
export type Consent = { requestedBy: string | null; approvedBy: readonly string[] };

/**
 * Why the outbox must not queue this command, or null. The floor every two-person rule in the portal keeps: a critical
 * action is queued only with the approval of at least one person other than the one who asked, and nobody counts
 * twice. The callers' own rules may ask more (a run's two-person step wants two approvers: lib/runs/machine.ts); this
 * holds even for a caller that forgot its rule.
 */
export function consentRefusal(action: ControlPlaneAction, params: Record<string, unknown>, consent: Consent | undefined): string | null {
  if (!isCriticalAction(action, params)) return null;
  const what = `${action} with these parameters is a critical action`;
  if (!consent || consent.approvedBy.length === 0) return `${what}: it is queued only with a second person's approval, and none was given. Nothing was queued.`;
  const approvers = new Set(consent.approvedBy);
  if (approvers.size !== consent.approvedBy.length) return `${what}: the same person is counted twice among its approvers. Nothing was queued.`;
  if (consent.requestedBy !== null && approvers.has(consent.requestedBy)) return `${what}: the person who asked for it cannot also approve it. Nothing was queued.`;
  return null;
}
