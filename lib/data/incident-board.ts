import "server-only";
import type { Actor } from "../auth/roles";
import { can } from "../auth/permissions";
import { overdueWork, type OverdueWork } from "../followups/read";
import { sharedPanels } from "../telemetry/read";
import { commanderDashboard, listIncidents, type CommanderDashboard, type IncidentSummary } from "./incidents";

/** The orchestrator's state in one glance: the live panels' headline figures (null when the control plane is unreachable). */
export type AtAGlance = { providers: string; spendTodayUsd: number; budgetLevel: string; quota: { provider: string; usedPercent: number }[]; phase: string };

/** Everything the incident commander's screen shows, as GET /api/incidents/board sends it every few seconds. */
export type IncidentBoard = CommanderDashboard & {
  recent: IncidentSummary[];
  glance: AtAGlance | null;
  /** Why the glance is old (the panels' last read failed), or null. */
  glanceStale: string | null;
  overdue: OverdueWork;
  mayDeclare: boolean;
};

async function glance(): Promise<Pick<IncidentBoard, "glance" | "glanceStale">> {
  try {
    const { body } = await sharedPanels().read();
    const model = body.model;
    const glanceStale = body.stale ? (body.error ?? "the last read failed") : null;
    if (!model) return { glance: null, glanceStale };
    return {
      glance: {
        providers: model.slo.toleranceLabel,
        spendTodayUsd: model.budget.todayUsd,
        budgetLevel: model.budget.levelLabel,
        quota: model.quota.rows.map((q) => ({ provider: q.provider, usedPercent: q.usedPercent })),
        phase: model.phaseLabel,
      },
      glanceStale,
    };
  } catch {
    return { glance: null, glanceStale: null };
  }
}

/** The board for one person, or null when they may not view incidents. */
export async function incidentBoard(actor: Actor): Promise<IncidentBoard | null> {
  if (!can(actor, "incident.view")) return null;
  const [dashboard, recent, panels, overdue] = await Promise.all([commanderDashboard(actor), listIncidents(actor), glance(), overdueWork(actor, "all")]);
  if (!dashboard) return null;
  return { ...dashboard, recent, ...panels, overdue, mayDeclare: can(actor, "incident.declare") };
}
