/**
 * Drills run a runbook against the control-plane simulator with a scenario injected for the drill's duration.
 * They are allowed only when the control plane the portal talks to is the simulator, so a drill's commands can never
 * reach a real orchestrator.
 */
import { z } from "zod";
import { DRILL_SCENARIOS, type DrillScenario } from "./drill-scenarios";

export { DRILL_SCENARIOS, type DrillScenario } from "./drill-scenarios";

export const drillScenarioSchema = z.enum(DRILL_SCENARIOS, { error: "Choose a scenario from the list." });

/** The simulator's URL when drills are possible, else why not. */
export function drillTarget(env: Record<string, string | undefined> = process.env): { url: string } | { reason: string } {
  const sim = env.SIMULATOR_URL;
  if (!sim) return { reason: "Drills need the control-plane simulator: this portal has no SIMULATOR_URL." };
  if (env.CONTROL_PLANE_URL && env.CONTROL_PLANE_URL.replace(/\/$/, "") !== sim.replace(/\/$/, "")) {
    return { reason: "Drills run only while the portal's control plane is the simulator, so drill commands cannot reach the real orchestrator." };
  }
  return { url: sim.replace(/\/$/, "") };
}

async function admin(url: string, method: string, body?: unknown) {
  const res = await fetch(`${url}/admin/scenario`, {
    method,
    headers: body ? { "content-type": "application/json" } : undefined,
    body: body ? JSON.stringify(body) : undefined,
    signal: AbortSignal.timeout(5_000),
  });
  if (!res.ok) throw new Error(`simulator answered HTTP ${res.status} to ${method} /admin/scenario`);
}

export const injectScenario = (url: string, scenario: DrillScenario) => admin(url, "POST", { scenario });
export const clearScenarios = (url: string) => admin(url, "DELETE");
