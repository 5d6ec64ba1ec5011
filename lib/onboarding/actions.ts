/**
 * The onboarding's mutations (RB-LAUNCH-001, self-service). Each goes through the action wrapper: session → input
 * → permission → this object (a repo owner acts only on their own requests) → one transaction with its audit event.
 * Control-plane changes are written to the outbox in the same transaction and delivered by the relay.
 */
import { randomUUID } from "node:crypto";
import { defineAction } from "../actions/safe-action";
import { ActionError } from "../actions/result";
import { AuthorizationError, type Permission } from "../auth/permissions";
import type { Actor } from "../auth/roles";
import { db, type Tx } from "../db";
import { KEYED_LOCKS } from "../locks";
import { Prisma } from "../generated/prisma/client";
import { controlPlaneClient } from "../control-plane/config";
import { enqueueCommand } from "../stores/commands";
import { sharedTelemetry } from "../control-plane/telemetry";
import type { Flow, TelemetrySnapshot } from "../control-plane/contract";
import { approveOnboardingSchema, onboardingRefSchema, onboardingRequestSchema, sendBackOnboardingSchema } from "../validation/onboarding";
import { canSeeOnboarding, onboardingApprovalRefusal } from "./access";
import { CONTROL_PLANE_PHASE, REPO_DAILY_LIMIT_USD, type OnboardingPhase } from "./impact";
import { ACTIVE_STATES, OPEN_STATES, STATE_LABELS, type OnboardingState } from "./progress";
import { impactForOnboarding } from "./review";
import { decideOnboarding, readOnboarding } from "../stores/onboarding";
import { WEEK_MS } from "./week-one";

const onboardingTarget = (input: { onboardingId: string }) => ({ type: "onboarding", id: input.onboardingId });

/** Loads the onboarding, refusing people who may not see it (audited as a refusal by the wrapper). */
async function loadForActor(tx: Tx, actor: Actor, id: string, permission: Permission) {
  const o = await readOnboarding(tx, id);
  if (!o) throw new ActionError("NOT_FOUND", "There is no such onboarding.");
  if (!canSeeOnboarding(actor, o)) throw new AuthorizationError(permission, "This onboarding is not yours: repo owners see and act on their own requests only.");
  return o;
}

function requireState(o: { state: OnboardingState }, allowed: readonly OnboardingState[], message: string) {
  if (!allowed.includes(o.state)) throw new ActionError("CONFLICT", `${message} (it is now: ${STATE_LABELS[o.state].toLowerCase()}).`);
}

/** Telemetry is a help for the review, not a requirement: approving works while the control plane is unreachable. */
async function telemetryOrNull(): Promise<TelemetrySnapshot | null> {
  try {
    return (await sharedTelemetry().read()).data;
  } catch {
    return null;
  }
}

