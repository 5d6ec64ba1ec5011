/** Recording runbook reviews (issue 19): who, when, and the outcome; audited in the same transaction. */
import { defineAction } from "../actions/safe-action";
import { ActionError } from "../actions/result";
import { AuthorizationError, mayReviewRunbook } from "../auth/permissions";
import { ROLE_LABELS } from "../auth/roles";
import { runnerOf } from "../sql";
import { getRunbook } from "../runbooks";
import { insertReview, type ReviewRow } from "../stores/reviews";
import { recordReviewSchema } from "../validation/followups";
import { findChangelogEntry } from "./changelog";
import { addCadence } from "./schedule";

/**
 * Records a review of a runbook by one of its owner roles: "no change", or the entry of its change log the review led
 * to (which must be in the runbook's change log). The next review is then due one cadence after today.
 */
export const recordReviewAction = defineAction({
  name: "runbook.reviewed",
  schema: recordReviewSchema,
  permission: "runbook.review",
  target: (i) => ({ type: "runbook", id: i.runbookId }),
  async run({ actor, input, tx }) {
    const rb = getRunbook(input.runbookId);
    if (!rb) throw new ActionError("NOT_FOUND", `There is no runbook ${input.runbookId}.`);
    if (!mayReviewRunbook(actor, rb.owners)) {
      throw new AuthorizationError("runbook.review", `Only ${rb.id}'s owners (${rb.owners.map((r) => ROLE_LABELS[r]).join(", ")}) may record its review.`);
    }
    let changelog: ReviewRow["changelog"] = null;
    if (input.outcome === "changelog") {
      const entry = findChangelogEntry(rb, input.changelogKey!);
      if (!entry) {
        const msg = `That entry is not in ${rb.id}'s change log.`;
        throw new ActionError("INVALID", msg, { changelogKey: [msg] });
      }
      changelog = { key: entry.key, date: entry.date, author: entry.author, change: entry.change };
    }
    const saved = await insertReview(runnerOf(tx), {
      runbookId: rb.id,
      reviewedById: actor.id,
      reviewerName: actor.name,
      outcome: input.outcome === "changelog" ? "CHANGELOG" : "NO_CHANGE",
      changelog,
      note: input.note ?? null,
      cadence: rb.reviewCadence,
    });
    const reviewedOn = saved.reviewedAt.toISOString().slice(0, 10);
    const next = addCadence(reviewedOn, rb.reviewCadence);
    return {
      data: { reviewId: saved.id, next },
      audit: { details: { reviewId: saved.id, runbookId: rb.id, outcome: input.outcome, changelog, note: input.note ?? null, cadence: rb.reviewCadence, next } },
    };
  },
});
