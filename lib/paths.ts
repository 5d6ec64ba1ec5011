/** Every route URL the portal links to, in one place. */
export const paths = {
  home: () => "/",
  signIn: (callbackUrl?: string) => (callbackUrl ? `/signin?callbackUrl=${encodeURIComponent(callbackUrl)}` : "/signin"),
  sessionEnded: (reason: string) => `/signin/ended?reason=${encodeURIComponent(reason)}`,
  forbidden: () => "/forbidden",
  runbooks: () => "/runbooks",
  runbook: (id: string) => `/runbooks/${id}`,
  run: (id: string) => `/runs/${id}`,
  rca: (id: string) => `/runs/${id}/rca`,
  incidents: () => "/incidents",
  incident: (id: string) => `/incidents/${id}`,
  panels: () => "/panels",
  onboarding: () => "/onboarding",
  onboardingNew: (from?: string) => (from ? `/onboarding/new?from=${encodeURIComponent(from)}` : "/onboarding/new"),
  onboardingItem: (id: string) => `/onboarding/${id}`,
  /** A runbook page with a flow preselected (e.g. RB-CORE-001 for a failed first flow). */
  runbookForFlow: (id: string, flowId: string) => `/runbooks/${id}?flow=${encodeURIComponent(flowId)}`,
  audit: (query?: Record<string, string>) => (query && Object.keys(query).length ? `/audit?${new URLSearchParams(query)}` : "/audit"),
  api: {
    health: () => "/api/health",
    me: () => "/api/me",
    runs: () => "/api/runs",
    onboarding: (id: string) => `/api/onboarding/${id}`,
    onboardingWorkflow: (id: string) => `/api/onboarding/${id}/workflow`,
    onboardingAlertRules: (id: string) => `/api/onboarding/${id}/alert-rules`,
    rcaMarkdown: (id: string) => `/api/runs/${id}/rca`,
  },
} as const;