/** A repo owner asks for their repo to be onboarded. A second submit of the same form returns the first request. */
export const requestOnboardingAction = defineAction({
  name: "onboarding.requested",
  schema: onboardingRequestSchema,
  permission: "onboarding.request",
  async run({ actor, input, tx }) {
    // Requests for one repo are serialised, so two people (or two tabs) cannot both open one.
    await tx.$executeRaw`SELECT pg_advisory_xact_lock(hashtext(${KEYED_LOCKS.onboardingRepo + input.repoName.toLowerCase()}))`;
    const same = await tx.onboarding.findUnique({ where: { submissionKey: input.submissionKey }, select: { id: true, requestedById: true } });
    if (same) {
      if (same.requestedById !== actor.id) throw new ActionError("CONFLICT", "This form was already used. Reload the page and submit again.");
      return { data: { onboardingId: same.id, duplicate: true }, audit: { action: "onboarding.request.repeated", target: { type: "onboarding", id: same.id }, details: { repo: input.repoName } } };
    }
    const registered = await tx.repo.findFirst({ where: { name: { equals: input.repoName, mode: "insensitive" } }, select: { name: true } });
    if (registered) {
      throw new ActionError("INVALID", "Some fields need attention.", { repoName: [`${registered.name} is already registered with the orchestrator.`] });
    }
    const open = await tx.onboarding.findFirst({
      where: { repoName: { equals: input.repoName, mode: "insensitive" }, state: { in: [...OPEN_STATES] } },
      select: { state: true, requestedById: true },
    });
    if (open) {
      const whose = open.requestedById === actor.id ? "you have" : "someone else has";
      throw new ActionError("INVALID", "Some fields need attention.", { repoName: [`${input.repoName} already has an open onboarding request (${whose} one: ${STATE_LABELS[open.state].toLowerCase()}).`] });
    }
    const id = randomUUID();
    const created = await tx.onboarding.createMany({
      data: [
        {
          id,
          submissionKey: input.submissionKey,
          repoName: input.repoName,
          repoUrl: input.repoUrl,
          team: input.team,
          ownerContacts: input.ownerContacts,
          alertContacts: input.alertContacts,
          targetPhase: input.targetPhase,
          expectedFlowsPerDay: input.expectedFlowsPerDay,
          estimatedDailySpendUsd: input.estimatedDailySpendUsd.toFixed(2),
          checklist: { trainingCompleted: input.trainingCompleted, cicdReady: input.cicdReady, apiAccessRequested: input.apiAccessRequested },
          requestedById: actor.id,
        },
      ],
      skipDuplicates: true,
    });
    if (created.count === 0) {
      // The same form committed in another transaction meanwhile.
      const first = await tx.onboarding.findUniqueOrThrow({ where: { submissionKey: input.submissionKey }, select: { id: true } });
      return { data: { onboardingId: first.id, duplicate: true }, audit: { action: "onboarding.request.repeated", target: { type: "onboarding", id: first.id }, details: { repo: input.repoName } } };
    }
    return {
      data: { onboardingId: id, duplicate: false },
      audit: {
        target: { type: "onboarding", id },
        details: {
          repo: input.repoName,
          url: input.repoUrl,
          team: input.team,
          phase: input.targetPhase,
          expectedFlowsPerDay: input.expectedFlowsPerDay,
          estimatedDailySpendUsd: input.estimatedDailySpendUsd,
        },
      },
    };
  },
});

/**
 * An SRE other than the requester approves: registers the repo and queues the allowlist change (this repo added, at
 * its phase, with the $5 daily cap) in the same transaction, exactly once. Budget or capacity flags must be
 * acknowledged. If the control plane refused the change, approving again sends it again.
 */
