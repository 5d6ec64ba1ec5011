/**
 * The per-action table of the action fuzz (tests/integration/fuzz-actions.test.ts): for each action definition, who
 * may call it, its fields, and well-formed but hostile input aimed at the fixtures the test creates.
 */
import fc from "fast-check";
import type { AnyActionDefinition } from "@/lib/actions/safe-action";
import { RUNBOOK_ID } from "@/lib/runbooks/schema";
import { DRILL_SCENARIOS } from "@/lib/runs/drills";
import { REPO_NAME_PATTERN } from "@/lib/onboarding/workflow";
import * as accessActions from "@/lib/access/actions";
import * as auditActions from "@/lib/audit/actions";
import * as incidentActions from "@/lib/incidents/actions";
import * as onboardingActions from "@/lib/onboarding/actions";
import * as runActions from "@/lib/runs/actions";
import * as startRun from "@/lib/runs/start-run";
import * as decideCommand from "@/lib/control-plane/decide-command";
import * as followUpActions from "@/lib/followups/actions";
import * as reviewActions from "@/lib/reviews/actions";
import { dueDateSchema } from "@/lib/validation/followups";
import { defineOwn, hostileField, hostileText, hugeText, notAString, unknownFields, withExtras } from "./fuzz";
import { ascii, nonBlank, stringsNot, present, notBoolean, structures, uuid, pattern, choice, text, runsCheckbox, mustTick, wholeNumber, dollars, contactValue, contacts, httpsUrl, notHttpsUrl, FILTER_FIELDS, runId, stepId, reason, accepts, emailField, roleValues, rolesField, reviewDate, type Field } from "./fuzz-action-fields";

// ---- the actions -------------------------------------------------------------------------------------------------

export type Who = "sre" | "ic" | "owner" | "auditor" | "infosec";
export type Fixtures = { liveRun: string; skippable: string; abortable: string; endedRun: string; incident: string; onboarding: string; headJson: string; person: string; accessRequest: string };

export type Spec = {
  def: AnyActionDefinition<never, unknown, unknown>;
  who: Who;
  fields: Field[];
  /** Server actions take FormData: also fuzzed through formDataToObject. */
  form: boolean;
  /** Well-formed input with hostile strings, aimed at real objects where the action writes. */
  hostile: (fx: Fixtures) => fc.Arbitrary<Record<string, unknown>>;
  /** Fewer hostile runs for actions that walk the whole chain each time. */
  hostileRuns?: number;
};

const spec = (def: unknown, who: Who, fields: Field[], hostile: Spec["hostile"], form = true): Spec => ({ def: def as Spec["def"], who, fields, form, hostile });
const withHostileRuns = (hostileRuns: number, s: Spec): Spec => ({ ...s, hostileRuns });
const some = <T,>(real: T, arb: fc.Arbitrary<T>) => fc.oneof({ arbitrary: fc.constant(real), weight: 3 }, { arbitrary: arb, weight: 1 });
const optional = <T,>(arb: fc.Arbitrary<T>) => fc.option(arb, { nil: undefined });
const steps = fc.constantFrom("triage", "diagnosis", "resolution", "verification", "no-such-step");
const anyHex = fc.string({ unit: fc.constantFrom(..."0123456789abcdef"), minLength: 64, maxLength: 64 });
const newUuid = fc.uuid({ version: 4 });

