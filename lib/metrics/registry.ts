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
  const registers = [registry];
  // Label names are typed, so a call with a label the metric does not have fails to compile.
  const gauge = <L extends string = never>(name: string, help: string, labelNames: readonly L[] = []) => new Gauge<L>({ name, help, labelNames, registers });
  const counter = <L extends string = never>(name: string, help: string, labelNames: readonly L[] = []) => new Counter<L>({ name, help, labelNames, registers });
  const histogram = <L extends string = never>(name: string, help: string, buckets: number[], labelNames: readonly L[] = []) => new Histogram<L>({ name, help, buckets, labelNames, registers });
  return {
    registry,
    /** Values kept beside the metrics: the highest verified sequence seen, the last control-plane check. */
    state: { verifiedSeq: 0, controlPlaneCheckedAt: 0 },
    httpDuration: histogram("portal_http_request_duration_seconds", "HTTP requests served, by route pattern (e.g. /runs/[id]), method and status code, and how long each took.", SECONDS, ["route", "method", "status"]),
    runsInProgress: gauge("portal_runs_in_progress", "Runs in progress, by runbook (read from the database at scrape time).", ["runbook"]),
    stepsWaiting: gauge("portal_steps_waiting", "Current steps of runs in progress that wait for a person, by a role that may sign them off (a step signable by two roles counts for both).", ["role"]),
    stepsWaitingOldest: gauge("portal_steps_waiting_oldest_seconds", "How long the longest-waiting current step, by a role that may sign it off, has waited (0 when none waits).", ["role"]),
    outboxPending: gauge("portal_outbox_pending_commands", "Control-plane commands not yet delivered (PENDING or SENDING)."),
    outboxOldest: gauge("portal_outbox_oldest_pending_seconds", "Age of the oldest command not yet delivered (0 when none)."),
    relayDeliveries: counter("portal_relay_deliveries_total", "Delivery attempts of control-plane commands by this replica's relay, by outcome: succeeded, retry (will be sent again), failed (final).", ["outcome"]),
    relayDuration: histogram("portal_relay_delivery_duration_seconds", "How long one delivery attempt took (the control plane's answer, or the error), by outcome.", REMOTE_SECONDS, ["outcome"]),
    relayLeader: gauge("portal_relay_leader", "1 while this replica holds the relay's advisory lock (it alone delivers commands), else 0."),
    jobsLeader: gauge("portal_jobs_leader", "1 while this replica holds the periodic jobs' advisory lock, else 0."),
    controlPlaneUp: gauge("portal_control_plane_up", "1 when the control plane's health endpoint answered at the last check (at most every 10 s, at scrape time), else 0."),
    controlPlaneDuration: histogram("portal_control_plane_request_duration_seconds", "Latency of the portal's requests to the control plane, by operation (health: the scrape-time check).", REMOTE_SECONDS, ["operation", "result"]),
    auditAppended: counter("portal_audit_events_appended_total", "Audit events this replica appended to the hash chain (an event whose transaction then rolled back is counted too; portal_audit_chain_head_seq is exact)."),
    chainHeadSeq: gauge("portal_audit_chain_head_seq", "Sequence number of the newest audit event (read from the database at scrape time)."),
    chainVerifiedSeq: gauge("portal_audit_chain_last_verified_seq", "Highest audit event known verified: the newest signed chain head (heads are signed only over a verified chain), or a later verification in this replica."),
    chainVerificationFailures: counter("portal_audit_chain_verification_failures_total", "Chain verifications in this replica that found a broken chain."),
    chainVerifications: counter("portal_audit_chain_verifications_total", "Chain verifications in this replica (whole chain or since a signed head), by result.", ["result"]),
    incidentsOpen: gauge("portal_incidents_open", "Incidents not resolved, by severity and status (OPEN or MITIGATED).", ["severity", "status"]),
    signIns: counter("portal_sign_ins_total", "Sign-in attempts decided by this replica, by provider and outcome (success or refused).", ["provider", "outcome"]),
    anonymousRefusals: counter("portal_anonymous_refusals_total", "Requests refused because nobody was signed in (or a webhook or scrape token was wrong), by route or action and reason.", ["route", "reason"]),
    databaseUp: gauge("portal_database_up", "1 when the scrape-time database queries succeeded, else 0."),
    scrapeDuration: gauge("portal_metrics_collect_seconds", "How long the last scrape took to read the database and check the control plane."),
  };
}

export type PortalMetrics = ReturnType<typeof create>;

const globalForMetrics = globalThis as unknown as { portalMetrics?: PortalMetrics };

/** The process's metrics, created once however many copies of this module Next.js loads. */
export function portalMetrics(): PortalMetrics {
  globalForMetrics.portalMetrics ??= create();
  return globalForMetrics.portalMetrics;
}
