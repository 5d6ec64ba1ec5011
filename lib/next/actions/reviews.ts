"use server";
/** The runbook review form's server action (lib/reviews/actions.ts). */
import { serverAction } from "../server-action";
import { recordReviewAction } from "../../reviews/actions";

export const recordReview = serverAction(recordReviewAction);
