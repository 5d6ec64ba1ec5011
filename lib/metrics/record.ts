/**
 * One-line hooks that the portal's code calls where something worth counting happens. Each one only touches the
 * in-process registry (lib/metrics/registry.ts) and never throws: a metric must not break the work it measures.
 */
import { portalMetrics } from "./registry";

function safely(fn: () => void): void {
  try {
    fn();
  } catch {
    // A broken metric must not fail a delivery, a sign-in or an audit append.
  }
}

/** Times one relay delivery attempt and counts it by the outcome its `kind` names (succeeded, retry, failed). */
export async function timedDelivery<T extends { kind: string }>(send: () => Promise<T>): Promise<T> {
  const started = performance.now();
  const outcome = await send();
  safely(() => {
    const m = portalMetrics();
    m.relayDeliveries.inc({ outcome: outcome.kind });
    m.relayDuration.observe({ outcome: outcome.kind }, (performance.now() - started) / 1000);
  });
  return outcome;
}

/** One audit event appended to the chain. */
export function countAuditAppended(): void {
  safely(() => portalMetrics().auditAppended.inc());
}

/** A chain verification's result: raises the last verified sequence on success, counts a failure otherwise. */
export function recordChainVerification(result: { ok: true; headSeq: bigint | null } | { ok: false }): void {
  safely(() => {
    const m = portalMetrics();
    m.chainVerifications.inc({ result: result.ok ? "ok" : "broken" });
    if (!result.ok) {
      m.chainVerificationFailures.inc();
      return;
    }
    if (result.headSeq !== null) raiseVerifiedSeq(Number(result.headSeq));
  });
}

/** The last verified sequence only goes up (a later, partial verification does not lower it). */
function raiseVerifiedSeq(seq: number): void {
  safely(() => {
    const m = portalMetrics();
    if (seq <= m.state.verifiedSeq) return;
    m.state.verifiedSeq = seq;
    m.chainVerifiedSeq.set(seq);
  });
}

/** A sign-in decided: `provider` is seeded-person or oidc. */
export function countSignIn(provider: string, outcome: "success" | "refused"): void {
  safely(() => portalMetrics().signIns.inc({ provider, outcome }));
}

/** A request refused because nobody was signed in; `route` names the route or action (never a raw path). */
export function countAnonymousRefusal(route: string, reason: string): void {
  safely(() => portalMetrics().anonymousRefusals.inc({ route, reason }));
}
