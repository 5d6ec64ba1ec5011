"use server";

import { redirect } from "next/navigation";
import { runServerAction } from "@/lib/next/server-action";
import type { ActionResult } from "@/lib/actions/result";
import { declareIncidentAction, setIncidentStatusAction, takeCommandAction } from "@/lib/incidents/actions";
import { paths } from "@/lib/paths";

type R = ActionResult<unknown> | null;

/** Declares an incident and opens it. */
export async function declareIncident(_prev: R, form: FormData): Promise<R> {
  const result = await runServerAction(declareIncidentAction, form);
  if (!result.ok) return result;
  redirect(paths.incident(result.data.incidentId));
}
/** Marks an incident open, mitigated or resolved. */
export async function setIncidentStatus(_prev: R, form: FormData): Promise<R> {
  return runServerAction(setIncidentStatusAction, form);
}
/** Takes command of an incident. */
export async function takeCommand(_prev: R, form: FormData): Promise<R> {
  return runServerAction(takeCommandAction, form);
}
