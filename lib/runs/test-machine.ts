/** The runbooks, people and run snapshots of the run-machine unit tests (machine.test.ts, machine-requests.test.ts). */
import type { Actor } from "../auth/roles";
import type { Runbook } from "../runbooks";
import type { Outcome, Plan, Refusal, RunSnapshot, StepSnapshot } from "./machine";
import { DECIDE, procedure, PRUNE, snapshotOf, step, testRunbook, THROTTLE, TRIAGE } from "./test-runbook";

/** A task, a decision whose GO jumps over an optional note, a two-person action and a one-person action. */
export const runbook = testRunbook("RB-CORE-900", "Machine Test", procedure(TRIAGE, DECIDE, step("Optional note", { id: "note", kind: "task", signoff: "[SRE]", minutes: 1 }), THROTTLE, PRUNE));

/** Steps the first runbook lacks: a link to a child runbook, a two-person step without an action, and a decision whose branches end the run. */
export const branches = testRunbook(
  "RB-CORE-901",
  "Machine Branches",
  procedure(
    step("Run the child runbook", { id: "child", kind: "link", signoff: "[SRE]", minutes: 5, link: "RB-CORE-902" }),
    step("Confirm the blast radius", { id: "confirm", kind: "verification", signoff: "[SRE, INFOSEC]", twoPerson: "true", minutes: 2 }),
    step("Roll back?", { id: "rollback", kind: "decision", signoff: "[INCIDENT_COMMANDER]", minutes: 2, criteria: "{ go: [{ id: broken, label: Pilot broken }], noGo: [{ id: fine, label: Pilot fine }] }", onGo: "end:rolled-back", onNoGo: "end:aborted" }),
    step("Fail over", { id: "failover", kind: "action", signoff: "[SRE]", minutes: 2, action: '{ name: failover-provider, params: { from: "{{from}}", to: "{{to}}" } }' }),
  ),
);

const person = (id: string, roles: Actor["roles"]): Actor => ({ id, email: `${id}@x`, name: id.toUpperCase(), roles });
export const sre = person("sre", ["SRE"]);
export const sre2 = person("sre2", ["SRE"]);
export const ic = person("ic", ["INCIDENT_COMMANDER"]);
export const owner = person("owner", ["REPO_OWNER"]);
export const lead = person("lead", ["SRE", "INCIDENT_COMMANDER"]);
export const infosec = person("infosec", ["INFOSEC"]);
export const now = new Date("2026-11-28T02:00:00Z");

/** A run of `rb` (the first runbook unless given), its steps pending but for `overrides`. */
export const snapshot = (overrides: Partial<Record<string, Partial<StepSnapshot>>> = {}, extra: Partial<RunSnapshot> = {}, rb: Runbook = runbook): RunSnapshot => snapshotOf(rb, overrides, extra);
export const ctx = (snap: RunSnapshot, actor: Actor, rb: Runbook = runbook) => ({ runbook: rb, snapshot: snap, actor });
export const refusal = (code: Refusal["code"], message: string): Refusal => ({ ok: false, code, message });
/** The plan of an outcome the test expects to be accepted. */
export const ok = (o: Outcome): Plan => {
  if (!o.ok) throw new Error(`refused: ${o.message}`);
  return o;
};
