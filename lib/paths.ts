/** Every route URL the portal links to, in one place. */
export const paths = {
  home: () => "/",
  signIn: (callbackUrl?: string) => (callbackUrl ? `/signin?callbackUrl=${encodeURIComponent(callbackUrl)}` : "/signin"),
  sessionEnded: (reason: string) => `/signin/ended?reason=${encodeURIComponent(reason)}`,
  forbidden: () => "/forbidden",
  runbooks: () => "/runbooks",
  runbook: (id: string) => `/runbooks/${id}`,
  /** The monthly review: the past month's incidents, runs and open runbook gaps, per runbook. */
  runbookMonthlyReview: () => "/runbooks/review",
  run: (id: string) => `/runs/${id}`,
  /** The run's RCA page; `version` selects whose changes the history shows. */
  rca: (id: string, version?: number) => (version ? `/runs/${id}/rca?version=${version}` : `/runs/${id}/rca`),
  incidents: () => "/incidents",
  incident: (id: string) => `/incidents/${id}`,
  panels: () => "/panels",
  onboarding: () => "/onboarding",
  onboardingNew: (from?: string) => (from ? `/onboarding/new?from=${encodeURIComponent(from)}` : "/onboarding/new"),
  onboardingItem: (id: string) => `/onboarding/${id}`,
  /** A runbook page with a flow preselected (e.g. RB-CORE-001 for a failed first flow). */
  runbookForFlow: (id: string, flowId: string) => `/runbooks/${id}?flow=${encodeURIComponent(flowId)}`,
  audit: (query?: Record<string, string>) => (query && Object.keys(query).length ? `/audit?${new URLSearchParams(query)}` : "/audit"),
  auditEvent: (seq: bigint | string) => `/audit/${seq}`,
  auditHeads: () => "/audit/heads",
  access: () => "/access",
  /** The access review; `date` (YYYY-MM-DD) asks who could approve `runbookId` (default RB-LAUNCH-002) that day. */
  accessReview: (query?: Record<string, string>) => (query && Object.keys(query).length ? `/access/review?${new URLSearchParams(query)}` : "/access/review"),
  api: {
    health: () => "/api/health",
    me: () => "/api/me",
    runs: () => "/api/runs",
    onboarding: (id: string) => `/api/onboarding/${id}`,
    onboardingWorkflow: (id: string) => `/api/onboarding/${id}/workflow`,
    onboardingAlertRules: (id: string) => `/api/onboarding/${id}/alert-rules`,
    /** The RCA as Markdown: the latest version (or the draft), or one saved version. */
    rcaMarkdown: (id: string, version?: number) => (version ? `/api/runs/${id}/rca?version=${version}` : `/api/runs/${id}/rca`),
    /** The RCA's saved versions (JSON: number, author, time, hash). */
    rcaVersions: (id: string) => `/api/runs/${id}/rca?format=versions`,
    auditEvents: (query?: Record<string, string>) => (query && Object.keys(query).length ? `/api/audit/events?${new URLSearchParams(query)}` : "/api/audit/events"),
    auditExport: (format: "csv" | "jsonl", query: Record<string, string> = {}) => `/api/audit/export?${new URLSearchParams({ format, ...query })}`,
    auditHead: (id: bigint | string) => `/api/audit/heads/${id}`,
    /** The access review as CSV: with `date`, who could approve that day; without, the whole role history. */
    accessReviewCsv: (query: Record<string, string> = {}) => (Object.keys(query).length ? `/api/access/review?${new URLSearchParams(query)}` : "/api/access/review"),
    /** The evidence bundle of an incident (JSON, or the Markdown summary). */
    auditBundle: (incidentId: string, format: "json" | "md" = "json") => `/api/audit/bundle?${new URLSearchParams({ incident: incidentId, format })}`,
  },
} as const;
