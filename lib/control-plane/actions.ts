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
