/**
 * The mass-failure predicate (RB-LAUNCH-005 "When to Use"), shared by the SLO panel and the incident detector:
 * ≥ 5 flow failures within 1 hour across different repos, or ≥ 3 repos with a failure rate over 50 %.
 */
import type { Flow } from "../control-plane/contract";
import { MASS_FAILURE } from "./thresholds";

/** Failed flows that finished inside a window, and the repos they belong to. */
export type FailureWindow = { count: number; repos: string[] };
export type RepoFailureRate = { repo: string; flows: number; failed: number; failureRate: number };

export type MassFailureVerdict = {
  massFailure: boolean;
  /** ≥ 5 failures in the hour, from at least two repos. */
  byFailureCount: boolean;
  /** ≥ 3 repos over 50 %. */
  byFailureRate: boolean;
  failuresLastHour: number;
  failingRepos: string[];
  reposOverRate: string[];
  /** Why, in words, one per criterion met. */
  reasons: string[];
};

/** A repo's failure rate is over 50 % (exactly half is not); counted from flows and failures when there are any. */
export function failureRateOver(r: Pick<RepoFailureRate, "flows" | "failed" | "failureRate">, threshold: number = MASS_FAILURE.failureRateOver): boolean {
  return r.flows > 0 ? r.failed / r.flows > threshold : r.failureRate > threshold;
}

/** Failed flows that finished in the `windowMs` before `now` (default: the seed's hour), from a list of flows. */
export function failuresWithin(flows: Pick<Flow, "repo" | "status" | "finishedAt">[], now: number, windowMs: number = MASS_FAILURE.windowMs): FailureWindow {
  const failed = flows.filter((f) => {
    if (f.status !== "failed" || f.finishedAt === null) return false;
    const t = Date.parse(f.finishedAt);
    return t > now - windowMs && t <= now;
  });
  return { count: failed.length, repos: [...new Set(failed.map((f) => f.repo))].sort() };
}

export function detectMassFailure(input: { lastHour: FailureWindow; perRepo: RepoFailureRate[] }): MassFailureVerdict {
  const { lastHour } = input;
  const failingRepos = [...new Set(lastHour.repos)].sort();
  const byFailureCount = lastHour.count >= MASS_FAILURE.failuresWithinWindow && failingRepos.length >= 2;
  const reposOverRate = input.perRepo.filter((r) => failureRateOver(r)).map((r) => r.repo).sort();
  const byFailureRate = reposOverRate.length >= MASS_FAILURE.reposWithHighFailureRate;
  const reasons: string[] = [];
  if (byFailureCount) reasons.push(`${lastHour.count} flow failures within the last hour across ${failingRepos.length} repos (${failingRepos.join(", ")}).`);
  if (byFailureRate) reasons.push(`${reposOverRate.length} repos have a failure rate over ${MASS_FAILURE.failureRateOver * 100} % (${reposOverRate.join(", ")}).`);
  return { massFailure: byFailureCount || byFailureRate, byFailureCount, byFailureRate, failuresLastHour: lastHour.count, failingRepos, reposOverRate, reasons };
}