export const SPECS: Record<string, Spec> = {
  startRunAction: spec(
    startRun.startRunAction,
    "sre",
    [
      pattern("runbookId", RUNBOOK_ID, fc.constantFrom("RB-CORE-001", "RB-LAUNCH-002"), { trim: true }),
      runsCheckbox("drill"),
      { ...choice("scenario", ["", ...DRILL_SCENARIOS], { optional: true }), valid: fc.constantFrom(undefined, ""), validText: fc.constant("") },
      { ...uuid("incidentId", { optional: true }), valid: fc.constantFrom(undefined, "") , validText: fc.constant("") },
      pattern("flowId", /^[\w.:-]{1,100}$/, fc.constantFrom("flow-123abc", ""), { trim: true, optional: true }),
    ],
    (fx) =>
      fc.record({
        runbookId: fc.constantFrom(" RB-CORE-001\n", "RB-CORE-999", "RB-LAUNCH-999", "RB-CORE-999"),
        drill: fc.constantFrom(false, true, "on", ""),
        scenario: fc.constantFrom(undefined, "", "mass-failure"),
        incidentId: fc.constantFrom(undefined, "", fx.incident, "00000000-0000-4000-8000-000000000000"),
        flowId: optional(fc.stringMatching(/^[\w.:-]{1,100}$/)),
      }),
  ),
  signStepAction: spec(runActions.signStepAction, "sre", [runId(), stepId(), text("notes", { max: 4000 })], (fx) =>
    fc.record({ runId: some(fx.liveRun, newUuid), stepId: steps, notes: optional(hostileField(1, 4000)) }),
  ),
  requestStepAction: spec(
    runActions.requestStepAction,
    "sre",
    [
      runId(),
      stepId(),
      {
        name: "values",
        valid: fc.constant({}),
        invalid: fc.oneof(
          fc.integer(),
          fc.boolean(),
          nonBlank(hostileText()),
          fc.array(fc.string(), { minLength: 1, maxLength: 3 }),
          fc.tuple(fc.string({ minLength: 1, maxLength: 8 }).filter((k) => k !== "__proto__"), present(notAString)).map(([k, v]) => defineOwn({ ok: "fine" }, k, v)),
        ),
      },
      { ...text("param.reason", { max: 2000 }), error: "values.reason" },
    ],
    (fx) => fc.record({ runId: some(fx.liveRun, newUuid), stepId: steps, values: fc.dictionary(hostileText({ maxLength: 8 }), hostileField(1, 2000), { maxKeys: 3 }) }),
  ),
  approveStepAction: spec(runActions.approveStepAction, "sre", [runId(), stepId(), pattern("requestHash", /^[0-9a-f]{64}$/, anyHex)], (fx) =>
    fc.record({ runId: some(fx.liveRun, newUuid), stepId: steps, requestHash: anyHex }),
  ),
  decideStepAction: spec(
    runActions.decideStepAction,
    "sre",
    [
      runId(),
      stepId(),
      choice("outcome", ["GO", "NO_GO"]),
      reason(),
      { name: "checked", repeatable: true, valid: fc.constantFrom(undefined, "c1", ["c1", "c2"]), invalid: fc.oneof(structures, fc.integer(), fc.boolean(), fc.constant(null)) },
    ],
    (fx) => fc.record({ runId: some(fx.liveRun, newUuid), stepId: steps, outcome: fc.constantFrom("GO", "NO_GO"), reason: hostileField(3, 2000), checked: fc.array(hostileText({ maxLength: 10 }), { maxLength: 3 }) }),
  ),
  skipStepAction: spec(runActions.skipStepAction, "ic", [runId(), stepId(), reason()], (fx) => fc.record({ runId: some(fx.skippable, newUuid), stepId: steps, reason: hostileField(3, 2000) })),
  abortRunAction: spec(runActions.abortRunAction, "ic", [runId(), reason()], (fx) => fc.record({ runId: some(fx.abortable, newUuid), reason: hostileField(3, 2000) })),
  addEvidenceAction: spec(
    runActions.addEvidenceAction,
    "sre",
    [
      runId(),
      stepId(),
      text("text", { min: 1, max: 4000, required: true }),
      { name: "url", valid: fc.constantFrom(undefined, "", "https://grafana.example.com/d/x"), validText: fc.constant(""), invalid: fc.oneof(present(notAString), notHttpsUrl.filter((u) => !u.startsWith("http://") && !u.startsWith("https://"))), invalidText: notHttpsUrl.filter((u) => !u.startsWith("http")) },
    ],
    (fx) => fc.record({ runId: some(fx.liveRun, newUuid), stepId: steps, text: hostileField(1, 4000), url: fc.constantFrom(undefined, "", "https://grafana.example.com/d/x?q=%00") }),
  ),
  decideCommandAction: spec(decideCommand.decideCommandAction, "sre", [uuid("commandId"), choice("decision", ["retry", "abandon"]), reason()], () =>
    fc.record({ commandId: newUuid, decision: fc.constantFrom("retry", "abandon"), reason: hostileField(3, 2000) }),
  ),
  escalateRunAction: spec(runActions.escalateRunAction, "sre", [runId(), reason()], (fx) => fc.record({ runId: some(fx.liveRun, newUuid), reason: hostileField(3, 2000) })),
  saveRcaAction: spec(runActions.saveRcaAction, "sre", [runId(), text("markdown", { min: 20, max: 200_000, required: true })], (fx) =>
    fc.record({ runId: some(fx.endedRun, newUuid), markdown: fc.oneof(hostileField(20, 4000), hugeText().map((s) => `# RCA ${s} end`)) }),
  ),
  declareIncidentAction: spec(
    incidentActions.declareIncidentAction,
    "sre",
    [
      text("title", { min: 5, max: 200, required: true }),
      choice("severity", ["P1", "P2", "P3"]),
      text("summary", { max: 4000 }),
      pattern("suggestedRunbookId", RUNBOOK_ID, fc.constantFrom("RB-CORE-001", ""), { optional: true }),
    ],
    () => fc.record({ title: hostileField(5, 200), severity: fc.constantFrom("P1", "P2", "P3"), summary: optional(hostileField(1, 4000)), suggestedRunbookId: fc.constantFrom(undefined, "", "RB-CORE-004", "RB-CORE-999") }),
  ),
  setIncidentStatusAction: spec(
    incidentActions.setIncidentStatusAction,
    "sre",
    [uuid("incidentId"), choice("status", ["OPEN", "MITIGATED", "RESOLVED"]), text("note", { max: 2000 })],
    (fx) => fc.record({ incidentId: some(fx.incident, newUuid), status: fc.constantFrom("OPEN", "MITIGATED", "RESOLVED"), note: optional(hostileField(1, 2000)) }),
  ),
  takeCommandAction: spec(incidentActions.takeCommandAction, "ic", [uuid("incidentId")], (fx) => fc.record({ incidentId: some(fx.incident, newUuid) })),
  verifyChainAction: withHostileRuns(40, spec(auditActions.verifyChainAction, "sre", [], () => unknownFields.map((extra) => withExtras({}, extra)))),
  signHeadAction: spec(auditActions.signHeadAction, "auditor", [text("note", { max: 500 })], () => fc.record({ note: optional(hostileField(1, 500)) })),
  verifyHeadAction: withHostileRuns(40, spec(
    auditActions.verifyHeadAction,
    "auditor",
    [
      {
        name: "head",
        required: true,
        valid: fc.constant('{"format":"orchestrator-audit-head/v1","seq":"1","hash":"' + "0".repeat(64) + '","hmac":"' + "0".repeat(64) + '"}'),
        invalid: fc.oneof(
          present(notAString),
          hostileText().map((s) => `{${s}`),
          fc.jsonValue({ maxDepth: 3 }).map((v) => JSON.stringify(v)),
          fc.record({ format: fc.constant("orchestrator-audit-head/v1"), seq: fc.oneof(fc.integer(), ascii()), hash: ascii(), hmac: anyHex }).map((h) => JSON.stringify(h)),
          fc.constant("x".repeat(900_001)),
          fc.constantFrom("", "   "),
        ),
        invalidText: fc.oneof(hostileText().map((s) => `{${s}`), fc.jsonValue({ maxDepth: 3 }).map((v) => JSON.stringify(v))),
      },
    ],
    (fx) =>
      fc.record({
        extra: hostileText({ maxLength: 30 }),
        pad: fc.oneof(fc.constant(""), hugeText()),
        wrap: fc.boolean(),
      }).map(({ extra, pad, wrap }) => {
        const head = { ...JSON.parse(fx.headJson), reason: `${extra}${pad}`, at: extra, [extra]: extra };
        return { head: JSON.stringify(wrap ? { chainProof: { head }, other: extra } : head) };
      }),
  )),
  exportAuditAction: spec(
    auditActions.exportAuditAction,
    "auditor",
    [choice("format", ["csv", "jsonl"]), { name: "filter", required: true, valid: fc.constant({}), invalid: fc.oneof(fc.integer(), fc.boolean(), fc.constant(null), nonBlank(hostileText()), fc.array(fc.string(), { minLength: 1, maxLength: 3 })) }, ...FILTER_FIELDS],
    () =>
      fc.record({
        format: fc.constantFrom("csv", "jsonl"),
        filter: fc.record({ actor: optional(hostileText({ maxLength: 40 })), targetId: optional(hostileText({ maxLength: 40 })), q: optional(hostileText({ maxLength: 40 }).map((s) => `abc${s}`)), from: fc.constantFrom(undefined, "2026-01-01") }),
      }),
    false,
  ),
  exportBundleAction: spec(auditActions.exportBundleAction, "auditor", [uuid("incidentId"), choice("format", ["json", "md"])], (fx) =>
    fc.record({ incidentId: some(fx.incident, newUuid), format: fc.constantFrom("json", "md") }),
  ),
  requestOnboardingAction: spec(
    onboardingActions.requestOnboardingAction,
    "owner",
    [
      uuid("submissionKey"),
      pattern("repoName", REPO_NAME_PATTERN, fc.constantFrom("payments-api", "x.y_z"), { trim: true }),
      { name: "repoUrl", required: true, valid: httpsUrl, validText: httpsUrl, invalid: fc.oneof(present(notAString), notHttpsUrl), invalidText: notHttpsUrl },
      text("team", { min: 2, max: 100, required: true }),
      contacts("ownerContacts"),
      contacts("alertContacts"),
      choice("targetPhase", ["PHASE_6", "PHASE_7"]),
      wholeNumber("expectedFlowsPerDay", 1, 10_000),
      dollars("estimatedDailySpendUsd"),
      mustTick("trainingCompleted"),
      mustTick("cicdReady"),
      mustTick("apiAccessRequested"),
    ],
    () =>
      fc.record({
        submissionKey: newUuid,
        repoName: fc.stringMatching(/^[a-z][a-z0-9-]{3,30}$/),
        repoUrl: httpsUrl,
        team: hostileField(2, 100),
        ownerContacts: contactValue,
        alertContacts: fc.constantFrom("#alerts", ["#alerts", "@oncall"]),
        targetPhase: fc.constantFrom("PHASE_6", "PHASE_7"),
        expectedFlowsPerDay: fc.constantFrom("6", 12, " 40 "),
        estimatedDailySpendUsd: fc.constantFrom("3.50", 1, "$2"),
        trainingCompleted: fc.constant("on"),
        cicdReady: fc.constant(true),
        apiAccessRequested: fc.constant("true"),
      }),
  ),
  approveOnboardingAction: spec(
    onboardingActions.approveOnboardingAction,
    "sre",
    [uuid("onboardingId"), { name: "acknowledgeFlags", valid: fc.constantFrom(undefined, true, "on"), validText: fc.constant("on"), invalid: present(notBoolean) }, text("note", { max: 2000 })],
    (fx) => fc.record({ onboardingId: some(fx.onboarding, newUuid), acknowledgeFlags: fc.constantFrom(undefined, "on", hostileText()), note: optional(hostileField(1, 2000)) }),
  ),
  sendBackOnboardingAction: spec(onboardingActions.sendBackOnboardingAction, "sre", [uuid("onboardingId"), reason()], (fx) =>
    fc.record({ onboardingId: some(fx.onboarding, newUuid), reason: hostileField(3, 2000) }),
  ),
  runFirstFlowAction: spec(onboardingActions.runFirstFlowAction, "owner", [uuid("onboardingId")], (fx) => fc.record({ onboardingId: some(fx.onboarding, newUuid) })),
  verifyTelemetryAction: spec(onboardingActions.verifyTelemetryAction, "owner", [uuid("onboardingId")], (fx) => fc.record({ onboardingId: some(fx.onboarding, newUuid) })),
  confirmTrainingAction: spec(onboardingActions.confirmTrainingAction, "owner", [uuid("onboardingId")], (fx) => fc.record({ onboardingId: some(fx.onboarding, newUuid) })),
  addPersonAction: spec(accessActions.addPersonAction, "infosec", [emailField, text("name", { min: 1, max: 200, required: true }), rolesField, text("reason", { max: 500 })], () =>
    fc.record({ email: fc.stringMatching(/^[a-z]{1,12}\.[a-z]{1,12}@ops\.example$/), name: hostileField(1, 200), roles: fc.constantFrom("PRODUCT", ["SRE"], ["AUDITOR", "BUSINESS"]), reason: optional(hostileField(1, 500)) }),
  ),
  grantRoleAction: spec(accessActions.grantRoleAction, "infosec", [uuid("personId"), choice("role", roleValues), text("reason", { max: 500 })], (fx) =>
    fc.record({ personId: some(fx.person, newUuid), role: fc.constantFrom(...roleValues), reason: optional(hostileField(1, 500)) }),
  ),
  revokeRoleAction: spec(accessActions.revokeRoleAction, "infosec", [uuid("personId"), choice("role", roleValues)], (fx) =>
    fc.record({ personId: some(fx.person, newUuid), role: fc.constantFrom(...roleValues) }),
  ),
  decideGrantAction: spec(accessActions.decideGrantAction, "infosec", [uuid("requestId"), choice("decision", ["approve", "reject"])], (fx) =>
    fc.record({ requestId: some(fx.accessRequest, newUuid), decision: fc.constantFrom("approve", "reject") }),
  ),
  setDisabledAction: spec(accessActions.setDisabledAction, "infosec", [uuid("personId"), choice("state", ["disabled", "enabled"])], (fx) =>
    fc.record({ personId: some(fx.person, newUuid), state: fc.constantFrom("disabled", "enabled") }),
  ),
  addFollowUpAction: spec(
    followUpActions.addFollowUpAction,
    "sre",
    [
      uuid("runId", { optional: true }),
      { ...uuid("incidentId", { optional: true }), valid: fc.constantFrom(undefined, ""), validText: fc.constant("") },
      text("title", { min: 3, max: 300, required: true }),
      uuid("ownerId"),
      { name: "dueOn", required: true, valid: fc.constantFrom("2026-12-31", "2028-02-29"), validText: fc.constant("2026-12-31"), invalid: fc.oneof(present(notAString), stringsNot(accepts(dueDateSchema)), fc.constantFrom("2026-02-30", "2026-13-01")), invalidText: stringsNot(accepts(dueDateSchema)) },
      pattern("runbookId", RUNBOOK_ID, fc.constantFrom("RB-CORE-001", ""), { trim: true, optional: true }),
      { ...pattern("stepId", /^[a-z0-9]+(-[a-z0-9]+)*$/, fc.constantFrom(""), { optional: true }), valid: fc.constantFrom(undefined, "") },
    ],
    (fx) =>
      fc.record({
        runId: some(fx.endedRun, newUuid),
        title: hostileField(3, 300),
        ownerId: some(fx.person, newUuid),
        dueOn: fc.constantFrom("2026-12-31", "2025-01-01"),
        runbookId: fc.constantFrom(undefined, "", "RB-CORE-001", "RB-CORE-999"),
        stepId: fc.constantFrom(undefined, "", "triage", "no-such-step"),
      }).map((r) => (r.stepId && !r.runbookId ? { ...r, runbookId: "RB-CORE-001" } : r)),
  ),
  closeFollowUpAction: spec(
    followUpActions.closeFollowUpAction,
    "sre",
    [
      uuid("followUpId"),
      choice("outcome", ["done", "wont-do"]),
      { ...pattern("changelogKey", /^[0-9a-f]{12}$/, fc.constantFrom(""), { optional: true }), valid: fc.constantFrom(undefined, "") },
      text("reason", { max: 2000 }),
    ],
    () => fc.record({ followUpId: newUuid, version: fc.constantFrom(0, "0", 3), outcome: fc.constantFrom("done", "wont-do"), changelogKey: fc.constantFrom(undefined, "", "0123456789ab"), reason: hostileField(3, 2000) }),
  ),
  recordReviewAction: spec(
    reviewActions.recordReviewAction,
    "sre",
    [
      pattern("runbookId", RUNBOOK_ID, fc.constantFrom("RB-CORE-004", "RB-CORE-001"), { trim: true }),
      { ...choice("outcome", ["no-change", "changelog"]), valid: fc.constant("no-change"), validText: fc.constant("no-change") },
      { ...pattern("changelogKey", /^[0-9a-f]{12}$/, fc.constantFrom(""), { optional: true }), valid: fc.constantFrom(undefined, "") },
      text("note", { max: 2000 }),
    ],
    () => fc.record({ runbookId: fc.constantFrom("RB-CORE-004", "RB-CORE-001", "RB-CORE-999", "RB-CORE-005"), outcome: fc.constantFrom("no-change", "changelog"), changelogKey: fc.constantFrom(undefined, "", "0123456789ab"), note: optional(hostileField(1, 2000)) }),
  ),
  exportAccessReviewAction: spec(
    accessActions.exportAccessReviewAction,
    "auditor",
    [reviewDate, pattern("runbookId", RUNBOOK_ID, fc.constantFrom("RB-LAUNCH-002", ""), { optional: true })],
    () => fc.record({ date: fc.constantFrom(undefined, "", "2026-11-03", "2026-02-29"), runbookId: fc.constantFrom(undefined, "", "RB-LAUNCH-002", "RB-CORE-999", " RB-LAUNCH-002") }),
    false,
  ),
};