export const approveOnboardingAction = defineAction({
  name: "onboarding.approved",
  schema: approveOnboardingSchema,
  permission: "onboarding.approve",
  target: onboardingTarget,
  prepare: () => telemetryOrNull(),
  async run({ actor, input, tx, prepared: telemetry }) {
    const o = await loadForActor(tx, actor, input.onboardingId, "onboarding.approve");
    const selfApproval = onboardingApprovalRefusal(actor, o);
    if (selfApproval) throw new AuthorizationError("onboarding.approve", selfApproval);
    let resend = false;
    if (o.state === "APPROVED" && o.allowlistCommandId) {
      const previous = await tx.command.findUnique({ where: { id: o.allowlistCommandId }, select: { state: true } });
      if (previous?.state !== "FAILED") throw new ActionError("CONFLICT", "This onboarding is already approved; its allowlist change is on its way.");
      resend = true;
    } else {
      requireState(o, ["REQUESTED"], "Only a request awaiting review can be approved");
    }
    const phase = o.targetPhase as OnboardingPhase;
    const registered = await tx.repo.findFirst({ where: { name: { equals: o.repoName, mode: "insensitive" } } });
    if (registered?.allowlisted) throw new ActionError("CONFLICT", `${registered.name} is already registered and allowlisted: send this request back.`);

    const allowlistedRepos = await tx.repo.count({ where: { allowlisted: true } });
    const impact = impactForOnboarding(
      { targetPhase: phase, estimatedDailySpendUsd: Number(o.estimatedDailySpendUsd), expectedFlowsPerDay: o.expectedFlowsPerDay },
      { allowlistedRepos },
      telemetry,
    );
    if (impact.needsAcknowledgement && !input.acknowledgeFlags && !resend) {
      throw new ActionError("INVALID", "Acknowledge the budget and capacity flags to approve.", {
        acknowledgeFlags: [`Acknowledge ${impact.flags.length === 1 ? "the flag" : `the ${impact.flags.length} flags`} above to approve: ${impact.flags.join(" ")}`],
      });
    }

    const command = await enqueueCommand(tx, {
      action: "set-allowlist",
      params: { add: [o.repoName], phase: CONTROL_PLANE_PHASE[phase], dailyCapUsd: REPO_DAILY_LIMIT_USD },
      requestedBy: actor,
      // The owner asked for the repo; this SRE approves it (onboardingApprovalRefusal, checked again by the outbox).
      consent: { requestedBy: o.requestedById, approvedBy: [actor.id] },
    });
    const now = new Date();
    // The decision is taken here (a second approver loses at this write); the repo is registered after it, so a
    // loser never waits on, or collides with, the winner's new repo row.
    await decideOnboarding(
      tx,
      o,
      resend
        ? { allowlistCommandId: command.id }
        : {
            state: "APPROVED",
            reviewedById: actor.id,
            reviewReason: input.note ?? null,
            approvedAt: now,
            closesAt: new Date(now.getTime() + WEEK_MS),
            allowlistCommandId: command.id,
          },
    );
    if (registered) {
      await tx.repo.update({ where: { id: registered.id }, data: { url: o.repoUrl, ownerId: o.requestedById, phase } });
    } else {
      await tx.repo.create({ data: { name: o.repoName, url: o.repoUrl, ownerId: o.requestedById, phase, allowlisted: false, dailyCapUsd: REPO_DAILY_LIMIT_USD } });
    }
    return {
      data: { onboardingId: o.id, commandId: command.id },
      audit: {
        action: resend ? "onboarding.allowlist.resent" : undefined,
        details: {
          repo: o.repoName,
          phase,
          commandId: command.id,
          params: command.params,
          flags: impact.flags,
          flagsAcknowledged: impact.needsAcknowledgement ? input.acknowledgeFlags : null,
          projectedDailySpendUsd: impact.budget.projectedUsd,
          reposAfter: impact.capacity.reposAfter,
          note: input.note ?? null,
        },
      },
    };
  },
});

/** An SRE sends the request back with the reason; the owner submits a corrected request. */
export const sendBackOnboardingAction = defineAction({
  name: "onboarding.sent_back",
  schema: sendBackOnboardingSchema,
  permission: "onboarding.approve",
  target: onboardingTarget,
  async run({ actor, input, tx }) {
    const o = await loadForActor(tx, actor, input.onboardingId, "onboarding.approve");
    requireState(o, ["REQUESTED"], "Only a request awaiting review can be sent back");
    await decideOnboarding(tx, o, { state: "CHANGES_REQUESTED", reviewedById: actor.id, reviewReason: input.reason });
    return { data: { onboardingId: o.id }, audit: { details: { repo: o.repoName, reason: input.reason } } };
  },
});

/** The owner (or an SRE with them) runs the repo's first flow through the control plane; again after a failure. */
export const runFirstFlowAction = defineAction({
  name: "onboarding.first_flow.requested",
  schema: onboardingRefSchema,
  permission: "onboarding.request",
  target: onboardingTarget,
  async run({ actor, input, tx }) {
    const o = await loadForActor(tx, actor, input.onboardingId, "onboarding.request");
    requireState(o, ["ALLOWLISTED", "FIRST_FLOW_FAILED"], "The first flow can run once the repo is allowlisted, and again after a failure");
    const command = await enqueueCommand(tx, { action: "run-flow", params: { repo: o.repoName, reason: "Onboarding first flow (RB-LAUNCH-001)" }, requestedBy: actor });
    await decideOnboarding(tx, o, { state: "FIRST_FLOW_RUNNING", firstFlowCommandId: command.id, firstFlowId: null, firstFlowResult: Prisma.DbNull });
    return { data: { onboardingId: o.id, commandId: command.id }, audit: { details: { repo: o.repoName, commandId: command.id, retry: o.state === "FIRST_FLOW_FAILED" } } };
  },
});

