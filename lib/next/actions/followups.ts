"use server";
/** The follow-up forms' server actions (lib/followups/actions.ts). */
import { serverAction } from "../server-action";
import { addFollowUpAction, closeFollowUpAction } from "../../followups/actions";

export const addFollowUp = serverAction(addFollowUpAction);
export const closeFollowUp = serverAction(closeFollowUpAction);
