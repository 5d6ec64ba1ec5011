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
  panels: () => "/panels",
  onboarding: () => "/onboarding",
  audit: (query?: Record<string, string>) => (query && Object.keys(query).length ? `/audit?${new URLSearchParams(query)}` : "/audit"),
  api: {
    health: () => "/api/health",
    me: () => "/api/me",
    runs: () => "/api/runs",
    rcaMarkdown: (id: string) => `/api/runs/${id}/rca`,
  },
} as const;