type TelemetryCheck = { flows: Flow[]; error: string | null };

/** Checks that the repo's flows appear in the control plane's telemetry, and marks the onboarding. */
export const verifyTelemetryAction = defineAction({
  name: "onboarding.telemetry.verified",
  schema: onboardingRefSchema,
  permission: "onboarding.request",
  target: onboardingTarget,
  async prepare({ input }): Promise<TelemetryCheck & { repo: string | null }> {
    // The repo name is read again under the lock in run(); here it only selects which flows to fetch.
    const row = await db().onboarding.findUnique({ where: { id: input.onboardingId }, select: { repoName: true } });
    if (!row) return { flows: [], error: null, repo: null };
    try {
      const list = await controlPlaneClient().flows({ repo: row.repoName, limit: 50 }, { maxAttempts: 2 });
      return { flows: list.flows, error: null, repo: row.repoName };
    } catch (e) {
      return { flows: [], error: e instanceof Error ? e.message : String(e), repo: row.repoName };
    }
  },
  async run({ actor, input, tx, prepared }) {
    const o = await loadForActor(tx, actor, input.onboardingId, "onboarding.request");
    if (!ACTIVE_STATES.includes(o.state) || !o.firstFlowId) throw new ActionError("CONFLICT", "Run the first flow before checking telemetry.");
    if (o.state === "FIRST_FLOW_RUNNING") throw new ActionError("CONFLICT", "Wait for the first flow to finish before checking telemetry.");
    if (o.telemetryVerifiedAt) throw new ActionError("CONFLICT", "Telemetry is already verified for this repo.");
    if (prepared.error) throw new ActionError("CONFLICT", `Could not read telemetry from the control plane, so nothing was marked: ${prepared.error}`);
    const flows = prepared.repo === o.repoName ? prepared.flows.filter((f) => f.repo === o.repoName) : [];
    if (flows.length === 0) throw new ActionError("CONFLICT", `No flows of ${o.repoName} appear in telemetry yet. Try again in a minute.`);
    const firstFlowSeen = flows.some((f) => f.id === o.firstFlowId);
    const now = new Date();
    await decideOnboarding(tx, o, { telemetryVerifiedAt: now, ...(o.state === "FIRST_FLOW_PASSED" ? { state: "TELEMETRY_VERIFIED" as const } : {}) });
    return {
      data: { onboardingId: o.id, flowsSeen: flows.length, firstFlowSeen },
      audit: { details: { repo: o.repoName, flowsSeen: flows.length, firstFlowSeen, latestFlowId: flows[0]?.id ?? null } },
    };
  },
});

/** The repo owner confirms they completed the troubleshooting training (a week-1 success criterion). */
export const confirmTrainingAction = defineAction({
  name: "onboarding.owner_trained",
  schema: onboardingRefSchema,
  permission: "onboarding.request",
  target: onboardingTarget,
  async run({ actor, input, tx }) {
    const o = await loadForActor(tx, actor, input.onboardingId, "onboarding.request");
    if (o.requestedById !== actor.id) throw new AuthorizationError("onboarding.request", "Only the repo owner who requested this onboarding can confirm their own training.");
    if (!ACTIVE_STATES.includes(o.state)) throw new ActionError("CONFLICT", "Training is confirmed during week 1, after approval.");
    if (o.ownerTrainedAt) throw new ActionError("CONFLICT", "Your training is already confirmed.");
    await decideOnboarding(tx, o, { ownerTrainedAt: new Date() });
    return { data: { onboardingId: o.id }, audit: { details: { repo: o.repoName } } };
  },
});
