/**
 * The portal's Prometheus metrics (prom-client), one registry per process. Next.js may load this module more than
 * once (each route handler, the instrumentation hook and the proxy are separate bundles), so the registry and its
 * metrics live on `globalThis`: every copy of the module counts into the same series. prom-client is a server
 * external package (next.config.js) and only server code imports this file, so it never reaches a browser bundle.
 *
 * Names and what each means: docs/operations.md. Labels are bounded: route patterns (never raw paths), runbook ids,
 * roles, outcomes, severities.
 */
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from "prom-client";

const SECONDS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];
const REMOTE_SECONDS = [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30];

function create() {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: "portal_" });
  // Three of prom-client's defaults are gauges named *_total, which `promtool check metrics` rejects.
  for (const name of ["portal_nodejs_active_handles_total", "portal_nodejs_active_requests_total", "portal_nodejs_active_resources_total"]) registry.removeSingleMetric(name);
  const r = [registry];
  return {
    registry,
    /** Values kept beside the metrics: the highest verified sequence seen, the last control-plane check. */
    state: { verifiedSeq: 0, controlPlaneCheckedAt: 0 },
    httpDuration: new Histogram({
      name: "portal_http_request_duration_seconds",
      help: "HTTP requests served, by route pattern (e.g. /runs/[id]), method and status code, and how long each took.",
      labelNames: ["route", "method", "status"] as const,
      buckets: SECONDS,
      registers: r,
    }),
    runsInProgress: new Gauge({ name: "portal_runs_in_progress", help: "Runs in progress, by runbook (read from the database at scrape time).", labelNames: ["runbook"] as const, registers: r }),
    stepsWaiting: new Gauge({
      name: "portal_steps_waiting",
      help: "Current steps of runs in progress that wait for a person, by a role that may sign them off (a step signable by two roles counts for both).",
      labelNames: ["role"] as const,
      registers: r,
    }),
    stepsWaitingOldest: new Gauge({
      name: "portal_steps_waiting_oldest_seconds",
      help: "How long the longest-waiting current step, by a role that may sign it off, has waited (0 when none waits).",
      labelNames: ["role"] as const,
      registers: r,
    }),
    outboxPending: new Gauge({ name: "portal_outbox_pending_commands", help: "Control-plane commands not yet delivered (PENDING or SENDING).", registers: r }),
    outboxOldest: new Gauge({ name: "portal_outbox_oldest_pending_seconds", help: "Age of the oldest command not yet delivered (0 when none).", registers: r }),
    relayDeliveries: new Counter({
      name: "portal_relay_deliveries_total",
      help: "Delivery attempts of control-plane commands by this replica's relay, by outcome: succeeded, retry (will be sent again), failed (final).",
      labelNames: ["outcome"] as const,
      registers: r,
    }),
    relayDuration: new Histogram({
      name: "portal_relay_delivery_duration_seconds",
      help: "How long one delivery attempt took (the control plane's answer, or the error), by outcome.",
      labelNames: ["outcome"] as const,
      buckets: REMOTE_SECONDS,
      registers: r,
    }),
    relayLeader: new Gauge({ name: "portal_relay_leader", help: "1 while this replica holds the relay's advisory lock (it alone delivers commands), else 0.", registers: r }),
    jobsLeader: new Gauge({ name: "portal_jobs_leader", help: "1 while this replica holds the periodic jobs' advisory lock, else 0.", registers: r }),
    controlPlaneUp: new Gauge({ name: "portal_control_plane_up", help: "1 when the control plane's health endpoint answered at the last check (at most every 10 s, at scrape time), else 0.", registers: r }),
    controlPlaneDuration: new Histogram({
      name: "portal_control_plane_request_duration_seconds",
      help: "Latency of the portal's requests to the control plane, by operation (health: the scrape-time check).",
      labelNames: ["operation", "result"] as const,
      buckets: REMOTE_SECONDS,
      registers: r,
    }),
    auditAppended: new Counter({
      name: "portal_audit_events_appended_total",
      help: "Audit events this replica appended to the hash chain (an event whose transaction then rolled back is counted too; portal_audit_chain_head_seq is exact).",
      registers: r,
    }),
    chainHeadSeq: new Gauge({ name: "portal_audit_chain_head_seq", help: "Sequence number of the newest audit event (read from the database at scrape time).", registers: r }),
    chainVerifiedSeq: new Gauge({
      name: "portal_audit_chain_last_verified_seq",
      help: "Highest audit event known verified: the newest signed chain head (heads are signed only over a verified chain), or a later verification in this replica.",
      registers: r,
    }),
    chainVerificationFailures: new Counter({ name: "portal_audit_chain_verification_failures_total", help: "Chain verifications in this replica that found a broken chain.", registers: r }),
    chainVerifications: new Counter({ name: "portal_audit_chain_verifications_total", help: "Chain verifications in this replica (whole chain or since a signed head), by result.", labelNames: ["result"] as const, registers: r }),
    incidentsOpen: new Gauge({ name: "portal_incidents_open", help: "Incidents not resolved, by severity and status (OPEN or MITIGATED).", labelNames: ["severity", "status"] as const, registers: r }),
    signIns: new Counter({ name: "portal_sign_ins_total", help: "Sign-in attempts decided by this replica, by provider and outcome (success or refused).", labelNames: ["provider", "outcome"] as const, registers: r }),
    anonymousRefusals: new Counter({
      name: "portal_anonymous_refusals_total",
      help: "Requests refused because nobody was signed in (or a webhook or scrape token was wrong), by route or action and reason.",
      labelNames: ["route", "reason"] as const,
      registers: r,
    }),
    databaseUp: new Gauge({ name: "portal_database_up", help: "1 when the scrape-time database queries succeeded, else 0.", registers: r }),
    scrapeDuration: new Gauge({ name: "portal_metrics_collect_seconds", help: "How long the last scrape took to read the database and check the control plane.", registers: r }),
  };
}

export type PortalMetrics = ReturnType<typeof create>;

const globalForMetrics = globalThis as unknown as { portalMetrics?: PortalMetrics };

/** The process's metrics, created once however many copies of this module Next.js loads. */
export function portalMetrics(): PortalMetrics {
  globalForMetrics.portalMetrics ??= create();
  return globalForMetrics.portalMetrics;
}
