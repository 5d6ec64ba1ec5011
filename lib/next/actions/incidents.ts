"use server";
/** The incident pages' server actions (lib/incidents/actions.ts). */
import { redirect } from "next/navigation";
import { runServerAction, serverAction } from "../server-action";
import type { ActionResult } from "../../actions/result";
import { declareIncidentAction, setIncidentStatusAction, takeCommandAction } from "../../incidents/actions";
import { paths } from "../../paths";

/** Declares an incident and opens it. */
export async function declareIncident(_prev: ActionResult<unknown> | null, form: FormData): Promise<ActionResult<unknown>> {
  const result = await runServerAction(declareIncidentAction, form);
  if (!result.ok) return result;
  redirect(paths.incident(result.data.incidentId));
}
export const setIncidentStatus = serverAction(setIncidentStatusAction);
export const takeCommand = serverAction(takeCommandAction);
