-- The two-person rule as the runbooks mean it (issue 14): every request of a step is recorded, an approval belongs
-- to one request (its id and hash), and no one who requested a step may approve it.

-- AlterTable
ALTER TABLE "signature" ADD COLUMN     "requestId" UUID;

-- AlterTable
ALTER TABLE "step_state" ADD COLUMN     "requestId" UUID;

-- CreateTable
CREATE TABLE "step_request" (
    "id" UUID NOT NULL,
    "runId" UUID NOT NULL,
    "stepId" TEXT NOT NULL,
    "requestedById" UUID NOT NULL,
    "requestedBy" TEXT NOT NULL,
    "request" JSONB NOT NULL,
    "requestHash" TEXT NOT NULL,
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "step_request_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "step_request_runId_stepId_idx" ON "step_request"("runId", "stepId");

-- AddForeignKey
ALTER TABLE "signature" ADD CONSTRAINT "signature_requestId_fkey" FOREIGN KEY ("requestId") REFERENCES "step_request"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "step_request" ADD CONSTRAINT "step_request_runId_fkey" FOREIGN KEY ("runId") REFERENCES "run"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- Backfill 1: the requests made so far, from the audit log (every successful request appended its event in the same
-- transaction), so that people who requested a step earlier in a run in flight stay unable to approve it.
INSERT INTO "step_request" ("id", "runId", "stepId", "requestedById", "requestedBy", "request", "requestHash", "createdAt")
SELECT gen_random_uuid(), r."id", e."details"->>'stepId', e."actorId", coalesce(p."name", e."actorEmail", 'someone'),
       jsonb_build_object('action', e."details"->'action', 'params', coalesce(e."details"->'params', '{}'::jsonb)), e."details"->>'requestHash', e."at"
  FROM "audit_event" e
  JOIN "run" r ON r."id"::text = e."targetId"
  LEFT JOIN "person" p ON p."id" = e."actorId"
 WHERE e."action" IN ('run.step.requested', 'run.step.command_requested') AND e."outcome" = 'allowed' AND e."targetType" = 'run'
   AND e."actorId" IS NOT NULL AND e."details"->>'stepId' IS NOT NULL AND e."details"->>'requestHash' IS NOT NULL;

-- Backfill 2: each step's current request is the latest recorded one by its requester with its hash.
UPDATE "step_state" s SET "requestId" = (
  SELECT q."id" FROM "step_request" q
   WHERE q."runId" = s."runId" AND q."stepId" = s."stepId" AND q."requestedById" = s."requestedById" AND q."requestHash" = s."requestHash"
   ORDER BY q."createdAt" DESC LIMIT 1)
 WHERE s."requestHash" IS NOT NULL AND s."requestedById" IS NOT NULL;

-- Backfill 3: a current request the audit log does not show (not expected) is recorded from the step itself.
WITH missing AS (
  SELECT s."runId", s."stepId", s."requestedById", s."request", s."requestHash", coalesce(s."completedAt", s."currentSince", now()) AS "at", gen_random_uuid() AS "id"
    FROM "step_state" s WHERE s."requestHash" IS NOT NULL AND s."requestedById" IS NOT NULL AND s."requestId" IS NULL
), recorded AS (
  INSERT INTO "step_request" ("id", "runId", "stepId", "requestedById", "requestedBy", "request", "requestHash", "createdAt")
  SELECT m."id", m."runId", m."stepId", m."requestedById", coalesce(p."name", 'someone'), coalesce(m."request", '{}'::jsonb), m."requestHash", m."at"
    FROM missing m LEFT JOIN "person" p ON p."id" = m."requestedById"
  RETURNING 1
)
UPDATE "step_state" s SET "requestId" = m."id" FROM missing m WHERE s."runId" = m."runId" AND s."stepId" = m."stepId";

-- Backfill 4: a signature belongs to the current request when it covers its hash and was given after it was made.
UPDATE "signature" g SET "requestId" = q."id"
  FROM "step_state" s JOIN "step_request" q ON q."id" = s."requestId"
 WHERE g."runId" = s."runId" AND g."stepId" = s."stepId" AND g."voidedAt" IS NULL AND g."requestHash" = s."requestHash" AND g."createdAt" >= q."createdAt";

-- Backfill 5: on steps still waiting for approvals, approvals given to an earlier request are void.
UPDATE "signature" g SET "voidedAt" = now()
  FROM "step_state" s
 WHERE g."runId" = s."runId" AND g."stepId" = s."stepId" AND s."status" = 'AWAITING_SIGNATURES'
   AND g."voidedAt" IS NULL AND g."requestId" IS NULL AND g."requestHash" IS NOT NULL;
